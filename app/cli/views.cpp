#include "app/cli/views.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iterator>
#include <memory>
#include <sstream>

#include "core/presentation/step_caption.hpp"
#include "core/presentation/step_shape.hpp"
#include "core/scene/shaping_params.hpp"

namespace attnscope {

namespace {

constexpr int kTextGridMaxN = 128;
constexpr int kStepGridMaxRows = 64;
constexpr int64_t kStepTableMaxCells = 1 << 16;

nlohmann::json params_json(const Analysis& analysis) {
  return shaping_params_json(analysis.scene, *analysis.variant);
}

std::string params_text(const Analysis& analysis) {
  std::string out;
  for (const ShapingParam& p : shaping_params(analysis.scene, *analysis.variant))
    out += fmt::format("  {}={}", p.key, p.value);
  return out;
}

// Calls visit(head, q, k) for leaking cells in head and row order until it returns false.
template <typename Visit>
void leak_cells_visit(const Analysis& analysis, Visit visit) {
  for (int h = 0; h < analysis.heads(); ++h) {
    const RowRuns& leaks = analysis.leaks[h];
    if (leaks.count() == 0) continue;
    for (int q = 0; q < leaks.rows(); ++q)
      for (const Run r : leaks.row(q))
        for (int k = r.begin; k < r.end; ++k)
          if (!visit(h, q, k)) return;
  }
}

// A JSON array of [a, b, c] triples, formatted in a buffer that is flushed every megabyte.
class TriplesWriter {
 public:
  explicit TriplesWriter(std::ostream& out) : out_(out) { buffer_.push_back('['); }
  ~TriplesWriter() {
    buffer_.push_back(']');
    flush();
  }
  // Digits by fmt::format_int rather than a format string: parsing "[{},{},{}]" for each of
  // BigBird's 9 M leak runs at N = 131072 took most of the command's time.
  void add(int64_t a, int64_t b, int64_t c) {
    if (!empty_) buffer_.push_back(',');
    empty_ = false;
    buffer_.push_back('[');
    append(a);
    buffer_.push_back(',');
    append(b);
    buffer_.push_back(',');
    append(c);
    buffer_.push_back(']');
    if (buffer_.size() > (1 << 20)) flush();
  }

 private:
  void append(int64_t value) {
    const fmt::format_int digits(value);
    buffer_.append(digits.data(), digits.data() + digits.size());
  }
  void flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
  std::ostream& out_;
  fmt::memory_buffer buffer_;
  bool empty_ = true;
};

// A cell set as runs [row, first column, one past the last column].
void runs_write(const RowRuns& cells, std::ostream& out) {
  TriplesWriter runs(out);
  if (cells.count() > 0)
    for (int q = 0; q < cells.rows(); ++q)
      for (const Run r : cells.row(q)) runs.add(q, r.begin, r.end);
}

// Provenance columns as runs over the rows of the plane (b·N + token): visit(first row, one
// past the last row, value at the first row); `step` is 1 for tokens (consecutive rows hold
// consecutive tokens) and 0 for groups (a run keeps one group).
template <typename Visit>
void column_runs_visit(const HeadColumns& columns, int head, int rows, int step, Visit visit) {
  const std::vector<int>& column = columns.column(head);
  const int n = static_cast<int>(column.size());
  for (int b = 0; b * n < rows; ++b) {
    const int offset = b * columns.batch_offset(head);
    int start = 0;
    for (int r = 1; r <= n; ++r)
      if (r == n || column[r] != column[r - 1] + step) {
        visit(b * n + start, b * n + r, column[start] + offset);
        start = r;
      }
  }
}

void column_runs_write(const HeadColumns& columns, int head, int rows, int step, std::ostream& out) {
  TriplesWriter runs(out);
  column_runs_visit(columns, head, rows, step, [&](int64_t a, int64_t b, int64_t c) { runs.add(a, b, c); });
}

// The first head whose column `head` shares (same storage, same batch offset): its runs are the
// same, so they are found once. Heads of a decode step share columns: 32 heads × 64 steps of
// N = 131072 rows were scanned anew for a few runs each.
int column_twin(const HeadColumns& columns, int head) {
  for (int h = 0; h < head; ++h)
    if (columns.shares_column(h, head) && columns.batch_offset(h) == columns.batch_offset(head)) return h;
  return head;
}

// Writes the runs of every head's column in turn, each through its own deferred writer; a head
// that shares its twin's column repeats the twin's text when it was short enough to keep.
class ColumnRunsWriter {
 public:
  ColumnRunsWriter(const HeadColumns& columns, int heads, int rows, int step)
      : columns_(columns), rows_(rows), step_(step), texts_(static_cast<size_t>(heads)) {}
  void write(int head, std::ostream& out) {
    const int twin = column_twin(columns_, head);
    if (twin != head && !texts_[twin].empty()) {
      out << texts_[twin];
      return;
    }
    std::ostringstream text;
    column_runs_write(columns_, head, rows_, step_, text);
    std::string written = std::move(text).str();
    out << written;
    if (written.size() <= kKeptText) texts_[head] = std::move(written);
  }

