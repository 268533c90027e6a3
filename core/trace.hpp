#pragma once
// A variant's computation as data: an ordered list of steps, each with its tensor shape and the
// provenance of every (row, head) position of the token-by-head plane. The GUI animates between
// two steps by matching provenance, so no variant needs GUI code of its own.
#include <string>
#include <vector>

namespace attnscope {

struct Scene;
struct FrameLayout;

enum class StepValues {
  None,          // a pure data movement
  Scores,        // QKᵀ/√D inside each group, before the mask
  MaskedScores,  // the same with masked cells at -inf
  Weights,       // softmax of the masked scores
  FrameOutput,   // weights · V, still in the frame's row order
  Output,        // the attention output in original token order
};
const char* step_values_name(StepValues values);

struct Step {
  std::string name;
  std::string explanation;  // one line for the step view: what happens
  std::string why;          // one line: why the step is there, or why it is cheap; may be empty
  std::string code;         // the equivalent PyTorch line
  std::vector<long> shape;
  std::vector<std::string> axes;
  int rows = 0;   // B·N: the token-by-head plane in memory order
  int heads = 0;
  std::vector<int> tokens;       // rows × heads: original token held at (row, head)
  std::vector<int> batch;        // per row: which sequence of the batch
  std::vector<int> groups;       // rows × heads: group (segment) index, -1 when not grouped
  std::vector<int> head_part;    // per head: chunk index while the heads are split, else -1
  std::vector<int> marked;       // original tokens the step singles out (SF's sink tokens)
  std::string marked_name;       // what the marked tokens are ("sink"), for legends
  StepValues values = StepValues::None;

  int token(int row, int head) const { return tokens[static_cast<size_t>(row) * heads + head]; }
  int group(int row, int head) const { return groups[static_cast<size_t>(row) * heads + head]; }
};

struct Trace {
  std::vector<Step> steps;
  int find(const std::string& name) const;  // -1 if absent
};

// Builds steps by editing a running provenance plane and snapshotting it.
class TraceBuilder {
 public:
  explicit TraceBuilder(const Scene& scene);

  // Head h now holds, in row (b·N + slot), the token token_at_slot[slot].
  TraceBuilder& place_tokens(int head, const std::vector<int>& token_at_slot);
  TraceBuilder& place_identity();
  // Rows are grouped by the frame's segments (the frame slot of a row is row mod N).
  TraceBuilder& group_by(const FrameLayout& frame);
  TraceBuilder& ungroup();
  TraceBuilder& split_heads(int parts);
  TraceBuilder& join_heads();

  TraceBuilder& step(std::string name, std::vector<long> shape, std::vector<std::string> axes,
                     std::string explanation, std::string code,
                     StepValues values = StepValues::None);
  // The reason for the step just added (shown under its caption in the GUI and the figures).
  TraceBuilder& why(std::string text);
  // Tokens the next steps single out, until cleared with an empty list.
  TraceBuilder& mark(std::vector<int> tokens, std::string name);
  Trace finish() { return std::move(trace_); }

 private:
  int n_, heads_, batch_;
  Step current_;
  Trace trace_;
};

}  // namespace attnscope
