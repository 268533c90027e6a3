#include "core/masks/mask_reading.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

// Appends column k to the runs being built for one row.
void run_push(std::vector<Run>& row, int k) {
  if (!row.empty() && row.back().end == k) ++row.back().end;
  else row.push_back({k, k + 1});
}

// The dtype's most negative finite value, which transformers uses for blocked cells.
float dtype_minimum(const std::string& dtype) {
  if (dtype == "float16") return -65504.f;
  if (dtype == "bfloat16") return -3.38953139e38f;
  if (dtype == "float32") return std::numeric_limits<float>::lowest();
  return 0;
}

std::string value_text(float v, const std::string& dtype) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (v != 0 && v == dtype_minimum(dtype)) return fmt::format("{} (the {} minimum)", v, dtype);
  return fmt::format("{}", v == 0 ? 0.f : v);  // -0.0 prints as 0: it is 0 to softmax
}

std::string values_text(const MaskScan& scan) {
  if (scan.more_distinct)
    return fmt::format("values from {} to {}", value_text(scan.min_value, scan.dtype_name),
                       value_text(scan.max_value, scan.dtype_name));
  std::vector<std::string> parts;
  for (float v : scan.distinct) parts.push_back(value_text(v, scan.dtype_name));
  return fmt::format("value{} {{{}}}", parts.size() == 1 ? "" : "s", fmt::join(parts, ", "));
}

RowRuns complement(const RowRuns& cells) {
  RowRuns all(cells.rows(), cells.cols());
  for (int r = 0; r < cells.rows(); ++r) all.append_row({{0, cells.cols()}});
  return runs_difference(all, cells);
}

}  // namespace

MaskShape mask_shape_of(const std::vector<long>& shape, const std::string& source) {
  const auto refuse = [&](const std::string& why) {
    return InputError(fmt::format("file: {} has shape ({}); {}", source, fmt::join(shape, ", "), why));
  };
  if (shape.size() < 2 || shape.size() > 4)
    throw refuse("lint expects (N, N), (H, N, N) or (B, H, N, N), or (Nq, Nk) with Nq <= Nk, "
                 "queries as rows and keys as columns");
  MaskShape s;
  s.dims = static_cast<int>(shape.size());
  const long nq = shape[shape.size() - 2], nk = shape.back();
  if (nq == 0 || nk == 0) throw refuse("the mask is empty");
  if (nq > nk)
    throw refuse(fmt::format("{} queries but only {} keys; rows must be queries and there cannot "
                             "be more queries than keys (transpose it?)",
                             nq, nk));
  constexpr long kMax = 1 << 20;
  if (nk > kMax) throw refuse("more than 2^20 keys");
  s.queries = static_cast<int>(nq);
  s.keys = static_cast<int>(nk);
  if (shape.size() >= 3) s.heads = static_cast<int>(shape[shape.size() - 3]);
  if (shape.size() == 4) s.batch = static_cast<int>(shape[0]);
  if (s.heads == 0 || s.batch == 0) throw refuse("the mask is empty");
  return s;
}

MaskKind mask_kind_parse(const std::string& text) {
  if (text == "auto") return MaskKind::Auto;
  if (text == "bool") return MaskKind::Boolean;
  if (text == "blocked") return MaskKind::Blocked;
  if (text == "additive") return MaskKind::Additive;
  if (text == "weights") return MaskKind::Weights;
  throw InputError("kind: unknown kind '" + text +
                   "'; use auto, bool (True = attend), blocked (True = masked), additive or weights");
}

const char* mask_kind_name(MaskKind kind) {
  switch (kind) {
    case MaskKind::Auto: return "auto";
    case MaskKind::Boolean: return "bool";
    case MaskKind::Blocked: return "blocked";
    case MaskKind::Additive: return "additive";
    case MaskKind::Weights: return "weights";
  }
  return "auto";
}

