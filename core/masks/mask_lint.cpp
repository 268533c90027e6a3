#include "core/masks/mask_lint.hpp"

#include <fmt/format.h>

#include <cmath>

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

// The policy's rows for the query positions first .. first + queries - 1.
RowRuns policy_rows(const Policy& policy, int keys, int first, int queries) {
  const RowRuns all = policy_allowed_cells(policy, keys);
  RowRuns rows(queries, keys);
  for (int i = 0; i < queries; ++i) {
    const RowSpan runs = all.row(first + i);  // one span: a row made by rule is made per call
    rows.append_row(std::vector<Run>(runs.begin(), runs.end()));
  }
  return rows;
}

std::vector<std::pair<int, int>> cells_at_positions(const RowRuns& runs, int first) {
  std::vector<std::pair<int, int>> cells;
  for (auto [q, k] : runs.cells()) cells.emplace_back(q + first, k);
  return cells;
}

// The first `limit` cells only: the cells a sparse mask blocks under a dense policy can number
// N^2 / 2, far more than a report or the inspector shows.
std::vector<std::pair<int, int>> first_cells_at_positions(const RowRuns& runs, int first, size_t limit) {
  std::vector<std::pair<int, int>> cells;
  for (int q = 0; q < runs.rows() && cells.size() < limit; ++q)
    for (const Run run : runs.row(q))
      for (int k = run.begin; k < run.end && cells.size() < limit; ++k) cells.emplace_back(q + first, k);
  return cells;
}
constexpr size_t kCoverageCellsListed = 1024;

// How many of the blocked allowed cells are a window's oldest key, q - (W - 1): one per row at
// most, so rows are walked rather than cells.
int64_t window_oldest_keys(const RowRuns& missing, int first, int window) {
  int64_t cells = 0;
  for (int q = 0; q < missing.rows(); ++q) {
    const int oldest = q + first - (window - 1);
    if (oldest >= 0 && missing.contains(q, oldest)) ++cells;
  }
  return cells;
}

// part / whole as a percentage with one decimal, rounded down in integers: a mask that blocks
// one allowed cell of millions never reads as 100%.
std::string percent_floor(int64_t part, int64_t whole) {
  const int64_t tenths = part * 1000 / whole;
  return fmt::format("{}.{}%", tenths / 10, tenths % 10);
}

std::string positions_text(const std::vector<int>& positions) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < positions.size() && i < 8; ++i) parts.push_back(std::to_string(positions[i]));
  return fmt::format("{}{}", fmt::join(parts, ", "), positions.size() > 8 ? ", ..." : "");
}

}  // namespace

std::string mask_slice_name(const MaskShape& shape, int slice) {
  if (shape.dims == 2) return "mask";
  const std::string head = fmt::format("head {}", shape.slice_head(slice));
  return shape.dims == 4 ? fmt::format("batch {} {}", shape.slice_batch(slice), head) : head;
}

