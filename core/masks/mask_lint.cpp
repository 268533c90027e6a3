#include "core/masks/mask_lint.hpp"

#include <fmt/format.h>

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

// The policy's rows for the query positions first .. first + queries - 1.
RowRuns policy_rows(const Policy& policy, int keys, int first, int queries) {
  const RowRuns all = policy_allowed_cells(policy, keys);
  RowRuns rows(queries, keys);
  for (int i = 0; i < queries; ++i)
    rows.append_row(std::vector<Run>(all.row_begin(first + i), all.row_end(first + i)));
  return rows;
}

std::vector<std::pair<int, int>> cells_at_positions(const RowRuns& runs, int first) {
  std::vector<std::pair<int, int>> cells;
  for (auto [q, k] : runs.cells()) cells.emplace_back(q + first, k);
  return cells;
}

std::string slice_name(const MaskShape& shape, int slice) {
  if (shape.dims == 2) return "mask";
  const std::string head = fmt::format("head {}", shape.slice_head(slice));
  return shape.dims == 4 ? fmt::format("batch {} {}", shape.slice_batch(slice), head) : head;
}

std::string positions_text(const std::vector<int>& positions) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < positions.size() && i < 8; ++i) parts.push_back(std::to_string(positions[i]));
  return fmt::format("{}{}", fmt::join(parts, ", "), positions.size() > 8 ? ", ..." : "");
}

}  // namespace

MaskAlign mask_align_parse(const std::string& text) {
  if (text == "bottom-right") return MaskAlign::BottomRight;
  if (text == "top-left") return MaskAlign::TopLeft;
  throw InputError("align: unknown alignment '" + text +
                   "'; use bottom-right (queries are the last positions, as with a KV cache) or top-left");
}

const char* mask_align_name(MaskAlign align) {
  return align == MaskAlign::BottomRight ? "bottom-right" : "top-left";
}

bool MaskLint::fails() const {
  for (const MaskFinding& f : findings)
    if (f.fails) return true;
  return false;
}

int64_t MaskLint::total_leaks() const {
  int64_t total = 0;
  for (const RowRuns& l : leaks) total += l.count();
  return total;
}

std::string mask_cells_text(const std::vector<std::pair<int, int>>& cells, size_t limit) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < cells.size() && i < limit; ++i)
    parts.push_back(fmt::format("(q={}, k={})", cells[i].first, cells[i].second));
  return fmt::format("{}{}", fmt::join(parts, " "), cells.size() > limit ? " ..." : "");
}

