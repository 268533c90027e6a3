#include "core/masks/index_list.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

// Cells listed per finding: a maskless top-k selects future keys on every row, far more entries
// than a report or the inspector shows. The counts stay exact.
constexpr size_t kCellsListed = 1024;

// One finding class in one slice while the rows stream by: how many, the first example, and
// the first cells.
struct Tally {
  int64_t count = 0;
  std::string example;
  std::vector<std::pair<int, int>> cells;

  template <typename ExampleText>
  void add(int position, double index, const ExampleText& example_text) {
    if (count++ == 0) example = example_text();
    // An index past int's range is clamped in the cell; the example names it as listed.
    if (cells.size() < kCellsListed)
      cells.emplace_back(position, static_cast<int>(std::clamp<double>(index, INT_MIN, INT_MAX)));
  }
};

struct SliceTallies {
  Tally future, duplicate, out_of_range, unsorted;
};

std::string index_text(double index) { return fmt::format("{:.0f}", index); }

std::string row_text(const float* row, long length) {
  std::vector<std::string> parts;
  for (long i = 0; i < length && i < 8; ++i) parts.push_back(index_text(row[i]));
  return fmt::format("{}{}", fmt::join(parts, ", "), length > 8 ? ", ..." : "");
}

const char* order_name(IndexOrder order) {
  return order == IndexOrder::Ascending ? "ascending" : "descending";
}

// Whether `later` may follow `earlier` in the order the kernel requires; equal neighbours are
// duplicates, reported as such.
bool in_order(IndexOrder order, int earlier, int later) {
  if (order == IndexOrder::Ascending) return later >= earlier;
  if (order == IndexOrder::Descending) return later <= earlier;
  return true;
}

std::string plural(int64_t count, const char* one, const char* many) { return count == 1 ? one : many; }

}  // namespace

IndexUnit index_unit_parse(const std::string& text) {
  if (text == "token") return IndexUnit::Token;
  if (text == "block") return IndexUnit::Block;
  throw InputError("indices: unknown unit '" + text +
                   "'; use block (each entry a block of --block-size keys) or token (each entry a key)");
}

const char* index_unit_name(IndexUnit unit) { return unit == IndexUnit::Block ? "block" : "token"; }

IndexOrder index_order_parse(const std::string& text) {
  if (text == "ascending") return IndexOrder::Ascending;
  if (text == "descending") return IndexOrder::Descending;
  throw InputError("require-sorted: unknown order '" + text + "'; use ascending or descending");
}

MaskShape index_list_shape(const MaskFile& file, const IndexListOptions& options) {
  const char* unit = options.unit == IndexUnit::Block ? "blocks" : "keys";
  if (file.tensor && file.tensor->is_dict())
    throw InputError(fmt::format("file: {} holds a dict of tensors; --indices reads one integer "
                                 "tensor of the {} each query reads (save the index tensor itself)",
                                 file.path, unit));
  const std::vector<long>& shape = file.shape;
  const auto refuse = [&](const std::string& why) {
    return InputError(fmt::format("file: {} has shape ({}); {}", file.path, fmt::join(shape, ", "), why));
  };
  if (shape.size() < 2 || shape.size() > 4)
    throw refuse(fmt::format("--indices expects (Nq, K), (H, Nq, K) or (B, H, Nq, K): K {} per query", unit));
  for (long d : shape)
    if (d == 0) throw refuse("the index list is empty");
  constexpr long kMaxKeys = 1 << 20;
  const long queries = shape[shape.size() - 2];
  const long keys = options.keys > 0 ? options.keys : queries;
  if (keys > kMaxKeys) throw refuse("more than 2^20 keys");
  if (queries > keys)
    throw refuse(fmt::format("{} queries but --n {} keys; there cannot be more queries than keys",
                             queries, keys));
  if (options.unit == IndexUnit::Block && options.block_size < 1)
    throw InputError("block-size: give the number of keys per block, 1 or more");
  MaskShape s;
  s.dims = static_cast<int>(shape.size());
  s.queries = static_cast<int>(queries);
  s.keys = static_cast<int>(keys);
  if (shape.size() >= 3) s.heads = static_cast<int>(shape[shape.size() - 3]);
  if (shape.size() == 4) s.batch = static_cast<int>(shape[0]);
  return s;
}

