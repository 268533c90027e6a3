#pragma once
// analyze(Scene) is the single entry point used by the GUI, the CLI and the tests. An Analysis
// is immutable: views and exporters only read it.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/analysis/attention.hpp"
#include "core/analysis/metrics.hpp"
#include "core/scene/policy.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/scene.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

struct AnalyzeOptions {
  // The structure (masks, leak sets) and, on their own, the values (scores and weights of every
  // allowed cell) must each fit in this many bytes; larger scenes are refused with a message
  // rather than exhausting memory.
  int64_t memory_budget_bytes = int64_t{1} << 30;
  // false: structure only (masks, leaks, trace, metrics). No q, k, v and no attention values are
  // kept, so the cost grows with the masks' row runs, not with N², and any N is accepted; a view
  // asks for the values it shows (Analysis::weight, values_window).
  bool values = true;
  // Called with the fraction done (0..1) as the analysis advances; may throw to cancel it.
  std::function<void(double)> progress;
  // The caller has run scene_validate on this very scene (the GUI does, to report a bad scene
  // before starting a worker): a scene is validated once per analysis.
  bool scene_validated = false;
};

// Thrown by a progress callback to stop an analysis (Ctrl-C, Esc).
class AnalysisCancelled : public std::runtime_error {
 public:
  AnalysisCancelled() : std::runtime_error("cancelled") {}
};

struct Analysis {
  Scene scene;
  const Variant* variant = nullptr;
  Policy policy;
  VariantBuild build;  // masks, frame layout, trace
  RowRuns policy_cells;
  std::vector<RowRuns> leaks;  // per head
  Qkv qkv;                  // empty in a structure-only analysis of a mask-defined variant
  AttentionResult attention;  // empty in a structure-only analysis
  Metrics metrics;

  bool has_values() const { return !attention.values.empty(); }
  // q, k, v of one head: the analysis's own, or generated once on first use and kept.
  std::shared_ptr<const Qkv> head_qkv(int head) const;

  int n() const { return scene.n; }
  int heads() const { return scene.heads; }
  const RowRuns& mask(int head) const { return build.masks[head]; }
  const Trace& trace() const { return build.trace; }
  bool allowed(int head, int q, int k) const { return build.masks[head].contains(q, k); }
  bool leaks_at(int head, int q, int k) const { return leaks[head].contains(q, k); }
  // 0 for masked cells. Without stored values the cell's row is computed on demand.
  float weight(int b, int head, int q, int k) const;
  float score(int b, int head, int q, int k) const;  // NaN for masked cells
  // The variant's notes about (q, k) in `head` (CellNote), in the order it found them.
  std::vector<std::string> notes_at(int head, int q, int k) const;
  // Why (q, k) leaks in `head`: what the policy forbids and how the variant let it through.
  std::string leak_explanation(int head, int q, int k) const;

 private:
  // Generated q, k, v per head. A copy of the analysis (a figure drawn with another compare
  // list) starts with an empty cache and regenerates what it needs.
  struct HeadQkvCache {
    std::mutex mutex;
    std::vector<std::shared_ptr<const Qkv>> heads;
    HeadQkvCache() = default;
    HeadQkvCache(const HeadQkvCache&) {}
    HeadQkvCache& operator=(const HeadQkvCache&) { return *this; }
  };
  mutable HeadQkvCache head_qkv_;
};

// The scene's masks on `qkv` as analyze() builds them: the variant's own build, then a stack
// layer's heads that have a scene of their own. For a data-dependent variant this is its selection
// from q and k; the lab re-selects each training sequence's masks with it from the model's own.
VariantBuild analysis_build(const Scene& scene, const Qkv& qkv);

// Bytes the values of a scene with these masks would take; used for the memory budget.
int64_t analysis_value_bytes(const Scene& scene, const std::vector<RowRuns>& masks);

// Throws SceneError for invalid scenes and scenes over the memory budget.
std::shared_ptr<const Analysis> analyze(const Scene& scene, const AnalyzeOptions& options = {});
// For views: with values when they fit `options.memory_budget_bytes`, else the structure alone
// (values then come on demand), so a mask can be shown at any N.
std::shared_ptr<const Analysis> analyze_for_view(const Scene& scene, const AnalyzeOptions& options = {});
// The same with caller-supplied q, k, v (e.g. from a file); checked for NaN/Inf.
std::shared_ptr<const Analysis> analyze_with_qkv(const Scene& scene, Qkv qkv,
                                                 const AnalyzeOptions& options = {});

}  // namespace attnscope
