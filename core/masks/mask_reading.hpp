#pragma once
// What a user's mask file means: its shape read as (batch, heads, queries, keys), and its values
// read as allowed cells. The reading is chosen from the values (one pass over the file), and the
// reason is reported, because a wrong reading turns a leaking mask into a clean one.
#include <string>
#include <vector>

#include "core/cells/row_runs.hpp"
#include "core/masks/mask_file.hpp"

namespace attnscope {

struct MaskShape {
  int batch = 1, heads = 1;  // stored sizes; 1 may be a broadcast axis
  int queries = 0, keys = 0;  // rectangular (decode and prefill steps) when queries < keys
  int dims = 2;               // 2: (Nq, Nk), 3: (H, Nq, Nk), 4: (B, H, Nq, Nk)
  int slices() const { return batch * heads; }
  int slice_batch(int slice) const { return slice / heads; }
  int slice_head(int slice) const { return slice % heads; }
};

// Throws InputError naming the file when the shape is not a mask.
MaskShape mask_shape_of(const std::vector<long>& shape, const std::string& source);

enum class MaskKind {
  Auto,      // chosen from the values
  Boolean,   // nonzero = attend (scaled_dot_product_attention's bool masks)
  Blocked,   // nonzero = blocked (nn.MultiheadAttention's bool masks)
  Additive,  // added to the scores: -inf or <= -1e4 blocked, other finite values attend
  Weights,   // attention probabilities: > 0 attends
};
MaskKind mask_kind_parse(const std::string& text);  // throws InputError naming "kind"
const char* mask_kind_name(MaskKind kind);

// Values at or below this are "blocked" in an additive mask: transformers uses the dtype's
// minimum, older code -1e4 or -1e9, never anything a real bias reaches.
constexpr float kAdditiveBlocked = -1e4f;

// One pass over a file: value statistics and, per slice, the cells under each reading.
struct MaskScan {
  MaskShape shape;
  std::string dtype_name;
  MaskTensor::DType dtype = MaskTensor::DType::Float;
  std::vector<float> distinct;  // sorted, at most kDistinctKept values
  bool more_distinct = false;
  float min_value = 0, max_value = 0;
  bool any_neg_inf = false;
  int64_t blocked_values = 0;     // <= kAdditiveBlocked
  float weakest_blocked = 0;      // the largest of those: the block a score beats first
  bool rows_sum_to_one = true;    // every row, within 1e-3
  // Per slice (batch-major), queries x keys.
  std::vector<RowRuns> nonzero;
  std::vector<RowRuns> additive;  // float files only: value > kAdditiveBlocked
  std::vector<RowRuns> positive;  // float files only: value > 0
  static constexpr size_t kDistinctKept = 6;
};

// Throws InputError for NaN values (naming the position) and shapes that are not masks.
MaskScan mask_scan(const MaskFile& file);

struct MaskReading {
  MaskKind kind = MaskKind::Boolean;
  std::string reason;          // "float16 with values {-65504, 0}: read as an additive mask, 0 = attend"
  std::vector<RowRuns> cells;  // per slice, queries x keys
};

// Throws InputError when the requested kind cannot apply to the file's dtype.
MaskReading mask_reading(const MaskScan& scan, MaskKind kind);

// What softmax does on a row that reads no key under this reading, for the report.
std::string mask_empty_row_effect(const MaskScan& scan, MaskKind kind);

}  // namespace attnscope