IndexList index_list_read(const MaskFile& file, const MaskShape& shape, const IndexListOptions& options,
                          const Policy& policy, int first_query) {
  if (file.dtype != MaskTensor::DType::Int)
    throw InputError(fmt::format("file: {} holds {}; an index list holds integers (int32 or int64): "
                                 "the block or key numbers each query reads",
                                 file.path, file.dtype_name));
  const bool blocks = options.unit == IndexUnit::Block;
  const int size = blocks ? options.block_size : 1;
  const int n = shape.keys;
  const int64_t limit = (int64_t{n} + size - 1) / size;  // blocks (or keys) the list may name
  const char* unit = blocks ? "block" : "key";
  // Compared as the floats the file's values became, so a padding value past 2^24 matches itself.
  const float invalid = static_cast<float>(options.invalid);
  IndexList list;
  std::vector<SliceTallies> tallies(static_cast<size_t>(shape.slices()));
  std::vector<int> listed;
  std::vector<Run> runs;
  int64_t row_index = 0;
  mask_file_rows(file, [&](const float* row, long length) {
    const int q = static_cast<int>(row_index % shape.queries);
    const int slice = static_cast<int>(row_index / shape.queries);
    ++row_index;
    if (q == 0) list.cells.emplace_back(shape.queries, n);
    SliceTallies& tally = tallies[static_cast<size_t>(slice)];
    const int position = q + first_query;
    listed.clear();
    runs.clear();
    for (long i = 0; i < length; ++i) {
      const float value = row[i];
      if (value == invalid) continue;
      if (!(value >= 0 && value < static_cast<float>(limit))) {
        tally.out_of_range.add(position, value, [&] {
          return fmt::format("query {} lists {} {}", position, unit, index_text(value));
        });
        continue;
      }
      const int index = static_cast<int>(value);
      const int begin = index * size, end = std::min(n, begin + size);
      listed.push_back(index);
      runs.push_back({begin, end});
      // After the query: the block's first key is; a block holding the query and later keys is
      // what the list says, and its later keys are leaks under a causal policy.
      if (begin > position && !policy_allows(policy, position, begin))
        tally.future.add(position, index, [&] {
          return blocks ? fmt::format("query {} selects block {} (keys {}..{})", position, index, begin, end - 1)
                        : fmt::format("query {} selects key {}", position, index);
        });
    }
    for (size_t i = 1; i < listed.size(); ++i)
      if (!in_order(options.order, listed[i - 1], listed[i])) {
        tally.unsorted.add(position, listed[i], [&] {
          return fmt::format("query {} lists {}", position, row_text(row, length));
        });
        break;
      }
    std::sort(listed.begin(), listed.end());
    for (size_t i = 0; i < listed.size();) {
      size_t j = i;
      while (j < listed.size() && listed[j] == listed[i]) ++j;
      if (j - i > 1)
        tally.duplicate.add(position, listed[i], [&] {
          return fmt::format("query {} lists {} {} {}", position, unit, listed[i],
                             j - i == 2 ? std::string("twice") : fmt::format("{} times", j - i));
        });
      i = j;
    }
    list.cells.back().append_row(runs);
  });

  for (int s = 0; s < shape.slices(); ++s) {
    const std::string where = mask_slice_name(shape, s);
    SliceTallies& t = tallies[static_cast<size_t>(s)];
    if (t.future.count > 0)
      list.findings.push_back(
          {"index-future", s, true,
           fmt::format("{}: {} entr{} a {} after {} query, which the {} policy forbids, e.g. {}", where,
                       t.future.count, plural(t.future.count, "y selects", "ies select"), unit,
                       plural(t.future.count, "its", "their"), policy_name(policy), t.future.example),
           std::move(t.future.cells)});
    if (t.duplicate.count > 0)
      list.findings.push_back(
          {"duplicate-index", s, true,
           fmt::format("{}: {} quer{} the same {} more than once, e.g. {}: each repeat takes the place "
                       "of a real selection",
                       where, t.duplicate.count, plural(t.duplicate.count, "y lists", "ies list"), unit,
                       t.duplicate.example),
           std::move(t.duplicate.cells)});
    if (t.out_of_range.count > 0)
      list.findings.push_back(
          {"index-out-of-range", s, true,
           fmt::format("{}: {} entr{} outside {} and not the padding value {}, e.g. {}: a kernel reads "
                       "past the keys",
                       where, t.out_of_range.count, plural(t.out_of_range.count, "y", "ies"),
                       blocks ? fmt::format("blocks 0..{} ({} keys in blocks of {})", limit - 1, n, size)
                              : fmt::format("keys 0..{}", n - 1),
                       options.invalid, t.out_of_range.example),
           std::move(t.out_of_range.cells)});
    if (t.unsorted.count > 0)
      list.findings.push_back(
          {"unsorted-indices", s, true,
           fmt::format("{}: {} quer{} {}s out of {} order, which the kernel requires (--require-sorted "
                       "{}), e.g. {}",
                       where, t.unsorted.count, plural(t.unsorted.count, "y lists its", "ies list their"),
                       unit, order_name(options.order), order_name(options.order), t.unsorted.example),
           std::move(t.unsorted.cells)});
  }
  list.reason = fmt::format(
      "{} {} indices, {} per query: the {} each query selects, {} = padding, read as the mask they "
      "imply over {} keys; no causal guard is added (the kernel reads what the list says)",
      file.dtype_name, index_unit_name(options.unit), file.shape.back(),
      blocks ? fmt::format("blocks of {} keys", size) : std::string("keys"), options.invalid, n);
  return list;
}

}  // namespace attnscope
