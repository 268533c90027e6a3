#include "core/analysis/values_window.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/analysis/analysis.hpp"
#include "core/base/progress_scope.hpp"
#include "core/scene/sink_logit.hpp"

namespace attnscope {

RowValues given_row_values(const Analysis& analysis, int b, int head, int q) {
  const RowRuns& mask = analysis.mask(head);
  RowValues out;
  std::vector<float> row(static_cast<size_t>(analysis.n()));
  analysis.build.given_weights->row(b, head, q, row.data());
  for (const Run run : mask.row(q))
    for (int k = run.begin; k < run.end; ++k) {
      out.weights.push_back(row[k]);
      out.scores.push_back(std::log(row[k]));
    }
  return out;
}

RowValues row_values(const Analysis& analysis, int b, int head, int q) {
  const RowRuns& mask = analysis.mask(head);
  RowValues out;
  const int64_t count = mask.row_count(q);
  if (count == 0) return out;
  if (analysis.build.given_weights && !analysis.has_values()) return given_row_values(analysis, b, head, q);
  if (analysis.has_values()) {
    const HeadValues& stored = analysis.attention.head(b, head);
    const int64_t offset = mask.row_cell_offset(q);
    out.scores.assign(stored.scores.begin() + offset, stored.scores.begin() + offset + count);
    out.weights.assign(stored.weights.begin() + offset, stored.weights.begin() + offset + count);
    return out;
  }
  const std::shared_ptr<const Qkv> qkv = analysis.head_qkv(head);
  // A roll back that does not undo the roll moves rows: position q holds another query's row.
  const std::vector<int>& source = analysis.build.output_query.empty()
                                       ? std::vector<int>{}
                                       : analysis.build.output_query[head];
  const int query = source.empty() ? q : source[q];
  const float scale = 1.f / std::sqrt(static_cast<float>(qkv->d));
  const Eigen::Map<const Eigen::VectorXf> qv(qkv->row(b, query, Qkv::Q, 0), qkv->d);
  out.scores.resize(static_cast<size_t>(count));
  int64_t c = 0;
  for (const Run run : mask.row(q))
    for (int k = run.begin; k < run.end; ++k, ++c)
      out.scores[c] = Eigen::Map<const Eigen::VectorXf>(qkv->row(b, k, Qkv::K, 0), qkv->d).dot(qv) * scale;
  const float max_score = *std::max_element(out.scores.begin(), out.scores.end());
  out.weights.resize(out.scores.size());
  float sum = 0.f;
  for (size_t i = 0; i < out.scores.size(); ++i) sum += out.weights[i] = std::exp(out.scores[i] - max_score);
  // A sink's share (GPT-OSS) leaves the row's weights summing to less than 1.
  const std::vector<float> sinks = scene_sink_logits(analysis.scene);
  const float keep = sinks.empty() ? 1.f : 1.f - sink_share(out.scores.data(), count, sinks[head]);
  for (float& w : out.weights) w = w / sum * keep;
  return out;
}

float row_sink_share(const Analysis& analysis, int b, int head, int q) {
  const std::vector<float> sinks = scene_sink_logits(analysis.scene);
  if (sinks.empty()) return 0.f;
  const RowValues row = row_values(analysis, b, head, q);
  return sink_share(row.scores.data(), static_cast<int64_t>(row.scores.size()), sinks[head]);
}

int64_t values_window_bytes(int rows, int keys) {
  return int64_t{2} * rows * keys * static_cast<int64_t>(sizeof(float));
}

ValuesWindow values_window(const Analysis& analysis, int b, int head, int row_begin, int row_end,
                           int key_begin, int key_end) {
  ValuesWindow window{row_begin, row_end, key_begin, key_end, {}, {}};
  const size_t cells = static_cast<size_t>(row_end - row_begin) * window.keys();
  window.scores.assign(cells, std::numeric_limits<float>::quiet_NaN());
  window.weights.assign(cells, 0.f);
  const RowRuns& mask = analysis.mask(head);
  for (int q = row_begin; q < row_end; ++q) {
    progress_report(q - row_begin, row_end - row_begin);
    const RowValues row = row_values(analysis, b, head, q);
    const size_t at = static_cast<size_t>(q - row_begin) * window.keys();
    int64_t c = 0;
    for (const Run run : mask.row(q)) {
      const int lo = std::max(run.begin, key_begin), hi = std::min(run.end, key_end);
      for (int k = lo; k < hi; ++k) {
        window.scores[at + (k - key_begin)] = row.scores[c + (k - run.begin)];
        window.weights[at + (k - key_begin)] = row.weights[c + (k - run.begin)];
      }
      c += run.length();
    }
  }
  return window;
}

}  // namespace attnscope
