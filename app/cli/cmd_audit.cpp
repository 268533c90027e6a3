// audit: checks a TorchScript attention module by its effective token dependencies: which
// input tokens each output token depends on, judged against a policy, with cross-batch reads
// and the module's own tensor steps. Exit 1 when anything leaks.
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "app/cli/audit_measure.hpp"
#include "app/cli/commands.hpp"
#include "core/base/input_error.hpp"
#include "core/scene/trace.hpp"

namespace attnscope {

namespace {

std::string cells_text(const std::vector<std::pair<int, int>>& cells, int64_t limit) {
  std::vector<std::string> listed;
  for (const auto& [q, k] : cells) {
    if (static_cast<int64_t>(listed.size()) == limit) break;
    listed.push_back(fmt::format("({},{})", q, k));
  }
  return fmt::format("{}{}", fmt::join(listed, " "),
                     static_cast<int64_t>(cells.size()) > limit ? " ..." : "");
}

class AuditCommand final : public Command {
 public:
  void attach(CLI::App& app) override {
    command_ = app.add_subcommand(
        "audit", "check your own attention module (TorchScript, torch.jit.save) for leaks");
    command_->add_option("file", options_.file, "a module saved with torch.jit.save")->required();
    command_->add_option("--inputs", options_.inputs,
                         "forward's arguments: qkv (B, N, 3, H, D), q,k,v (three (B, N, H, D)) or "
                         "x (B, N, H*D); default: three arguments q,k,v, one named x "
                         "or hidden_states x, else qkv");
    command_->add_option("--n", options_.n, "tokens (default 16)");
    command_->add_option("--heads", options_.heads, "heads H (default 2)");
    command_->add_option("--d", options_.d, "head dimension D (default 8)");
    command_->add_option("--batch", options_.batch, "batch rows B; 2 or more also checks that rows "
                                                    "never read each other (default 2)");
    command_->add_option("--seed", options_.seed, "seed of the random inputs (default 0)");
    command_->add_option("--policy", policy_, "causal, bidirectional, prefix:P or documents:a,b,c");
    command_->add_option("--limit", limit_, "list at most this many cells per head in text output");
    command_->add_option("--max-memory", limits_.memory_mib, "MiB the module may allocate (default 1024)");
    command_->add_option("--timeout", limits_.seconds, "seconds the audit may take (default 600)");
    command_->add_flag("--steps", steps_, "also list the module's own steps with the token each row holds");
    command_->add_flag("--json", json_, "print one JSON document");
  }

  int run(std::ostream& out, std::ostream&) override {
    if (options_.n < 1 || options_.heads < 1 || options_.d < 1 || options_.batch < 1)
      throw InputError("audit: --n, --heads, --d and --batch must be positive");
    if (limits_.memory_mib <= 0 || limits_.seconds <= 0)
      throw InputError("audit: --max-memory and --timeout must be positive");
    const Policy policy = policy_parse(policy_, options_.n);
    const AuditResult result = audit_measure(options_, limits_, !json_);
    const AuditVerdict verdict = audit_judge(result, policy);
    if (json_) out << report_json(result, verdict, policy).dump() << "\n";
    else report_text(result, verdict, policy, out);
    return verdict.total_leaks == 0 ? 0 : 1;
  }

