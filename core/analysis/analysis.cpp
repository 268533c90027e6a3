#include "core/analysis/analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/analysis/leaks.hpp"
#include "core/analysis/values_window.hpp"
#include "core/base/progress_scope.hpp"
#include "core/cells/structure_budget.hpp"
#include "core/scene/sink_logit.hpp"
#include "core/scene/stack.hpp"

namespace attnscope {

float Analysis::weight(int b, int head, int q, int k) const {
  const int64_t rank = build.masks[head].rank_in_row(q, k);
  if (rank < 0) return 0.f;
  if (!has_values()) return row_values(*this, b, head, q).weights[rank];
  return attention.head(b, head).weights[build.masks[head].row_cell_offset(q) + rank];
}

float Analysis::score(int b, int head, int q, int k) const {
  const int64_t rank = build.masks[head].rank_in_row(q, k);
  if (rank < 0) return std::numeric_limits<float>::quiet_NaN();
  if (!has_values()) return row_values(*this, b, head, q).scores[rank];
  return attention.head(b, head).scores[build.masks[head].row_cell_offset(q) + rank];
}

std::vector<std::string> Analysis::notes_at(int head, int q, int k) const {
  std::vector<std::string> out;
  for (const CellNote& note : build.notes) {
    if (note.head != head) continue;
    const bool about = std::any_of(note.cells.begin(), note.cells.end(), [&](const auto& cell) {
      return cell.first == q && (cell.second == k || cell.second == -1);
    });
    if (about) out.push_back(note.text);
  }
  return out;
}

std::shared_ptr<const Qkv> Analysis::head_qkv(int head) const {
  std::lock_guard<std::mutex> lock(head_qkv_.mutex);
  if (head_qkv_.heads.empty()) head_qkv_.heads.resize(scene.heads);
  if (!head_qkv_.heads[head]) {
    Qkv one;
    if (qkv.data.empty()) {
      one = qkv_of_scene_heads(scene, head, head + 1);
    } else {
      one = Qkv{qkv.batch, qkv.n, 1, qkv.d, {}};
      one.data.resize(static_cast<size_t>(qkv.batch) * qkv.n * 3 * qkv.d);
      for (int b = 0; b < qkv.batch; ++b)
        for (int t = 0; t < qkv.n; ++t)
          for (int part = 0; part < 3; ++part)
            std::copy_n(qkv.row(b, t, part, head), qkv.d, one.row(b, t, part, 0));
    }
    head_qkv_.heads[head] = std::make_shared<const Qkv>(std::move(one));
  }
  return head_qkv_.heads[head];
}

std::string Analysis::leak_explanation(int head, int q, int k) const {
  return fmt::format("head {}: {}; {}", head, policy_reason(policy, q, k),
                     variant->explain_allowed(build, head, q, k));
}

namespace {

// Rows computed for query q land at output position p = output_query[q]^-1: the mask row, the
// values and the output move there, so leaks and figures describe what each position received.
// A model's own weights replace the ones computed from q, k (the file variant given --attention);
// the output is left as computed from the scene's q, k, v.
void values_from_given_weights(Analysis& a) {
  for (int b = 0; b < a.scene.batch; ++b)
    for (int h = 0; h < a.heads(); ++h) {
      HeadValues& values = a.attention.values[static_cast<size_t>(b) * a.heads() + h];
      values.scores.clear();
      values.weights.clear();
      for (int q = 0; q < a.n(); ++q) {
        const RowValues row = given_row_values(a, b, h, q);
        values.scores.insert(values.scores.end(), row.scores.begin(), row.scores.end());
        values.weights.insert(values.weights.end(), row.weights.begin(), row.weights.end());
      }
    }
}

void move_rows_to_outputs(Analysis& a) {
  const int n = a.scene.n, d = a.scene.d, heads = a.scene.heads;
  for (int h = 0; h < heads; ++h) {
    const std::vector<int>& source = a.build.output_query[h];
    if (source.empty()) continue;
    const RowRuns& computed = a.build.masks[h];
    RowRuns moved(n, n);
    for (int p = 0; p < n; ++p) {
      const RowSpan runs = computed.row(source[p]);  // one span: a row made by rule is made per call
      moved.append_row(std::vector<Run>(runs.begin(), runs.end()));
    }
    for (int b = 0; b < a.scene.batch && a.has_values(); ++b) {
      HeadValues& values = a.attention.values[static_cast<size_t>(b) * heads + h];
      HeadValues reordered{std::vector<float>(values.scores.size()), std::vector<float>(values.weights.size())};
      for (int p = 0; p < n; ++p) {
        const int64_t from = computed.row_cell_offset(source[p]), count = computed.row_count(source[p]);
        std::copy_n(values.scores.begin() + from, count, reordered.scores.begin() + moved.row_cell_offset(p));
        std::copy_n(values.weights.begin() + from, count, reordered.weights.begin() + moved.row_cell_offset(p));
      }
      values = std::move(reordered);
      std::vector<float> output(static_cast<size_t>(n) * d);
      for (int p = 0; p < n; ++p)
        for (int i = 0; i < d; ++i) output[static_cast<size_t>(p) * d + i] = a.attention.output_at(b, source[p], h, i);
      for (int p = 0; p < n; ++p)
        std::copy_n(output.begin() + static_cast<size_t>(p) * d, d,
                    a.attention.output.begin() + ((static_cast<size_t>(b) * n + p) * heads + h) * d);
    }
    a.build.masks[h] = std::move(moved);
  }
}

// A stack layer whose entry gives some heads their own scene (DuoAttention's retrieval heads in a
// streaming layer): those heads take their masks from that scene's build.
void stack_heads_apply(const Scene& scene, const Qkv& qkv, VariantBuild& build) {
  const std::map<int, Scene> heads = stack_head_scenes(scene, scene.layer.value_or(0));
  if (heads.empty()) return;
  for (const auto& [head, head_scene] : heads) {
    const Variant* variant = variant_find(head_scene.variant);
    if (variant->reads_qkv() && qkv.n == 0)
      throw SceneError(fmt::format("stack layer {} head {}: {} reads q and k; give the layer that variant instead",
                                   scene.layer.value_or(0), head, head_scene.variant));
    build.masks[head] = variant->build(head_scene, qkv).masks[head];
  }
  // The heads no longer share the layer's frame: attention runs over the masks, row by row.
  build.frame.reset();
  build.output_query.clear();
}

// GPT-OSS's sinks: each row's share goes to a column with no value, so the row's weights and its
// output shrink by the same factor (core/scene/sink_logit.hpp).
void apply_sinks(Analysis& a, const std::vector<float>& sinks) {
  AttentionResult& r = a.attention;
  for (int b = 0; b < r.batch; ++b)
    for (int h = 0; h < r.heads; ++h) {
      HeadValues& values = r.values[static_cast<size_t>(b) * r.heads + h];
      const RowRuns& mask = a.build.masks[h];
      for (int q = 0; q < r.n; ++q) {
        const int64_t count = mask.row_count(q);
        if (count == 0) continue;
        const int64_t offset = mask.row_cell_offset(q);
        const float keep = 1.f - sink_share(values.scores.data() + offset, count, sinks[h]);
        for (int64_t i = 0; i < count; ++i) values.weights[offset + i] *= keep;
        float* out = r.output.data() + ((static_cast<size_t>(b) * r.n + q) * r.heads + h) * r.d;
        for (int i = 0; i < r.d; ++i) out[i] *= keep;
      }
    }
}

void report(const AnalyzeOptions& options, double fraction) {
  if (options.progress) options.progress(fraction);
}

// Structure (masks, leaks, metrics) always; values only when asked for and within the budget.
std::shared_ptr<const Analysis> analyze_checked(const Scene& scene, Qkv qkv, const AnalyzeOptions& options) {
  const StructureBudget budget(options.memory_budget_bytes);
  auto analysis = std::make_shared<Analysis>();
  analysis->scene = scene;
  analysis->variant = variant_find(scene.variant);
  analysis->policy = policy_parse(scene.policy, scene.n);
  report(options, 0.05);
  // A data-dependent variant's build scores every earlier key of every query: nearly all of the
  // analysis's time, so nearly all of its progress.
  const double built = analysis->variant->reads_qkv() ? 0.95 : 0.4;
  auto after_build = [&](double fraction) { report(options, built + (1 - built) * fraction); };
  {
    const ProgressScope build_progress([&](double fraction) { report(options, 0.05 + (built - 0.05) * fraction); });
    analysis->build = analysis_build(scene, qkv);
  }
  report(options, built);
  if (analysis->build.boundaries.empty() && analysis->build.frame)
    for (const HeadFrame& head : analysis->build.frame->heads)
      analysis->build.boundaries.push_back(frame_group_boundaries(head));
  if (options.values) {
    const int64_t bytes = analysis_value_bytes(scene, analysis->build.masks);
    if (bytes > options.memory_budget_bytes)
      throw SceneError(fmt::format(
          "n: this scene needs about {:.1f} GiB for its attention values (budget {:.1f} GiB); "
          "reduce --n, --heads or --batch, or pick a sparser variant",
          bytes / double(1 << 30), options.memory_budget_bytes / double(1 << 30)));
  }
  analysis->policy_cells = policy_allowed_cells(analysis->policy, scene.n);
  if (options.values)
    analysis->attention = analysis->build.frame
                              ? attention_grouped(qkv, *analysis->build.frame, analysis->build.masks)
                              : attention_sparse(qkv, analysis->build.masks);
  if (options.values && analysis->build.given_weights) values_from_given_weights(*analysis);
  if (const std::vector<float> sinks = scene_sink_logits(scene); options.values && !sinks.empty())
    apply_sinks(*analysis, sinks);
  after_build(1.0 / 3);
  if (!analysis->build.output_query.empty()) move_rows_to_outputs(*analysis);
  analysis->leaks = leaks_per_head(analysis->build.masks, analysis->policy_cells);
  after_build(2.0 / 3);
  analysis->metrics =
      metrics_compute(analysis->build.masks, analysis->leaks, analysis->policy_cells);
  after_build(1.0);
  analysis->qkv = std::move(qkv);
  return analysis;
}

}  // namespace

VariantBuild analysis_build(const Scene& scene, const Qkv& qkv) {
  VariantBuild build = variant_find(scene.variant)->build(scene, qkv);
  if (!scene.stack.empty()) stack_heads_apply(scene, qkv, build);
  return build;
}

int64_t analysis_value_bytes(const Scene& scene, const std::vector<RowRuns>& masks) {
  int64_t cells = 0;
  for (const RowRuns& mask : masks) cells += mask.count();
  // scores + weights per cell and batch row, plus q, k, v and the output.
  return cells * scene.batch * 2 * static_cast<int64_t>(sizeof(float)) +
         int64_t{4} * scene.batch * scene.n * scene.heads * scene.d * static_cast<int64_t>(sizeof(float));
}

namespace {

// The analysis of a scene that scene_validate() has accepted: each entry point validates once.
std::shared_ptr<const Analysis> analyze_valid(const Scene& scene, Qkv qkv, const AnalyzeOptions& options) {
  if (qkv.batch != scene.batch || qkv.n != scene.n || qkv.heads != scene.heads || qkv.d != scene.d)
    throw SceneError(fmt::format("input: q, k, v have shape (B={}, N={}, H={}, D={}) but the scene "
                                 "says (B={}, N={}, H={}, D={}); make them agree",
                                 qkv.batch, qkv.n, qkv.heads, qkv.d, scene.batch, scene.n,
                                 scene.heads, scene.d));
  qkv_check_finite(qkv);
  return analyze_checked(scene, std::move(qkv), options);
}

}  // namespace

std::shared_ptr<const Analysis> analyze_with_qkv(const Scene& scene, Qkv qkv,
                                                 const AnalyzeOptions& options) {
  if (!options.scene_validated) scene_validate(scene);
  return analyze_valid(scene, std::move(qkv), options);
}

std::shared_ptr<const Analysis> analyze(const Scene& scene, const AnalyzeOptions& options) {
  if (!options.scene_validated) scene_validate(scene);
  const bool needs_qkv = options.values || variant_find(scene.variant)->reads_qkv();
  if (!needs_qkv) return analyze_checked(scene, Qkv{}, options);
  // q, k, v and the output come before any mask is built, so they are checked first.
  const int64_t tensor_bytes = int64_t{4} * scene.batch * scene.n * scene.heads * scene.d *
                               static_cast<int64_t>(sizeof(float));
  if (tensor_bytes > options.memory_budget_bytes)
    throw SceneError(fmt::format("n: q, k, v of this scene alone take {:.1f} GiB (budget {:.1f} "
                                 "GiB); reduce --n, --heads, --d or --batch",
                                 tensor_bytes / double(1 << 30),
                                 options.memory_budget_bytes / double(1 << 30)));
  return analyze_valid(scene, qkv_of_scene(scene), options);
}

std::shared_ptr<const Analysis> analyze_for_view(const Scene& scene, const AnalyzeOptions& options) {
  if (!options.scene_validated) scene_validate(scene);
  AnalyzeOptions structure = options;
  structure.values = false;
  structure.scene_validated = true;
  auto analysis = analyze(scene, structure);
  const int64_t tensor_bytes = int64_t{4} * scene.batch * scene.n * scene.heads * scene.d *
                               static_cast<int64_t>(sizeof(float));
  if (tensor_bytes > options.memory_budget_bytes ||
      analysis_value_bytes(scene, analysis->build.masks) > options.memory_budget_bytes)
    return analysis;
  AnalyzeOptions values = structure;
  values.values = true;
  return analyze(scene, values);
}

}  // namespace attnscope