MaskLint mask_lint(const std::vector<RowRuns>& cells, const MaskShape& shape, const Policy& policy,
                   MaskAlign align, const std::string& empty_row_effect) {
  MaskLint lint;
  lint.first_query = align == MaskAlign::BottomRight ? shape.keys - shape.queries : 0;
  const int first = lint.first_query;
  const RowRuns allowed = policy_rows(policy, shape.keys, first, shape.queries);
  const std::string policy_text = policy_name(policy);
  for (int s = 0; s < static_cast<int>(cells.size()); ++s) {
    const RowRuns& mask = cells[s];
    const std::string where = slice_name(shape, s);
    RowRuns leaks = runs_difference(mask, allowed);
    if (leaks.count() > 0) {
      MaskFinding leak{"leak", s, true, "", cells_at_positions(leaks, first)};
      const auto [q, k] = leak.cells.front();
      leak.text = fmt::format("{}: {} cell{} the {} policy forbids, e.g. {}", where, leaks.count(),
                              leaks.count() == 1 ? "" : "s", policy_text, policy_reason(policy, q, k));
      lint.findings.push_back(std::move(leak));
      if (policy.kind == Policy::Kind::Window) {
        std::vector<std::pair<int, int>> plus_one;
        for (auto [pq, pk] : lint.findings.back().cells)
          if (pq - pk == policy.window) plus_one.emplace_back(pq, pk);
        // Every leak one key past the window: the mask's window is W + 1 wide.
        if (plus_one.size() == lint.findings.back().cells.size())
          lint.findings.push_back(
              {"window-off-by-one", s, true,
               fmt::format("{}: {} quer{} one key more than the window of {} (key q-{}): the "
                           "mask's window is {} keys, or its window parameter counts keys per side",
                           where, plus_one.size(), plus_one.size() == 1 ? "y reads" : "ies read",
                           policy.window, policy.window, policy.window + 1),
               plus_one});
      }
      // A mask that allows every forbidden cell ignores the policy entirely.
      const int64_t forbidden = int64_t{shape.queries} * shape.keys - allowed.count();
      if (policy.kind != Policy::Kind::Bidirectional && leaks.count() == forbidden)
        lint.findings.push_back({"no-causal-structure", s, true,
                                 fmt::format("{}: allows every cell the {} policy forbids: there is "
                                             "no causal structure at all",
                                             where, policy_text),
                                 {}});
    }
    std::vector<int> empty, blind;
    for (int i = 0; i < shape.queries; ++i) {
      const int position = i + first;
      if (mask.row_count(i) == 0) empty.push_back(position);
      else if (!mask.contains(i, position)) blind.push_back(position);
    }
    if (!empty.empty()) {
      MaskFinding f{"empty-row", s, true, "", {}};
      f.text = fmt::format("{}: quer{} {} read{} no key; {}", where, empty.size() == 1 ? "y" : "ies",
                           positions_text(empty), empty.size() == 1 ? "s" : "", empty_row_effect);
      for (int p : empty) f.cells.emplace_back(p, -1);
      lint.findings.push_back(std::move(f));
    }
    if (!blind.empty()) {
      MaskFinding f{"blocked-diagonal", s, true, "", {}};
      f.text = fmt::format("{}: quer{} {} cannot read {} own key (the diagonal is blocked)", where,
                           blind.size() == 1 ? "y" : "ies", positions_text(blind),
                           blind.size() == 1 ? "its" : "their");
      for (int p : blind) f.cells.emplace_back(p, p);
      lint.findings.push_back(std::move(f));
    }
    lint.leaks.push_back(std::move(leaks));
  }
  // Slices that differ: batch rows against batch row 0, heads against head 0.
  for (int s = 1; s < static_cast<int>(cells.size()); ++s) {
    const int b = shape.slice_batch(s), h = shape.slice_head(s);
    const int reference = b > 0 ? h : 0;  // the same head in batch row 0, or head 0
    const RowRuns diff = runs_union(runs_difference(cells[s], cells[reference]),
                                    runs_difference(cells[reference], cells[s]));
    if (diff.count() == 0) continue;
    MaskFinding f{"slices-differ", s, false, "", cells_at_positions(diff, first)};
    const auto [q, k] = f.cells.front();
    f.text = fmt::format("{} differs from {} in {} cell{}, first at (q={}, k={}){}", slice_name(shape, s),
                         slice_name(shape, reference), diff.count(), diff.count() == 1 ? "" : "s",
                         q, k, b > 0 ? " (padding differs between batch rows?)" : "");
    lint.findings.push_back(std::move(f));
  }
  return lint;
}

std::vector<MaskHint> mask_hints(const MaskScan& scan, const MaskReading& reading,
                                 const Policy& policy, MaskAlign align) {
  std::vector<MaskHint> hints;
  const auto clean = [&](const std::vector<RowRuns>& cells, MaskKind kind, MaskAlign a) {
    return !mask_lint(cells, scan.shape, policy, a, mask_empty_row_effect(scan, kind)).fails();
  };
  if (clean(reading.cells, reading.kind, align)) return hints;
  const bool zero_one = scan.dtype != MaskTensor::DType::Float ||
                        (!scan.more_distinct && scan.distinct.size() <= 2 && scan.min_value == 0 &&
                         scan.max_value == 1);
  if (zero_one && (reading.kind == MaskKind::Boolean || reading.kind == MaskKind::Blocked)) {
    const MaskKind other = reading.kind == MaskKind::Boolean ? MaskKind::Blocked : MaskKind::Boolean;
    if (clean(mask_reading(scan, other).cells, other, align))
      hints.push_back({fmt::format("--kind {}", mask_kind_name(other)),
                       fmt::format("read the other way round ({}), this is a clean {} mask: add "
                                   "--kind {}",
                                   other == MaskKind::Blocked
                                       ? "True = blocked, as nn.MultiheadAttention takes bool masks"
                                       : "True = attend, as scaled_dot_product_attention takes them",
                                   policy_name(policy), mask_kind_name(other))});
  }
  if (scan.shape.queries < scan.shape.keys) {
    const MaskAlign other = align == MaskAlign::BottomRight ? MaskAlign::TopLeft : MaskAlign::BottomRight;
    if (clean(reading.cells, reading.kind, other))
      hints.push_back({fmt::format("--align {}", mask_align_name(other)),
                       fmt::format("with the queries at the {} positions instead, this is a clean "
                                   "{} mask: add --align {}",
                                   other == MaskAlign::TopLeft ? "first" : "last",
                                   policy_name(policy), mask_align_name(other))});
  }
  return hints;
}

}  // namespace attnscope
