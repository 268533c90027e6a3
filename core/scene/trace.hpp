#pragma once
// A variant's computation as data: an ordered list of steps, each with its tensor shape and the
// provenance of every (row, head) position of the token-by-head plane. The GUI animates between
// two steps by matching provenance, so no variant needs GUI code of its own.
#include <memory>
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

// A value per (row, head) of the token-by-head plane, stored as one column of N values per head
// (row r of sequence b reads entry r mod N, plus b · batch_offset[head]). Heads and steps with
// the same layout share a column, so 32 heads × 131072 tokens × 12 steps cost a few columns.
class HeadColumns {
 public:
  HeadColumns() = default;
  HeadColumns(int n, int heads, int fill);

  int at(int row, int head) const {
    return (*columns_[head])[row % n_] + (row / n_) * batch_offset_[head];
  }
  const std::vector<int>& column(int head) const { return *columns_[head]; }
  int batch_offset(int head) const { return batch_offset_[head]; }
  // The same column object (heads that share storage): equal without comparing entries.
  bool shares_column(int head_a, int head_b) const { return columns_[head_a] == columns_[head_b]; }
  // Stores `values` for `head`, sharing storage with another head that holds the same values.
  void set(int head, std::vector<int> values, int batch_offset = 0);
  bool operator==(const HeadColumns& other) const;

 private:
  int n_ = 0;
  std::vector<std::shared_ptr<const std::vector<int>>> columns_;
  std::vector<int> batch_offset_;
};

// A plane stored row-major, position row·heads + head (the audit's step files and JSON), as
// columns, and back.
HeadColumns head_columns_from_rows(const std::vector<int>& plane, int rows, int heads);
std::vector<int> head_columns_to_rows(const HeadColumns& columns, int rows, int heads);

struct Step {
  std::string name;
  std::string explanation;  // one line for the step view: what happens
  std::string why;          // one line: why the step is there, or why it is cheap; may be empty
  std::string code;         // the equivalent PyTorch line
  std::vector<long> shape;
  std::vector<std::string> axes;
  int rows = 0;   // B·N: the token-by-head plane in memory order
  int heads = 0;
  HeadColumns tokens;            // original token held at (row, head)
  std::vector<int> batch;        // per row: which sequence of the batch
  HeadColumns groups;            // group (segment) index at (row, head), -1 when not grouped
  std::vector<int> head_part;    // per head: chunk index while the heads are split, else -1
  std::vector<int> marked;       // original tokens the step singles out (SF's sink tokens)
  std::string marked_name;       // what the marked tokens are ("sink"), for legends
  StepValues values = StepValues::None;

  int token(int row, int head) const { return tokens.at(row, head); }
  int group(int row, int head) const { return groups.at(row, head); }
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
