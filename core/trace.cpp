#include "core/trace.hpp"

#include "core/frame.hpp"
#include "core/scene.hpp"

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

int Trace::find(const std::string& name) const {
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].name == name) return static_cast<int>(i);
  return -1;
}

TraceBuilder::TraceBuilder(const Scene& scene)
    : n_(scene.n), heads_(scene.heads), batch_(scene.batch) {
  current_.rows = n_ * batch_;
  current_.heads = heads_;
  current_.tokens.resize(static_cast<size_t>(current_.rows) * heads_);
  current_.groups.assign(current_.tokens.size(), -1);
  current_.batch.resize(current_.rows);
  current_.head_part.assign(heads_, -1);
  for (int row = 0; row < current_.rows; ++row) current_.batch[row] = row / n_;
  place_identity();
}

TraceBuilder& TraceBuilder::place_tokens(int head, const std::vector<int>& token_at_slot) {
  for (int row = 0; row < current_.rows; ++row)
    current_.tokens[static_cast<size_t>(row) * heads_ + head] = token_at_slot[row % n_];
  return *this;
}

TraceBuilder& TraceBuilder::place_identity() {
  for (int row = 0; row < current_.rows; ++row)
    for (int h = 0; h < heads_; ++h)
      current_.tokens[static_cast<size_t>(row) * heads_ + h] = row % n_;
  return *this;
}

TraceBuilder& TraceBuilder::group_by(const FrameLayout& frame) {
  for (int row = 0; row < current_.rows; ++row)
    for (int h = 0; h < heads_; ++h) {
      const HeadFrame& head = frame.heads[h];
      // Groups are numbered across the batch, as after the reshape to (B·N/G, G, ...).
      current_.groups[static_cast<size_t>(row) * heads_ + h] =
          (row / n_) * head.segment_count() + head.segment_of_slot(row % n_);
    }
  return *this;
}

TraceBuilder& TraceBuilder::ungroup() {
  std::fill(current_.groups.begin(), current_.groups.end(), -1);
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
