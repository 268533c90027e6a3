#include "core/analysis/audit_analysis.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/analysis/leaks.hpp"

namespace attnscope {

namespace {

// Not registered: it exists only inside the Analysis of one audited module.
class ModuleVariant final : public Variant {
 public:
  ModuleVariant(const AuditResult& result, const std::string& name) : result_(result) {
    info_.name = name;
    info_.description = "a TorchScript module checked by attnscope audit: cells are the input "
                        "tokens each output token depends on";
    info_.source = "attnscope audit " + name;
  }
  const VariantInfo& info() const override { return info_; }
  void validate(const Scene&) const override {}
  VariantBuild build(const Scene&, const Qkv&) const override { return {}; }
  std::string explain_allowed(const VariantBuild&, int head, int q, int k) const override {
    return audit_leak_reason(result_, head, q, k);
  }

 private:
  AuditResult result_;
  VariantInfo info_;
};

struct AuditAnalysis : Analysis {
  std::unique_ptr<ModuleVariant> module;
};

// The module's steps with `heads` columns; a column a step's tensor does not hold (one half
// of a chunk) keeps the tokens of the step before, as the built-in traces keep resting heads.
Trace trace_for_heads(const Trace& steps, int heads) {
  Trace trace;
  for (const Step& source : steps.steps) {
    Step step = source;
    step.heads = heads;
    std::vector<int> tokens(static_cast<size_t>(step.rows) * heads, -1), groups(tokens.size(), -1);
    step.head_part.assign(heads, -1);
    for (int row = 0; row < step.rows; ++row)
      for (int h = 0; h < heads && h < source.heads; ++h) {
        const size_t i = static_cast<size_t>(row) * heads + h;
        tokens[i] = source.token(row, h);
        groups[i] = source.group(row, h);
        if (tokens[i] < 0 && !trace.steps.empty()) {
          tokens[i] = trace.steps.back().token(row, h);
          groups[i] = trace.steps.back().group(row, h);
        }
      }
    step.tokens = head_columns_from_rows(tokens, step.rows, heads);
    step.groups = head_columns_from_rows(groups, step.rows, heads);
    trace.steps.push_back(std::move(step));
  }
  return trace;
}

// The module's own group size: the size every group of the first step that groups tokens has in
// head 0 of sequence 0 (S2 rolled at G = 5 over N = 15: 5); 0 when no step groups them evenly.
int module_group_size(const Trace& trace, int n) {
  for (const Step& step : trace.steps) {
    if (step.rows <= 0 || step.heads <= 0 || step.group(0, 0) < 0) continue;
    std::map<int, int> sizes;
    for (int row = 0; row < std::min(step.rows, n); ++row) ++sizes[step.group(row, 0)];
    const int size = sizes.begin()->second;
    const bool even = std::all_of(sizes.begin(), sizes.end(), [&](const auto& s) { return s.second == size; });
    return even ? size : 0;
  }
  return 0;
}

}  // namespace

std::shared_ptr<const Analysis> audit_analysis(const AuditResult& result, const AuditOptions& options,
                                               const Scene& sizes) {
  const std::string& policy = sizes.policy;
  auto analysis = std::make_shared<AuditAnalysis>();
  const std::string name = std::filesystem::path(options.file).filename().string();
  analysis->module = std::make_unique<ModuleVariant>(result, name);
  Scene& scene = analysis->scene;
  scene.title = "audit " + name;
  scene.variant = name;
  scene.n = options.n;
  scene.heads = static_cast<int>(result.dependencies.size());
  scene.d = options.d;
  scene.batch = options.batch;
  scene.seed = options.seed;
  scene.policy = policy;
  // Most audited modules are attention code of the S2 kind.
  scene.compare = sizes.compare.empty() ? std::vector<std::string>{"s2", "s2-fix-mask"} : sizes.compare;
  analysis->variant = analysis->module.get();
  analysis->policy = policy_parse(policy, scene.n);
  analysis->build.masks = result.dependencies;
  analysis->build.trace = trace_for_heads(result.steps, scene.heads);
  // The scene panel shows what the module ran with: its own G when its steps group the tokens,
  // else the asked scene's (the module was given no G).
  const int module_g = module_group_size(analysis->build.trace, options.n);
  scene.g = module_g > 0 ? module_g : sizes.g;
  analysis->policy_cells = policy_allowed_cells(analysis->policy, scene.n);
  analysis->qkv = qkv_generate(scene);
  analysis->attention = attention_sparse(analysis->qkv, analysis->build.masks);
  analysis->leaks = leaks_per_head(analysis->build.masks, analysis->policy_cells);
  analysis->metrics = metrics_compute(analysis->build.masks, analysis->leaks, analysis->policy_cells);
  return analysis;
}

}  // namespace attnscope
