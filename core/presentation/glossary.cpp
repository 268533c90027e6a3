#include "core/presentation/glossary.hpp"

#include <algorithm>
#include <cctype>

namespace attnscope {

const std::vector<GlossaryTerm>& glossary() {
  static const std::vector<GlossaryTerm> terms = {
      {"frame", {"frame order", "rolled frame"},
       "The token order a head attends in. After torch.roll(x, s) token t sits in frame slot "
       "(t + s) mod N; an unshifted head's frame is the original order."},
      {"slot", {"slots", "frame slot", "frame slots"},
       "A position in the frame, 0..N-1. S2-Attn's groups and its causal mask are defined on "
       "slots, not on token indices."},
      {"group", {"groups"},
       "G consecutive frame slots that attend to each other and to nothing else in that head."},
      {"wrapped group", {"wraps", "wrap"},
       "The shifted heads' group that holds the sequence's last and first tokens, because the "
       "roll carried the first tokens to the end of the frame. S2-Attn leaks only here."},
      {"offset", {"offsets"}, "A slot's place inside its group: slot = group\u00b7G + offset."},
      {"shift", {"shifted", "roll", "rolled"},
       "The roll applied to the shifted heads, with torch.roll's sign: shift \u22122 moves token t "
       "to slot t\u22122 (mod N). LongLoRA uses \u2212G/2, half a group."},
      {"group-reshape", {"reshape"},
       "qkv.view(B\u00b7N/G, G, 3, H, D): a view, so no data moves; each group becomes one row of "
       "the batch and attention runs on G\u00d7G blocks."},
      {"policy", {},
       "The rule a pattern is judged against: causal (a query reads only keys k <= q), "
       "bidirectional, prefix:P or documents:a,b,c."},
      {"leak", {"leaks", "leaking", "leaked"},
       "A cell (q, k) that the variant allows but the policy forbids; under the causal policy, a "
       "query that reads a later token."},
      {"dense", {}, "All N\u00b2 cells of a head's square, computed before any mask."},
      {"full", {"full causal"},
       "Full causal attention, every key k <= q: N(N+1)/2 cells per head (the variant full)."},
      {"density", {},
       "Allowed cells divided by N\u00b2 (the dense square), per head or averaged over heads."},
      {"FLOPs vs full", {"flops"},
       "Attention FLOPs of a pattern divided by those of full causal attention: allowed cells / "
       "(H\u00b7N(N+1)/2). Attention costs 4\u00b7D FLOPs per allowed cell (q\u00b7k and weight\u00b7v)."},
      {"causal coverage", {"coverage"},
       "Of the cells the policy allows, the fraction that at least one head reads."},
      {"receptive field", {"reach"},
       "The tokens that can influence a token after L stacked layers, through attention and the "
       "residual path."},
      {"sink", {"sinks", "sink token", "sink tokens"},
       "One of the first S tokens, which every query reads (StreamingLLM's attention sinks: models "
       "learn to park attention on the first tokens, so SinkLoRA keeps them visible to every "
       "query); a global sink row also reads every token unless --sink-causal."},
      {"segment-and-reassemble", {"s&r", "reassemble"},
       "SinkLoRA's repair of the wrapped group: after S2-Attn's roll and grouping, the shifted "
       "tokens return to their places so that no group joins the sequence's two ends."},
      {"R1 and R2", {"r1", "r2", "reading", "readings"},
       "The two readings of SF-Attn, which has no public code. R1: the wrapped group is cut back "
       "into its two halves (the cells of s2-fix-split). R2: heads h < H\u00b7p return to pattern 1, "
       "the rest keep pattern 2."},
      {"pattern 1", {"pattern 2"},
       "LongLoRA's Figure 2: pattern 1 is plain groups of G (the variant short); pattern 2 is the "
       "same groups shifted by half a group."},
      {"SFT path", {"sft"},
       "LongLoRA's supervised fine-tuning code, which cuts segments with cu_seqlens and so "
       "allows an N that G does not divide."},
      {"flash path", {"flash"},
       "LongLoRA's flash-attention code: instead of rolling, it gives the kernel the shifted "
       "segments through cu_seqlens (the variant s2-fix-split)."},
      {"cu_seqlens", {},
       "Cumulative segment starts [0, s1, ..., N] given to a variable-length flash-attention "
       "kernel; attention stays inside each segment."},
  };
  return terms;
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool has_word(const std::string& text, const std::string& word) {
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const bool left = at == 0 || !word_char(text[at - 1]);
    const size_t end = at + word.size();
    const bool right = end >= text.size() || !word_char(text[end]);
    if (left && right) return true;
  }
  return false;
}

}  // namespace

std::vector<const GlossaryTerm*> glossary_terms_in(const std::string& text) {
  const std::string t = lower(text);
  std::vector<const GlossaryTerm*> out;
  for (const GlossaryTerm& term : glossary()) {
    bool found = has_word(t, lower(term.term));
    for (const std::string& alias : term.aliases) found = found || has_word(t, alias);
    if (found) out.push_back(&term);
  }
  return out;
}

}  // namespace attnscope
