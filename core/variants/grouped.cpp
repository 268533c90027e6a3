#include "core/variants/grouped.hpp"

#include <fmt/format.h>

namespace attnscope {

namespace {
constexpr int kGroupedMaxG = 1 << 20;
}

void grouped_validate(const Scene& scene, bool splits_heads, bool partial_last_group) {
  // The SFT path's fixed group size (8192) is larger than short sequences: one unshifted
  // segment, and shifted heads split at G/2 only (plain causal when N <= G/2).
  if (partial_last_group && scene.g > scene.n) {
    if (scene.g > kGroupedMaxG)
      throw SceneError(fmt::format("g: group size {} is above {}; pick a smaller --g", scene.g, kGroupedMaxG));
  } else if (scene.g < 1 || scene.g > scene.n)
    throw SceneError(fmt::format("g: group size {} must be between 1 and n = {}; pick a --g that "
                                 "divides n, e.g. --g {}",
                                 scene.g, scene.n, std::max(1, scene.n / 4)));
  if (scene.n % scene.g != 0 && !partial_last_group)
    throw SceneError(fmt::format("n: {} is not divisible by the group size g = {}; use an n that "
                                 "is a multiple of g (e.g. --n {}) or a g that divides n",
                                 scene.n, scene.g, (scene.n / scene.g + 1) * scene.g));
  if (splits_heads && scene.g % 2 != 0 && !scene.shift)
    throw SceneError(fmt::format("g: group size {} is odd, so the half-group shift -G/2 is not a "
                                 "whole number of tokens; use an even --g or give --shift",
                                 scene.g));
  if (splits_heads && scene.heads % 2 != 0)
    throw SceneError(fmt::format("heads: {} shifts half of the heads, so heads must be even "
                                 "(got {}); use --heads {}",
                                 scene.variant, scene.heads, scene.heads + 1));
}

bool grouped_is_shifted_head(const Scene& scene, int head) { return head >= scene.heads / 2; }

FrameLayout grouped_frame_rolled(const Scene& scene, SegmentRule shifted_rule) {
  FrameLayout frame;
  frame.n = scene.n;
  const std::vector<int> groups = segments_equal(scene.n, scene.g);
  for (int h = 0; h < scene.heads; ++h) {
    const bool shifted = grouped_is_shifted_head(scene, h);
    frame.heads.push_back(frame_rolled(scene.n, shifted ? scene.effective_shift() : 0, groups,
                                       shifted ? shifted_rule : SegmentRule::FrameCausal));
  }
  return frame;
}

std::vector<int> grouped_split_boundaries(int n, int g, int s) {
  std::vector<int> starts = {0};
  for (int b = s; b < n; b += g)
    if (b > 0) starts.push_back(b);
  return starts;
}

std::vector<RowRuns> grouped_masks(const FrameLayout& frame) {
  std::vector<RowRuns> masks;
  for (size_t h = 0; h < frame.heads.size(); ++h) {
    size_t same = 0;
    while (same < h && !frame_same_layout(frame.heads[same], frame.heads[h])) ++same;
    masks.push_back(same < h ? masks[same] : frame_head_mask(frame.heads[h]));
  }
  return masks;
}

std::vector<std::vector<int>> grouped_output_query(const Scene& scene, int unroll) {
  const int n = scene.n;
  const int shift = scene.effective_shift();
  std::vector<std::vector<int>> out(scene.heads);
  if (((shift + unroll) % n + n) % n == 0) return out;
  for (int h = 0; h < scene.heads; ++h) {
    if (!grouped_is_shifted_head(scene, h)) continue;
    // Slot f holds token f - shift; rolling back by unroll puts slot p - unroll at position p.
    for (int p = 0; p < n; ++p) out[h].push_back((((p - unroll - shift) % n) + n) % n);
  }
  return out;
}

Trace grouped_trace_rolled(const Scene& scene, const FrameLayout& frame,
                           const std::string& mask_code, int unroll) {
  const long B = scene.batch, N = scene.n, H = scene.heads, D = scene.d, G = scene.g;
  const int shift = scene.effective_shift();
  const std::vector<std::string> packed = {"batch", "token", "qkv", "head", "dim"};
  const std::vector<std::string> grouped = {"group", "offset", "qkv", "head", "dim"};
  const std::vector<std::string> square = {"group", "head", "query", "key"};
  const int wrapped = static_cast<int>(std::abs(shift) % N);
  const bool frame_mask = frame.heads.back().rule == SegmentRule::FrameCausal;
  TraceBuilder t(scene);
  t.step("input", {B, N, 3, H, D}, packed,
         "q, k and v of every token and head, packed as the paper's (B, N, 3, H, D) tensor",
         "qkv = torch.stack([q, k, v], dim=2)  # (B, N, 3, H, D)")
      .why(fmt::format("full attention's cost grows with N\u00b2; attending only inside groups of G = {} "
                       "makes fine-tuning on long contexts affordable (LongLoRA)",
                       G));
  t.split_heads(2).step("chunk", {2, B, N, 3, H / 2, D}, {"chunk", "batch", "token", "qkv", "head", "dim"},
                        "split the heads in two halves; the second half will be shifted",
                        "chunks = qkv.chunk(2, 3)")
      .why("groups alone never exchange information; heads shifted by half a group straddle the "
           "other half's group borders, so information crosses them");
  for (int h = 0; h < scene.heads; ++h) t.place_tokens(h, frame.heads[h].token_at_slot);
  t.step("roll", {2, B, N, 3, H / 2, D}, {"chunk", "batch", "token", "qkv", "head", "dim"},
         fmt::format("roll the second half of the heads by {} tokens; token t moves to slot "
                     "(t {} {}) mod N, so {} tokens wrap around",
                     shift, shift < 0 ? "-" : "+", std::abs(shift), std::abs(shift) % N),
         fmt::format("chunks[1] = chunks[1].roll({}, 1)", shift))
      .why(fmt::format("moving the tokens instead of the borders lets one reshape cut every head at "
                       "the same slots; the {} wrapped tokens share a group with the sequence's other end",
                       wrapped));
  t.join_heads().step("concat", {B, N, 3, H, D}, packed,
                      "put the two halves back together along the head axis",
                      "qkv = torch.cat(chunks, 3)")
      .why("with one tensor again, a single reshape and one batched matmul serve both halves");
  t.group_by(frame).step("group-reshape", {B * N / G, G, 3, H, D}, grouped,
                         fmt::format("cut the token axis into groups of G = {} and move the groups "
                                     "to the batch axis: each group attends on its own",
                                     G),
                         "qkv = qkv.view(B * N // G, G, 3, H, D)")
      .why(fmt::format("a view: (B, N, ...) becomes (B\u00b7N/G, G, ...) without moving a byte; each group "
                       "is now a batch row, so attention below is ordinary {}\u00d7{} attention per row",
                       G, G));
  t.step("scores", {B * N / G, H, G, G}, square, "scores q·kᵀ/√D inside each group",
         "scores = q @ k.transpose(-2, -1) / math.sqrt(D)", StepValues::Scores)
      .why(fmt::format("N/G groups \u00d7 G\u00b2 scores = N\u00b7G = {} per head instead of N\u00b2 = {}: "
                       "the saving",
                       N * G, N * N));
  t.step("mask", {B * N / G, H, G, G}, square,
         "the causal mask inside each group; masked scores become \u2212\u221e", mask_code,
         StepValues::MaskedScores)
      .why(frame_mask && wrapped > 0
               ? fmt::format("the mask compares frame slots, not tokens: in the wrapped group the "
                             "first {} tokens sit after the last {}, so they may read them (a leak)",
                             wrapped, wrapped)
               : "the mask compares original token indices, so no query reads a later token, even "
                 "in the wrapped group");
  t.step("softmax", {B * N / G, H, G, G}, square, "softmax over each query's allowed keys",
         "weights = scores.softmax(-1)", StepValues::Weights)
      .why("masked cells are \u2212\u221e, so their weight is exactly 0; a leaked key gets a real weight");
  t.step("weighted-sum", {B * N / G, G, H, D}, {"group", "offset", "head", "dim"},
         "each query's output is the weighted sum of the values it attends to",
         "out = (weights @ v).transpose(1, 2)", StepValues::FrameOutput)
      .why("here a leaked key's value enters the query's output, and from it every later layer");
  t.ungroup().step("ungroup", {B, N, H, D}, {"batch", "token", "head", "dim"},
                   "put the groups back on the token axis",
                   "out = out.reshape(B, N, H, D)", StepValues::FrameOutput)
      .why("another view: undoing the group-reshape moves no data either");
  const std::vector<std::vector<int>> output_query = grouped_output_query(scene, unroll);
  t.place_identity();
  for (int h = 0; h < scene.heads; ++h)
    if (!output_query[h].empty()) t.place_tokens(h, output_query[h]);
  t.step("unroll", {B, N, H, D}, {"batch", "token", "head", "dim"},
         unroll == -shift
             ? fmt::format("roll the second half of the heads back by {}", unroll)
             : fmt::format("roll the second half of the heads back by {}, which does not undo the "
                           "roll by {}: every position receives another query's result",
                           unroll, shift),
         fmt::format("out = torch.cat((out.chunk(2, 2)[0], out.chunk(2, 2)[1].roll({}, 1)), 2)",
                     unroll),
         StepValues::Output)
      .why(unroll == -shift
               ? "every row must hold its own token again before the output projection mixes heads"
               : "only the exact inverse roll returns each row to its token; rolls that differ by G "
                 "make the same groups but do not undo each other");
  t.step("output", {B, N, H, D}, {"batch", "token", "head", "dim"},
         unroll == -shift ? "every token's output in original order"
                          : "the output: the shifted heads' rows hold their neighbours' results",
         "out  # (B, N, H, D)", StepValues::Output)
      .why("only the attention core changed: the projections and the MLP see an ordinary "
           "(B, N, H\u00b7D) tensor and cost what they cost under full attention");
  return t.finish();
}

}  // namespace attnscope
