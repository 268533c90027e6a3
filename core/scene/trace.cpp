#include "core/scene/trace.hpp"

#include <algorithm>

#include "core/scene/frame.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

const char* step_values_name(StepValues values) {
  switch (values) {
    case StepValues::None: return "none";
    case StepValues::Scores: return "scores";
    case StepValues::MaskedScores: return "masked-scores";
    case StepValues::Weights: return "weights";
    case StepValues::FrameOutput: return "frame-output";
    case StepValues::Output: return "output";
  }
  return "none";
}

HeadColumns::HeadColumns(int n, int heads, int fill)
    : n_(n),
      columns_(heads, std::make_shared<const std::vector<int>>(n, fill)),
      batch_offset_(heads, 0) {}

void HeadColumns::set(int head, std::vector<int> values, int batch_offset) {
  batch_offset_[head] = batch_offset;
  std::vector<const std::vector<int>*> checked;  // distinct columns are few: compare each once
  for (const auto& column : columns_) {
    if (std::find(checked.begin(), checked.end(), column.get()) != checked.end()) continue;
    checked.push_back(column.get());
    if (*column == values) {
      columns_[head] = column;
      return;
    }
  }
  columns_[head] = std::make_shared<const std::vector<int>>(std::move(values));
}

bool HeadColumns::operator==(const HeadColumns& other) const {
  if (n_ != other.n_ || batch_offset_ != other.batch_offset_ || columns_.size() != other.columns_.size())
    return false;
  for (size_t h = 0; h < columns_.size(); ++h)
    if (columns_[h] != other.columns_[h] && *columns_[h] != *other.columns_[h]) return false;
  return true;
}

HeadColumns head_columns_from_rows(const std::vector<int>& plane, int rows, int heads) {
  HeadColumns columns(rows, heads, -1);
  for (int h = 0; h < heads; ++h) {
    std::vector<int> column(rows);
    for (int row = 0; row < rows; ++row) column[row] = plane[static_cast<size_t>(row) * heads + h];
    columns.set(h, std::move(column));
  }
  return columns;
}

std::vector<int> head_columns_to_rows(const HeadColumns& columns, int rows, int heads) {
  std::vector<int> plane(static_cast<size_t>(rows) * heads);
  for (int row = 0; row < rows; ++row)
    for (int h = 0; h < heads; ++h) plane[static_cast<size_t>(row) * heads + h] = columns.at(row, h);
  return plane;
}

int Trace::find(const std::string& name) const {
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].name == name) return static_cast<int>(i);
  return -1;
}

TraceBuilder::TraceBuilder(const Scene& scene)
    : n_(scene.n), heads_(scene.heads), batch_(scene.batch) {
  current_.rows = n_ * batch_;
  current_.heads = heads_;
  current_.tokens = HeadColumns(n_, heads_, 0);
  current_.groups = HeadColumns(n_, heads_, -1);
  current_.batch.resize(current_.rows);
  current_.head_part.assign(heads_, -1);
  for (int row = 0; row < current_.rows; ++row) current_.batch[row] = row / n_;
  place_identity();
}

TraceBuilder& TraceBuilder::place_tokens(int head, const std::vector<int>& token_at_slot) {
  current_.tokens.set(head, std::vector<int>(token_at_slot.begin(), token_at_slot.begin() + n_));
  return *this;
}

TraceBuilder& TraceBuilder::place_identity() {
  std::vector<int> identity(n_);
  for (int t = 0; t < n_; ++t) identity[t] = t;
  for (int h = 0; h < heads_; ++h) current_.tokens.set(h, identity);
  return *this;
}

TraceBuilder& TraceBuilder::group_by(const FrameLayout& frame) {
  for (int h = 0; h < heads_; ++h) {
    const HeadFrame& head = frame.heads[h];
    std::vector<int> groups(n_);
    for (int segment = 0; segment < head.segment_count(); ++segment)
      std::fill(groups.begin() + head.segment_begin(segment), groups.begin() + head.segment_end(segment),
                segment);
    // Groups are numbered across the batch, as after the reshape to (B·N/G, G, ...).
    current_.groups.set(h, std::move(groups), head.segment_count());
  }
  return *this;
}

TraceBuilder& TraceBuilder::ungroup() {
  current_.groups = HeadColumns(n_, heads_, -1);
  return *this;
}

TraceBuilder& TraceBuilder::split_heads(int parts) {
  for (int h = 0; h < heads_; ++h) current_.head_part[h] = h / (heads_ / parts);
  return *this;
}

TraceBuilder& TraceBuilder::join_heads() {
  std::fill(current_.head_part.begin(), current_.head_part.end(), -1);
  return *this;
}

TraceBuilder& TraceBuilder::step(std::string name, std::vector<long> shape,
                                 std::vector<std::string> axes, std::string explanation,
                                 std::string code, StepValues values) {
  Step step = current_;
  step.name = std::move(name);
  step.shape = std::move(shape);
  step.axes = std::move(axes);
  step.explanation = std::move(explanation);
  step.code = std::move(code);
  step.values = values;
  trace_.steps.push_back(std::move(step));
  return *this;
}

TraceBuilder& TraceBuilder::why(std::string text) {
  trace_.steps.back().why = std::move(text);
  return *this;
}

TraceBuilder& TraceBuilder::mark(std::vector<int> tokens, std::string name) {
  current_.marked = std::move(tokens);
  current_.marked_name = std::move(name);
  return *this;
}

}  // namespace attnscope
