#pragma once
// Attention values on demand: the scores and weights of the rows a view shows, computed from the
// structure of an analysis and one head's q, k, v, so no N×N (or even all-cells) array is kept.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace attnscope {

struct Analysis;

struct RowValues {
  std::vector<float> scores;   // aligned with the mask row's cells, in column order
  std::vector<float> weights;  // softmax over the row's allowed cells; empty rows stay empty
};

// Row q (an output position) of `head` in sequence b. Equal to the stored values of an analysis
// that computed them (the test suite checks every variant).
RowValues row_values(const Analysis& analysis, int b, int head, int q);
// The same from a model's own weights (Analysis::build.given_weights): the file's weights at the
// row's allowed cells, their logarithms as the scores (a softmax of which gives them back).
RowValues given_row_values(const Analysis& analysis, int b, int head, int q);
// The share of row q that the head's learned sink takes (GPT-OSS, core/scene/sink_logit.hpp):
// 1 minus the sum of the row's weights; 0 for a scene without sinks.
float row_sink_share(const Analysis& analysis, int b, int head, int q);

// Queries [row_begin, row_end) × keys [key_begin, key_end) of `head`, row-major: weights 0 and
// scores NaN at masked cells.
struct ValuesWindow {
  int row_begin = 0, row_end = 0, key_begin = 0, key_end = 0;
  std::vector<float> scores;
  std::vector<float> weights;

  int keys() const { return key_end - key_begin; }
  float weight(int q, int k) const {
    return weights[static_cast<size_t>(q - row_begin) * keys() + (k - key_begin)];
  }
};

// Bytes a window of this size takes; callers check it against the memory budget.
int64_t values_window_bytes(int rows, int keys);
// Reports its rows to the thread's ProgressScope (core/base/progress_scope.hpp), whose callback
// may cancel it.
ValuesWindow values_window(const Analysis& analysis, int b, int head, int row_begin, int row_end,
                           int key_begin, int key_end);

}  // namespace attnscope