namespace {

// Bool .npy files streamed from disk: runs found a word at a time, since a 2 GiB mask is mostly
// long runs of equal bytes. Values are 0 and 1 by NumPy's definition of bool.
void scan_bool_bytes(const MaskFile& file, MaskScan& scan) {
  const MaskShape& shape = scan.shape;
  bool any_zero = false, any_one = false;
  int64_t row_index = 0;
  std::vector<Run> runs;
  mask_file_byte_rows(file, [&](const uint8_t* row, long length) {
    if (row_index % shape.queries == 0) scan.nonzero.emplace_back(shape.queries, shape.keys);
    ++row_index;
    runs.clear();
    long k = 0;
    while (k < length) {
      // Skip zeros eight bytes at a time.
      while (k + 8 <= length) {
        uint64_t word;
        std::memcpy(&word, row + k, 8);
        if (word != 0) break;
        k += 8;
      }
      while (k < length && row[k] == 0) ++k;
      if (k == length) break;
      const long begin = k;
      const void* zero = std::memchr(row + k, 0, static_cast<size_t>(length - k));
      k = zero ? static_cast<long>(static_cast<const uint8_t*>(zero) - row) : length;
      runs.push_back({static_cast<int32_t>(begin), static_cast<int32_t>(k)});
    }
    int64_t ones = 0;
    for (const Run& r : runs) ones += r.length();
    any_one = any_one || ones > 0;
    any_zero = any_zero || ones < length;
    scan.nonzero.back().append_row(runs);
  });
  if (any_zero) scan.distinct.push_back(0);
  if (any_one) scan.distinct.push_back(1);
  scan.min_value = any_zero ? 0 : 1;
  scan.max_value = any_one ? 1 : 0;
}

}  // namespace

MaskScan mask_scan(const MaskFile& file) {
  MaskScan scan;
  scan.shape = mask_shape_of(file.shape, file.path);
  scan.dtype = file.dtype;
  scan.dtype_name = file.dtype_name;
  const bool is_float = file.dtype == MaskTensor::DType::Float;
  if (file.dtype == MaskTensor::DType::Bool && !file.tensor) {
    scan_bool_bytes(file, scan);
    return scan;
  }
  const MaskShape& shape = scan.shape;
  scan.min_value = std::numeric_limits<float>::infinity();
  scan.max_value = -std::numeric_limits<float>::infinity();
  std::vector<Run> nonzero, additive, positive;
  int64_t row_index = 0;
  int slice = -1;
  mask_file_rows(file, [&](const float* row, long length) {
    const int q = static_cast<int>(row_index % shape.queries);
    if (q == 0) {
      ++slice;
      scan.nonzero.emplace_back(shape.queries, shape.keys);
      if (is_float) {
        scan.additive.emplace_back(shape.queries, shape.keys);
        scan.positive.emplace_back(shape.queries, shape.keys);
      }
    }
    ++row_index;
    nonzero.clear();
    additive.clear();
    positive.clear();
    double sum = 0;
    for (int k = 0; k < length; ++k) {
      const float v = row[k];
      if (std::isnan(v))
        throw InputError(fmt::format("file: {} holds NaN at batch {}, head {}, query row {}, key "
                                     "{}; a mask must be finite or -inf",
                                     file.path, shape.slice_batch(slice), shape.slice_head(slice), q, k));
      if (v != 0) run_push(nonzero, k);
      if (!is_float) continue;
      if (v > kAdditiveBlocked) {
        run_push(additive, k);
      } else {
        if (scan.blocked_values == 0 || v > scan.weakest_blocked) scan.weakest_blocked = v;
        ++scan.blocked_values;
      }
      if (v > 0) run_push(positive, k);
      if (std::isinf(v) && v < 0) scan.any_neg_inf = true;
      sum += v;
    }
    if (is_float && std::abs(sum - 1.0) > 1e-3) scan.rows_sum_to_one = false;
    // Value statistics: a few distinct values say what kind of mask this is.
    for (int k = 0; k < length; ++k) {
      const float v = row[k] == 0 ? 0.f : row[k];
      if (v < scan.min_value) scan.min_value = v;
      if (v > scan.max_value) scan.max_value = v;
      if (scan.more_distinct) continue;
      const auto at = std::lower_bound(scan.distinct.begin(), scan.distinct.end(), v);
      if (at != scan.distinct.end() && *at == v) continue;
      if (scan.distinct.size() == MaskScan::kDistinctKept) scan.more_distinct = true;
      else scan.distinct.insert(at, v);
    }
    scan.nonzero.back().append_row(nonzero);
    if (is_float) {
      scan.additive.back().append_row(additive);
      scan.positive.back().append_row(positive);
    }
  });
  return scan;
}

