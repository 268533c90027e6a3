#include "core/analysis/attention.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

namespace attnscope {

namespace {

// Eigen stays inside this file: the core is built with -march=native, and an Eigen type in a
// header would be laid out differently in targets built without it.
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr int kTile = 64;

AttentionResult result_shell(const Qkv& qkv, const std::vector<RowRuns>& masks) {
  AttentionResult r;
  r.batch = qkv.batch;
  r.n = qkv.n;
  r.heads = qkv.heads;
  r.d = qkv.d;
  r.values.resize(static_cast<size_t>(qkv.batch) * qkv.heads);
  for (int b = 0; b < qkv.batch; ++b)
    for (int h = 0; h < qkv.heads; ++h) {
      HeadValues& v = r.values[static_cast<size_t>(b) * qkv.heads + h];
      v.scores.assign(static_cast<size_t>(masks[h].count()), 0.f);
      v.weights.assign(v.scores.size(), 0.f);
    }
  r.output.assign(qkv.data.size() / 3, 0.f);
  return r;
}

float* output_row(std::vector<float>& output, const Qkv& qkv, int b, int token, int h) {
  return output.data() + ((static_cast<size_t>(b) * qkv.n + token) * qkv.heads + h) * qkv.d;
}

// Rows of one (b, part, h) gathered in the given token order.
RowMatrix gather(const Qkv& qkv, int b, int part, int h, const int* tokens, int count) {
  RowMatrix m(count, qkv.d);
  for (int i = 0; i < count; ++i)
    m.row(i) = Eigen::Map<const Eigen::RowVectorXf>(qkv.row(b, tokens[i], part, h), qkv.d);
  return m;
}

// In-place softmax of one row over the columns where `allowed(j)`; others become 0.
// Returns false when no column is allowed (the row is left all zero).
template <typename Allowed>
bool softmax_row(float* row, int count, Allowed allowed) {
  float max_score = -std::numeric_limits<float>::infinity();
  for (int j = 0; j < count; ++j)
    if (allowed(j)) max_score = std::max(max_score, row[j]);
  if (max_score == -std::numeric_limits<float>::infinity()) {
    std::fill(row, row + count, 0.f);
    return false;
  }
  float sum = 0.f;
  for (int j = 0; j < count; ++j) {
    row[j] = allowed(j) ? std::exp(row[j] - max_score) : 0.f;
    sum += row[j];
  }
  const float inv = 1.f / sum;
  for (int j = 0; j < count; ++j) row[j] *= inv;
  return true;
}

struct SegmentJob {
  const Qkv& qkv;
  const HeadFrame& frame;
  int b, h, segment;
};

// Calls sink(i, j, score, weight) for every allowed frame cell and writes the outputs.
template <typename CellSink>
void run_segment(const SegmentJob& job, std::vector<float>& output, bool keep_values,
                 CellSink&& sink) {
  const Qkv& qkv = job.qkv;
  const int begin = job.frame.segment_begin(job.segment);
  const int length = job.frame.segment_end(job.segment) - begin;
  const int* tokens = job.frame.token_at_slot.data() + begin;
  const RowMatrix q = gather(qkv, job.b, Qkv::Q, job.h, tokens, length);
  const RowMatrix k = gather(qkv, job.b, Qkv::K, job.h, tokens, length);
  const RowMatrix v = gather(qkv, job.b, Qkv::V, job.h, tokens, length);
  const float scale = 1.f / std::sqrt(static_cast<float>(qkv.d));
  const bool frame_causal = job.frame.rule == SegmentRule::FrameCausal;
  RowMatrix scores, weights, out;
  for (int r0 = 0; r0 < length; r0 += kTile) {
    const int rows = std::min(kTile, length - r0);
    // Under a frame-causal mask no row of this tile reads a key past the tile's last row.
    const int cols = frame_causal ? r0 + rows : length;
    weights.noalias() = (q.middleRows(r0, rows) * k.topRows(cols).transpose()) * scale;
    if (keep_values) scores = weights;
    for (int i = 0; i < rows; ++i) {
      const int qi = r0 + i;
      if (frame_causal) {
        // The allowed keys are the prefix [0, qi]: a vectorised softmax over it.
        auto row = weights.row(i);
        const int allowed = qi + 1;
        const float max_score = row.head(allowed).maxCoeff();
        row.head(allowed) = (row.head(allowed).array() - max_score).exp();
        row.head(allowed) /= row.head(allowed).sum();
        row.tail(cols - allowed).setZero();
        if (keep_values)
          for (int j = 0; j < allowed; ++j) sink(qi, j, scores(i, j), weights(i, j));
      } else {
        auto allowed = [&](int j) { return tokens[j] <= tokens[qi]; };
        softmax_row(weights.row(i).data(), cols, allowed);
        if (keep_values)
          for (int j = 0; j < cols; ++j)
            if (allowed(j)) sink(qi, j, scores(i, j), weights(i, j));
      }
    }
    out.noalias() = weights * v.topRows(cols);
    for (int i = 0; i < rows; ++i)
      Eigen::Map<Eigen::RowVectorXf>(output_row(output, qkv, job.b, tokens[r0 + i], job.h), qkv.d) =
          out.row(i);
  }
}

}  // namespace

AttentionResult attention_sparse(const Qkv& qkv, const std::vector<RowRuns>& masks) {
  AttentionResult r = result_shell(qkv, masks);
  const float scale = 1.f / std::sqrt(static_cast<float>(qkv.d));
  std::vector<float> row_scores;
  for (int b = 0; b < qkv.batch; ++b)
    for (int h = 0; h < qkv.heads; ++h) {
      const RowRuns& mask = masks[h];
      HeadValues& values = r.values[static_cast<size_t>(b) * qkv.heads + h];
      for (int qtok = 0; qtok < qkv.n; ++qtok) {
        const int64_t offset = mask.row_cell_offset(qtok);
        const int count = static_cast<int>(mask.row_count(qtok));
        if (count == 0) {
          r.empty_rows.push_back({b, h, qtok});
          continue;
        }
        const Eigen::Map<const Eigen::VectorXf> qv(qkv.row(b, qtok, Qkv::Q, h), qkv.d);
        row_scores.resize(count);
        int c = 0;
        for (const Run run : mask.row(qtok))
          for (int ktok = run.begin; ktok < run.end; ++ktok, ++c)
            row_scores[c] =
                Eigen::Map<const Eigen::VectorXf>(qkv.row(b, ktok, Qkv::K, h), qkv.d).dot(qv) *
                scale;
        std::copy(row_scores.begin(), row_scores.end(), values.scores.begin() + offset);
        softmax_row(row_scores.data(), count, [](int) { return true; });
        std::copy(row_scores.begin(), row_scores.end(), values.weights.begin() + offset);
        Eigen::Map<Eigen::RowVectorXf> out(output_row(r.output, qkv, b, qtok, h), qkv.d);
        c = 0;
        for (const Run run : mask.row(qtok))
          for (int ktok = run.begin; ktok < run.end; ++ktok, ++c)
            out += row_scores[c] *
                   Eigen::Map<const Eigen::RowVectorXf>(qkv.row(b, ktok, Qkv::V, h), qkv.d);
      }
    }
  return r;
}

AttentionResult attention_grouped(const Qkv& qkv, const FrameLayout& frame,
                                  const std::vector<RowRuns>& masks) {
  AttentionResult r = result_shell(qkv, masks);
  for (int b = 0; b < qkv.batch; ++b)
    for (int h = 0; h < qkv.heads; ++h) {
      const HeadFrame& head = frame.heads[h];
      const RowRuns& mask = masks[h];
      HeadValues& values = r.values[static_cast<size_t>(b) * qkv.heads + h];
      for (int s = 0; s < head.segment_count(); ++s) {
        const int* tokens = head.token_at_slot.data() + head.segment_begin(s);
        run_segment({qkv, head, b, h, s}, r.output, true, [&](int i, int j, float score, float weight) {
          const int qtok = tokens[i];
          const int64_t index = mask.row_cell_offset(qtok) + mask.rank_in_row(qtok, tokens[j]);
          values.scores[index] = score;
          values.weights[index] = weight;
        });
      }
    }
  return r;
}

std::vector<float> attention_grouped_output(const Qkv& qkv, const FrameLayout& frame) {
  std::vector<float> output(qkv.data.size() / 3, 0.f);
  for (int b = 0; b < qkv.batch; ++b)
    for (int h = 0; h < qkv.heads; ++h)
      for (int s = 0; s < frame.heads[h].segment_count(); ++s)
        run_segment({qkv, frame.heads[h], b, h, s}, output, false,
                    [](int, int, float, float) {});
  return output;
}

std::vector<float> segment_scores(const Qkv& qkv, const HeadFrame& frame, int b, int h, int segment) {
  const int begin = frame.segment_begin(segment);
  const int length = frame.segment_end(segment) - begin;
  const int* tokens = frame.token_at_slot.data() + begin;
  const RowMatrix q = gather(qkv, b, Qkv::Q, h, tokens, length);
  const RowMatrix k = gather(qkv, b, Qkv::K, h, tokens, length);
  const RowMatrix scores = (q * k.transpose()) / std::sqrt(static_cast<float>(qkv.d));
  return {scores.data(), scores.data() + scores.size()};
}

}  // namespace attnscope