 private:
  nlohmann::json report_json(const AuditResult& result, const AuditVerdict& verdict,
                             const Policy& policy) const {
    nlohmann::json heads = nlohmann::json::array(), cross = nlohmann::json::array(),
                   ops = nlohmann::json::array();
    for (size_t h = 0; h < result.dependencies.size(); ++h) {
      nlohmann::json leaks = nlohmann::json::array();
      for (const auto& [q, k] : verdict.leaks[h].cells()) leaks.push_back({q, k});
      heads.push_back({{"head", h}, {"allowed", result.dependencies[h].count()}, {"leaks", leaks}});
    }
    for (const CrossBatchCell& c : result.cross_batch)
      cross.push_back({{"batch", c.batch}, {"reads_batch", c.reads_batch}, {"head", c.head},
                       {"q", c.q}, {"k", c.k}});
    for (const AuditOp& op : result.ops)
      ops.push_back({{"op", op.kind}, {"shape", op.shape}, {"code", op.code}, {"step", op.step}});
    nlohmann::json findings = nlohmann::json::array();
    for (const AuditFinding& f : verdict.findings)
      findings.push_back({{"class", f.name}, {"head", f.head}, {"text", f.text}});
    nlohmann::json report = {{"file", options_.file},
                             {"inputs", result.inputs},
                             {"batch", options_.batch},
                             {"n", options_.n},
                             {"heads", options_.heads},
                             {"d", options_.d},
                             {"output_shape", result.output_shape},
                             {"policy", policy_name(policy)},
                             {"per_head", heads},
                             {"cross_batch", cross},
                             {"total_leaks", verdict.total_leaks},
                             {"findings", findings},
                             {"ops", ops},
                             {"forwards", result.forwards},
                             {"forward_seconds", result.forward_seconds},
                             {"seconds", result.seconds}};
    if (steps_) {
      nlohmann::json steps = nlohmann::json::array();
      for (const Step& step : result.steps.steps)
        steps.push_back({{"name", step.name}, {"shape", step.shape}, {"code", step.code},
                         {"explanation", step.explanation}, {"why", step.why}, {"tokens", head_columns_to_rows(step.tokens, step.rows, step.heads)},
                         {"batch", step.batch}, {"groups", head_columns_to_rows(step.groups, step.rows, step.heads)}});
      report["steps"] = steps;
    }
    return report;
  }

  void report_text(const AuditResult& result, const AuditVerdict& verdict, const Policy& policy,
                   std::ostream& out) const {
    out << fmt::format("{}: forward({}) returns ({}) for B={}, N={}, H={}, D={}; judged against the "
                       "{} policy\n",
                       options_.file, result.inputs, fmt::join(result.output_shape, ", "),
                       options_.batch, options_.n, options_.heads, options_.d, policy_name(policy));
    for (size_t h = 0; h < result.dependencies.size(); ++h) {
      const auto leaks = verdict.leaks[h].cells();
      out << fmt::format("{}: {} dependencies, {}{}\n",
                         result.per_head ? fmt::format("head {}", h) : std::string("output"),
                         result.dependencies[h].count(),
                         leaks.empty() ? "no leaks" : fmt::format("{} leak{}: ", leaks.size(), leaks.size() == 1 ? "" : "s"),
                         cells_text(leaks, limit_));
      if (!leaks.empty())
        out << "  " << audit_leak_reason(result, static_cast<int>(h), leaks[0].first, leaks[0].second) << "\n";
    }
    std::map<std::pair<int, int>, std::vector<const CrossBatchCell*>> rows;
    for (const CrossBatchCell& c : result.cross_batch) rows[{c.batch, c.reads_batch}].push_back(&c);
    for (const auto& [pair, cells] : rows)
      out << fmt::format("batch row {} reads batch row {}: {} cell{}, first head {} (q={}, k={})\n",
                         pair.first, pair.second, cells.size(), cells.size() == 1 ? "" : "s",
                         cells[0]->head, cells[0]->q, cells[0]->k);
    for (const AuditFinding& f : verdict.findings) out << f.name << ": " << f.text << "\n";
    if (steps_) steps_text(result, out);
    out << (verdict.total_leaks == 0
                ? "no leaks\n"
                : fmt::format("{} leaking cell{}: an output token depends on an input token the "
                              "policy forbids (q, k) = (output token, input token)\n",
                              verdict.total_leaks, verdict.total_leaks == 1 ? "" : "s"));
  }

  // Each op in forward's order with its shape; for ops with known provenance, the token each
  // row of batch row 0 holds, per head.
  static void steps_text(const AuditResult& result, std::ostream& out) {
    for (const AuditOp& op : result.ops) {
      out << fmt::format("  {:<12} ({})  {}\n", op.kind, fmt::join(op.shape, ", "), op.code);
      if (op.step < 0) continue;
      const Step& step = result.steps.steps[op.step];
      for (int h = 0; h < step.heads; ++h) {
        std::vector<std::string> tokens;
        for (int row = 0; row < step.rows; ++row)
          if (step.batch[row] <= 0) tokens.push_back(step.token(row, h) < 0 ? "-" : std::to_string(step.token(row, h)));
        out << fmt::format("    head {}: {}\n", h, fmt::join(tokens, " "));
      }
    }
  }

  AuditOptions options_;
  IsolationLimits limits_;
  std::string policy_ = "causal";
  int64_t limit_ = 16;
  bool steps_ = false;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> command_audit() { return std::make_unique<AuditCommand>(); }

}  // namespace attnscope