MaskReading mask_reading(const MaskScan& scan, MaskKind kind) {
  MaskReading reading;
  const bool is_float = scan.dtype == MaskTensor::DType::Float;
  const std::string dtype = scan.dtype_name;
  const bool zero_one = !scan.more_distinct &&
                        std::all_of(scan.distinct.begin(), scan.distinct.end(),
                                    [](float v) { return v == 0 || v == 1; });
  if (kind == MaskKind::Auto) {
    if (!is_float) {
      kind = MaskKind::Boolean;
      reading.reason = scan.dtype == MaskTensor::DType::Bool
                           ? "bool: read as a bool mask, True = attend (as scaled_dot_product_attention takes it)"
                           : fmt::format("{} with {}: read as a bool mask, nonzero = attend", dtype,
                                         values_text(scan));
    } else if (scan.blocked_values > 0) {
      kind = MaskKind::Additive;
      const bool bias = std::any_of(scan.distinct.begin(), scan.distinct.end(), [](float v) {
        return v != 0 && v > kAdditiveBlocked;
      }) || scan.more_distinct;
      reading.reason = fmt::format("{} with {}: read as an additive mask, 0 = attend{}", dtype,
                                   values_text(scan),
                                   bias ? "; the finite values above -1e4 are a bias, attend there" : "");
    } else if (scan.min_value >= 0 && scan.rows_sum_to_one) {
      kind = MaskKind::Weights;
      reading.reason = fmt::format("{} with non-negative rows summing to 1: read as attention "
                                   "weights, > 0 = attend",
                                   dtype);
    } else if (zero_one && scan.max_value == 1) {
      kind = MaskKind::Boolean;
      reading.reason = fmt::format("{} with {}: read as a 0/1 mask, 1 = attend", dtype, values_text(scan));
    } else {
      kind = MaskKind::Additive;
      reading.reason =
          scan.max_value == 0 && scan.min_value == 0
              ? fmt::format("{} with only zeros: read as an additive mask, 0 = attend: every cell attends", dtype)
              : fmt::format("{} with {} and nothing at or below -1e4: read as an additive bias, "
                            "every cell attends",
                            dtype, values_text(scan));
    }
  } else {
    if (!is_float && (kind == MaskKind::Additive || kind == MaskKind::Weights))
      throw InputError(fmt::format("kind: --kind {} needs a float mask, but the file holds {}; use "
                                   "--kind bool or --kind blocked",
                                   mask_kind_name(kind), dtype));
    reading.reason = fmt::format("{} with {}: read as {} because of --kind {}", dtype, values_text(scan),
                                 kind == MaskKind::Boolean    ? "a mask with nonzero = attend"
                                 : kind == MaskKind::Blocked  ? "a mask with nonzero = blocked"
                                 : kind == MaskKind::Additive ? "an additive mask, 0 = attend"
                                                              : "attention weights, > 0 = attend",
                                 mask_kind_name(kind));
  }
  reading.kind = kind;
  switch (kind) {
    case MaskKind::Additive: reading.cells = scan.additive; break;
    case MaskKind::Weights: reading.cells = scan.positive; break;
    case MaskKind::Blocked:
      for (const RowRuns& cells : scan.nonzero) reading.cells.push_back(complement(cells));
      break;
    default: reading.cells = scan.nonzero; break;
  }
  return reading;
}

std::string mask_empty_row_effect(const MaskScan& scan, MaskKind kind) {
  if (kind == MaskKind::Additive && !scan.any_neg_inf)
    return "softmax spreads it evenly over every key there, blocked ones included";
  if (kind == MaskKind::Weights) return "its weights are all 0";
  return "softmax gives NaN there";
}

}  // namespace attnscope
