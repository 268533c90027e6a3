#include "core/variants/masked_trace.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdexcept>

namespace attnscope {

namespace {
constexpr size_t kListedTokens = 24;
}

void masked_trace_input(TraceBuilder& t, const Scene& scene) {
  t.step("input", {scene.batch, scene.n, 3, scene.heads, scene.d},
         {"batch", "token", "qkv", "head", "dim"},
         "q, k and v of every token and head, packed as (B, N, 3, H, D)",
         "qkv = torch.stack([q, k, v], dim=2)  # (B, N, 3, H, D)")
      .why(step_why::kInput);
}

void masked_trace_attend(TraceBuilder& t, const Scene& scene, const std::string& mask_explanation,
                         const std::string& mask_code) {
  const long B = scene.batch, N = scene.n, H = scene.heads, D = scene.d;
  const std::vector<std::string> square = {"batch", "head", "query", "key"};
  const std::vector<std::string> tokens = {"batch", "token", "head", "dim"};
  t.place_identity().ungroup().join_heads();
  t.step("scores", {B, H, N, N}, square, "scores q·kᵀ/√D for every pair",
         "scores = q @ k.transpose(-2, -1) / math.sqrt(D)", StepValues::Scores)
      .why(step_why::kScores);
  t.step("mask", {B, H, N, N}, square, mask_explanation, mask_code, StepValues::MaskedScores)
      .why("the pattern decides which keys each query may read; a cell it allows but the policy "
           "forbids is a leak");
  t.step("softmax", {B, H, N, N}, square, "softmax over each query's allowed keys",
         "weights = scores.softmax(-1)", StepValues::Weights)
      .why(step_why::kSoftmax);
  t.step("weighted-sum", {B, N, H, D}, tokens, "each output is the weighted sum of the values",
         "out = (weights @ v).transpose(1, 2)", StepValues::Output)
      .why(step_why::kWeightedSum);
  t.step("output", {B, N, H, D}, tokens, "the attention output in original token order",
         "out  # (B, N, H, D)", StepValues::Output)
      .why(step_why::kOutput);
}

HeadFrame layout_from_groups(int n, const std::vector<std::vector<int>>& groups) {
  HeadFrame frame;
  frame.slot_of_token.assign(n, -1);
  frame.token_at_slot.reserve(n);
  for (const std::vector<int>& group : groups) {
    frame.segment_starts.push_back(static_cast<int>(frame.token_at_slot.size()));
    for (int token : group) {
      if (frame.slot_of_token.at(token) >= 0)
        throw std::logic_error(fmt::format("layout_from_groups: token {} listed twice", token));
      frame.slot_of_token[token] = static_cast<int>(frame.token_at_slot.size());
      frame.token_at_slot.push_back(token);
    }
  }
  if (static_cast<int>(frame.token_at_slot.size()) != n)
    throw std::logic_error("layout_from_groups: every token must be listed once");
  return frame;
}

std::string token_list_text(const std::vector<int>& tokens) {
  if (tokens.size() <= kListedTokens) return fmt::format("[{}]", fmt::join(tokens, ", "));
  const std::vector<int> head(tokens.begin(), tokens.begin() + kListedTokens / 2);
  const std::vector<int> tail(tokens.end() - kListedTokens / 2, tokens.end());
  return fmt::format("[{}, ... {} more ..., {}]", fmt::join(head, ", "),
                     tokens.size() - kListedTokens, fmt::join(tail, ", "));
}

}  // namespace attnscope