 private:
  static constexpr size_t kKeptText = 1 << 16;  // longer lists are written again: kept, they would fill memory
  const HeadColumns& columns_;
  int rows_, step_;
  std::vector<std::string> texts_;
};

}  // namespace

std::string mask_row_text(const Analysis& analysis, int head, int q) {
  std::string row(analysis.n(), '.');
  const RowRuns& mask = analysis.mask(head);
  for (const Run r : mask.row(q))
    for (int k = r.begin; k < r.end; ++k) row[k] = '#';
  const RowRuns& leaks = analysis.leaks[head];
  for (const Run r : leaks.row(q))
    for (int k = r.begin; k < r.end; ++k) row[k] = 'X';
  return row;
}

std::string mask_frame_row_text(const Analysis& analysis, int head, int slot) {
  const HeadFrame& frame = analysis.build.frame->heads[head];
  const std::string original = mask_row_text(analysis, head, frame.token_at_slot[slot]);
  std::string row(analysis.n(), '.');
  for (int k = 0; k < analysis.n(); ++k) row[frame.slot_of_token[k]] = original[k];
  return row;
}

void mask_frame_text(const Analysis& analysis, int head, std::ostream& out) {
  if (!analysis.build.frame)
    throw SceneError("frame: variant " + analysis.scene.variant +
                     " attends in original token order, so it has no frame view; drop --frame");
  const int n = analysis.n();
  if (n > kTextGridMaxN)
    throw SceneError(fmt::format("frame: the grid is drawn only for n <= {}", kTextGridMaxN));
  out << fmt::format("variant {}  n={}  heads={}  policy={}{}  (frame coordinates)\n",
                     analysis.scene.variant, n, analysis.heads(), policy_name(analysis.policy),
                     params_text(analysis));
  out << "rows and columns are frame slots; the label on each row is the token it holds\n";
  for (int h = 0; h < analysis.heads(); ++h) {
    if (head >= 0 && h != head) continue;
    const HeadFrame& frame = analysis.build.frame->heads[h];
    out << fmt::format("\nhead {}: slot -> token", h);
    for (int slot = 0; slot < n; ++slot) {
      if (slot > 0 && frame.segment_of_slot(slot) != frame.segment_of_slot(slot - 1)) out << " |";
      out << " " << frame.token_at_slot[slot];
    }
    out << "\n";
    for (int slot = 0; slot < n; ++slot)
      out << fmt::format("f={:>3} (t{:>3}) {}\n", slot, frame.token_at_slot[slot],
                         mask_frame_row_text(analysis, h, slot));
  }
}

nlohmann::json variants_json() {
  // A switch, so that a new kind fails to compile here until it has a name.
  const auto kind_name = [](ParamSpec::Kind kind) {
    switch (kind) {
      case ParamSpec::Kind::Int: return "int";
      case ParamSpec::Kind::IntList: return "int-list";
      case ParamSpec::Kind::Number: return "number";
      case ParamSpec::Kind::Text: return "text";
      case ParamSpec::Kind::Path: return "path";
      case ParamSpec::Kind::Flag: return "flag";
    }
    return "text";
  };
  nlohmann::json list = nlohmann::json::array();
  for (const Variant* variant : variant_all()) {
    const VariantInfo& info = variant->info();
    nlohmann::json params = info.uses;
    nlohmann::json details = nlohmann::json::array();
    for (const ParamSpec& spec : info.params) {
      params.push_back(spec.name);
      details.push_back({{"name", spec.name},
                         {"kind", kind_name(spec.kind)},
                         {"default", spec.default_value},
                         {"help", spec.help}});
    }
    list.push_back({{"name", info.name},
                    {"description", info.description},
                    {"params", params},
                    {"param_details", details},
                    {"source", info.source},
                    {"relatives", info.relatives},
                    {"preset", info.preset},
                    {"reference", info.reference_absent.empty()},
                    {"reference_absent", info.reference_absent},
                    {"golden_absent", info.golden_absent}});
  }
  return {{"variants", list}};
}

void variants_text(std::ostream& out) {
  for (const Variant* variant : variant_all()) {
    const VariantInfo& info = variant->info();
    std::vector<std::string> params = info.uses;
    for (const ParamSpec& spec : info.params)
      params.push_back(spec.default_value.empty() ? spec.name
                                                  : spec.name + "=" + spec.default_value);
    out << fmt::format("{:<14} {}\n{:<14} params: {}\n{:<14} source: {}\n", info.name,
                       info.description, "", params.empty() ? "-" : fmt::format("{}", fmt::join(params, ", ")),
                       "", info.source);
  }
}

nlohmann::json mask_json(const Analysis& analysis, int head) {
  nlohmann::json per_head = nlohmann::json::array();
  int64_t total_allowed = 0, total_leaks = 0;
  for (int h = 0; h < analysis.heads(); ++h) {
    if (head >= 0 && h != head) continue;
    const HeadMetrics& m = analysis.metrics.heads[h];
    total_allowed += m.allowed;
    total_leaks += m.leaks;
    nlohmann::json entry = {{"head", h},
                            {"allowed", m.allowed},
                            {"leak_count", m.leaks},
                            {"row_runs", analysis.mask(h).run_count()},
                            {"density", m.density}};
    // Cell lists and grids only where they stay small; 'attnscope leaks --json' lists leak runs.
    if (analysis.n() <= kTextGridMaxN) {
      nlohmann::json leaks = nlohmann::json::array();
      for (const auto& [q, k] : analysis.leaks[h].cells()) leaks.push_back({q, k});
      nlohmann::json rows = nlohmann::json::array();
      for (int q = 0; q < analysis.n(); ++q) rows.push_back(mask_row_text(analysis, h, q));
      entry["leaks"] = leaks;
      entry["rows"] = rows;
    }
    per_head.push_back(entry);
  }
  const Metrics& m = analysis.metrics;
  return {{"variant", analysis.scene.variant},
          {"n", analysis.n()},
          {"h", analysis.heads()},
          {"policy", policy_name(analysis.policy)},
          {"params", params_json(analysis)},
          {"per_head", per_head},
          {"total_allowed", total_allowed},
          {"total_leaks", total_leaks},
          {"metrics",
           {{"density", m.density},
            {"flops_vs_dense", m.flops_vs_dense},
            {"flops_vs_full", m.flops_vs_full},
            {"union_allowed", m.union_allowed},
            {"policy_cells", m.policy_cells},
            {"policy_covered", m.policy_covered},
            {"coverage", m.coverage}}}};
}

void mask_text(const Analysis& analysis, int head, std::ostream& out) {
  const int n = analysis.n();
  out << fmt::format("variant {}  n={}  heads={}  policy={}{}\n", analysis.scene.variant, n,
                     analysis.heads(), policy_name(analysis.policy), params_text(analysis));
  out << "'#' allowed   'X' allowed but forbidden by the policy (a leak)   '.' masked\n";
  for (int h = 0; h < analysis.heads(); ++h) {
    if (head >= 0 && h != head) continue;
    const HeadMetrics& m = analysis.metrics.heads[h];
    out << fmt::format("\nhead {}: {} allowed ({:.1f}% of N²), {} leak{}\n", h, m.allowed,
                       100 * m.density, m.leaks, m.leaks == 1 ? "" : "s");
    if (n > kTextGridMaxN) {
      out << fmt::format("(grid not drawn for n > {}; use --json or 'attnscope export')\n",
                         kTextGridMaxN);
      continue;
    }
    std::string tens(n, ' '), units(n, ' ');
    for (int k = 0; k < n; ++k) {
      units[k] = static_cast<char>('0' + k % 10);
      if (k % 10 == 0 && k >= 10) tens[k] = static_cast<char>('0' + (k / 10) % 10);
    }
    if (n > 10) out << fmt::format("      {}\n", tens);
    out << fmt::format("   k: {}\n", units);
    for (int q = 0; q < n; ++q)
      out << fmt::format("q={:>3} {}\n", q, mask_row_text(analysis, h, q));
  }
  const Metrics& m = analysis.metrics;
  out << fmt::format(
      "\ntotal: {} allowed, {} leaks; union of heads covers {} of the {} cells the policy allows "
      "({:.1f}%); attention FLOPs {:.3f}x full ({:.3f}x dense)\n",
      m.total_allowed, m.total_leaks, m.policy_covered, m.policy_cells, 100 * m.coverage,
      m.flops_vs_full, m.flops_vs_dense);
}

int64_t leaks_json_runs(const Analysis& analysis) {
  int64_t runs = 0;
  for (const RowRuns& cells : analysis.leaks)
    if (cells.count() > 0) runs += cells.run_count();
  return runs;
}

int64_t steps_json_runs(const Analysis& analysis) {
  int64_t runs = 0;
  for (const Step& step : analysis.trace().steps)
    for (const auto& [columns, kind] : {std::pair{&step.tokens, 1}, std::pair{&step.groups, 0}}) {
      std::vector<int64_t> head_runs(static_cast<size_t>(step.heads), 0);
      for (int h = 0; h < step.heads; ++h) {
        const int twin = column_twin(*columns, h);
        if (twin == h) column_runs_visit(*columns, h, step.rows, kind, [&](int64_t, int64_t, int64_t) { ++head_runs[h]; });
        else head_runs[h] = head_runs[twin];
        runs += head_runs[h];
      }
    }
  return runs;
}

StreamedDocument leaks_json(const Analysis& analysis, int64_t limit) {
  StreamedDocument out;
  nlohmann::json leaks = nlohmann::json::array();
  int64_t listed = 0;
  leak_cells_visit(analysis, [&](int h, int q, int k) {
    if (limit >= 0 && listed >= limit) return false;
    ++listed;
    leaks.push_back({{"head", h},
                     {"q", q},
                     {"k", k},
                     {"policy", policy_reason(analysis.policy, q, k)},
                     {"why", analysis.variant->explain_allowed(analysis.build, h, q, k)}});
    return true;
  });
  nlohmann::json runs = nlohmann::json::array();
  for (int h = 0; h < analysis.heads(); ++h)
    if (analysis.leaks[h].count() > 0)
      runs.push_back({{"head", h},
                      {"count", analysis.leaks[h].count()},
                      {"runs", out.streamed.defer([&cells = analysis.leaks[h]](std::ostream& stream) {
                         runs_write(cells, stream);
                       })}});
  out.doc = {{"variant", analysis.scene.variant},
          {"n", analysis.n()},
          {"h", analysis.heads()},
          {"policy", policy_name(analysis.policy)},
          {"params", params_json(analysis)},
          {"total_leaks", analysis.metrics.total_leaks},
          {"listed", listed},
          {"leaks", leaks},
          {"leak_runs", runs}};
  return out;
}

void leaks_text(const Analysis& analysis, int64_t limit, std::ostream& out) {
  const int64_t total = analysis.metrics.total_leaks;
  out << fmt::format("variant {}  n={}  heads={}  policy={}{}\n", analysis.scene.variant,
                     analysis.n(), analysis.heads(), policy_name(analysis.policy),
                     params_text(analysis));
  if (total == 0) {
    out << "no leaks: every allowed cell is allowed by the policy\n";
    return;
  }
  out << fmt::format("{} leaking cell{}:\n", total, total == 1 ? "" : "s");
  int64_t listed = 0;
  leak_cells_visit(analysis, [&](int h, int q, int k) {
    if (limit >= 0 && listed >= limit) {
      out << fmt::format("... and {} more (raise --limit or use --json)\n", total - listed);
      return false;
    }
    ++listed;
    out << fmt::format("head {} (q={}, k={}): {}.\n    {}.\n", h, q, k,
                       policy_reason(analysis.policy, q, k),
                       analysis.variant->explain_allowed(analysis.build, h, q, k));
    return true;
  });
}

StreamedDocument steps_json(const Analysis& analysis) {
  StreamedDocument out;
  nlohmann::json steps = nlohmann::json::array();
  for (int index = 0; index < static_cast<int>(analysis.trace().steps.size()); ++index) {
    const Step& step = analysis.trace().steps[index];
    const StepText text = step_text(analysis, index);
    nlohmann::json terms = nlohmann::json::array();
    for (const GlossaryTerm* term : text.terms) terms.push_back(term->term);
    nlohmann::json token_runs = nlohmann::json::array(), group_runs = nlohmann::json::array();
    auto token_writer = std::make_shared<ColumnRunsWriter>(step.tokens, step.heads, step.rows, 1);
    auto group_writer = std::make_shared<ColumnRunsWriter>(step.groups, step.heads, step.rows, 0);
    for (int h = 0; h < step.heads; ++h) {
      token_runs.push_back(out.streamed.defer([token_writer, h](std::ostream& stream) { token_writer->write(h, stream); }));
      group_runs.push_back(out.streamed.defer([group_writer, h](std::ostream& stream) { group_writer->write(h, stream); }));
    }
    nlohmann::json entry = {{"name", step.name},
                            {"shape", step.shape},
                            {"axes", step.axes},
                            {"explanation", step.explanation},
                            {"caption", text.caption},
                            {"why", text.why},
                            {"terms", terms},
                            {"code", step.code},
                            {"marked", step.marked},
                            {"values", step_values_name(step.values)},
                            {"head_part", step.head_part},
                            {"token_runs", token_runs},
                            {"group_runs", group_runs}};
    steps.push_back(entry);
    // Per-row tables only for planes small enough to read; the runs above describe any size.
    if (static_cast<int64_t>(step.rows) * step.heads > kStepTableMaxCells) continue;
    nlohmann::json tokens = nlohmann::json::array();
    nlohmann::json groups = nlohmann::json::array();
    nlohmann::json head_groups = nlohmann::json::array();
    for (int row = 0; row < step.rows; ++row) {
      std::vector<int> row_tokens, row_groups;
      for (int h = 0; h < step.heads; ++h) {
        row_tokens.push_back(step.token(row, h));
        row_groups.push_back(step.group(row, h));
      }
      const bool uniform = std::all_of(row_groups.begin(), row_groups.end(),
                                       [&](int g) { return g == row_groups.front(); });
      tokens.push_back(row_tokens);
      groups.push_back(uniform ? row_groups.front() : -1);
      head_groups.push_back(row_groups);
    }
    steps.back()["batch"] = step.batch;
    steps.back()["tokens"] = tokens;
    steps.back()["groups"] = groups;
    steps.back()["head_groups"] = head_groups;
  }
  out.doc = {{"variant", analysis.scene.variant},
             {"n", analysis.n()},
             {"h", analysis.heads()},
             {"batch", analysis.scene.batch},
             {"steps", steps}};
  return out;
}

void steps_text(const Analysis& analysis, std::ostream& out) {
  const auto& steps = analysis.trace().steps;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const StepText text = step_text(analysis, static_cast<int>(i));
    out << fmt::format("{:>2}. {:<13} {}\n    {}\n", i, step.name, step_shape_text(step, analysis.scene), text.caption);
    if (!text.why.empty()) out << fmt::format("    why: {}\n", text.why);
    out << fmt::format("    {}\n", step.code);
    if (step.rows > kStepGridMaxRows) continue;
    // One column per head: the original token it holds, and its group once grouped.
    out << "     row";
    for (int h = 0; h < step.heads; ++h)
      out << fmt::format(" {:>9}", step.head_part[h] >= 0
                                       ? fmt::format("h{}[{}]", h, step.head_part[h])
                                       : fmt::format("h{}", h));
    out << "\n";
    for (int row = 0; row < step.rows; ++row) {
      out << fmt::format("    {:>4}", row);
      for (int h = 0; h < step.heads; ++h) {
        const int group = step.group(row, h);
        out << fmt::format(" {:>9}", group >= 0 ? fmt::format("t{} g{}", step.token(row, h), group)
                                                : fmt::format("t{}", step.token(row, h)));
      }
      out << "\n";
    }
  }
}

}  // namespace attnscope