int mask_first_query(const MaskShape& shape, MaskAlign align) {
  return align == MaskAlign::BottomRight ? shape.keys - shape.queries : 0;
}

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
                   MaskAlign align, const std::string& empty_row_effect, double min_coverage) {
  MaskLint lint;
  lint.first_query = mask_first_query(shape, align);
  const int first = lint.first_query;
  const RowRuns allowed = policy_rows(policy, shape.keys, first, shape.queries);
  const std::string policy_text = policy_name(policy);
  for (int s = 0; s < static_cast<int>(cells.size()); ++s) {
    const RowRuns& mask = cells[s];
    const std::string where = mask_slice_name(shape, s);
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
    const RowRuns missing = runs_difference(allowed, mask);
    if (missing.count() > 0) {
      const auto listed = first_cells_at_positions(missing, first, kCoverageCellsListed);
      // Every blocked cell the window allows is its oldest key: the mask's window is W - 1 wide.
      if (policy.kind == Policy::Kind::Window && policy.window >= 2 &&
          window_oldest_keys(missing, first, policy.window) == missing.count())
        lint.findings.push_back(
            {"window-short-by-one", s, true,
             fmt::format("{}: {} quer{} one key fewer than the window of {} (key q-{} is blocked): "
                         "the mask's window is {} keys, as when an exclusive bound is read as "
                         "inclusive or a decode step reads min(cache_len, W - 1) keys",
                         where, missing.count(), missing.count() == 1 ? "y reads" : "ies read",
                         policy.window, policy.window - 1, policy.window - 1),
             listed});
      const int64_t covered = allowed.count() - missing.count();
      const bool below = static_cast<double>(covered) < min_coverage * static_cast<double>(allowed.count());
      lint.findings.push_back(
          {"under-coverage", s, below,
           fmt::format("{}: blocks {} of the {} cells the {} policy allows (coverage {}), e.g. "
                       "(q={}, k={}){}",
                       where, missing.count(), allowed.count(), policy_text,
                       percent_floor(covered, allowed.count()), listed.front().first,
                       listed.front().second,
                       below ? fmt::format(", below --min-coverage {}", min_coverage) : ""),
           listed});
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
    f.text = fmt::format("{} differs from {} in {} cell{}, first at (q={}, k={}){}", mask_slice_name(shape, s),
                         mask_slice_name(shape, reference), diff.count(), diff.count() == 1 ? "" : "s",
                         q, k, b > 0 ? " (padding differs between batch rows?)" : "");
    lint.findings.push_back(std::move(f));
  }
  // The is_causal trap: scaled_dot_product_attention aligns a rectangle top-left, KV-cache code
  // bottom-right, and nothing raises when the two disagree.
  if (align == MaskAlign::BottomRight && shape.queries < shape.keys && lint.fails() &&
      !mask_lint(cells, shape, policy, MaskAlign::TopLeft, empty_row_effect, min_coverage).fails())
    lint.findings.push_back(
        {"top-left-aligned", -1, true,
         fmt::format("the {} quer{} of {} keys {} clean only read top-left (query i at position "
                     "i), as scaled_dot_product_attention(is_causal=True) aligns them; KV-cache code "
                     "puts them at the last positions (query i at position i + {}), where this mask "
                     "fails; if your kernel aligns top-left, add --align top-left",
                     shape.queries, shape.queries == 1 ? "y" : "ies", shape.keys,
                     shape.queries == 1 ? "is" : "are", shape.keys - shape.queries),
         {}});
  return lint;
}

std::vector<MaskFinding> mask_value_findings(const MaskScan& scan, MaskKind kind) {
  std::vector<MaskFinding> findings;
  const float blocked = scan.weakest_blocked;
  if (kind != MaskKind::Additive || scan.blocked_values == 0 || std::isinf(blocked)) return findings;
  // Softmax weighs a key by exp(score + mask value), so a finite blocked value v is outweighed
  // once a blocked key's score exceeds an allowed key's by |v|. A gap below float16's largest
  // value is within a half-precision model's range, and training drives scores there (-1e4 was
  // beaten: minGPT #75); -1e9 or the dtype's minimum are not.
  constexpr float kReachableScoreGap = 65504.f;
  if (-blocked >= kReachableScoreGap) return findings;
  findings.push_back(
      {"finite-sentinel", -1, true,
       fmt::format("blocked cells hold the finite value {}: a blocked key whose score (q\u00b7k\u1d40/\u221aD) "
                   "exceeds an allowed key's by {} or more outweighs it, since softmax weighs keys "
                   "by exp(score + mask); block with -inf or torch.finfo(dtype).min",
                   blocked, -blocked),
       {}});
  return findings;
}

std::vector<MaskHint> mask_hints(const MaskScan& scan, const MaskReading& reading,
                                 const Policy& policy, MaskAlign align, double min_coverage) {
  std::vector<MaskHint> hints;
  const auto clean = [&](const std::vector<RowRuns>& cells, MaskKind kind, MaskAlign a) {
    return !mask_lint(cells, scan.shape, policy, a, mask_empty_row_effect(scan, kind), min_coverage).fails();
  };
  if (clean(reading.cells, reading.kind, align)) return hints;
  // A rectangle clean read top-left is explained by its top-left-aligned finding; the other bool
  // convention would turn its few cells into many and call that clean.
  if (align == MaskAlign::BottomRight && scan.shape.queries < scan.shape.keys &&
      clean(reading.cells, reading.kind, MaskAlign::TopLeft))
    return hints;
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
  if (align == MaskAlign::TopLeft && scan.shape.queries < scan.shape.keys &&
      clean(reading.cells, reading.kind, MaskAlign::BottomRight))
    hints.push_back({"--align bottom-right",
                     fmt::format("with the queries at the last positions instead, this is a clean "
                                 "{} mask: add --align bottom-right",
                                 policy_name(policy))});
  return hints;
}

}  // namespace attnscope
