// cost: allowed cells and attention FLOPs per head against full causal attention and the dense
// square, with the formula, and what one whole transformer layer costs around them.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/cli/commands.hpp"
#include "app/cli/stack_views.hpp"
#include "core/analysis/cost.hpp"

namespace attnscope {

namespace {

nlohmann::json row_json(const CostRow& r) {
  if (!r.error.empty()) return {{"variant", r.variant}, {"error", r.error}};
  return {{"variant", r.variant},           {"cells", r.cells},     {"cells_per_head", r.cells_per_head},
          {"flops_per_head", r.flops_per_head}, {"vs_full", r.vs_full}, {"vs_dense", r.vs_dense},
          {"formula", r.formula}};
}

class CostCommand final : public SceneCommand {
 public:
  void attach(CLI::App& app) override {
    attach_scene(app, "cost", "allowed cells and attention FLOPs per head, against full causal attention and dense");
    command_->add_flag("--all", all_, "every variant at the same N, G, H, D (default: the scene's variant and full)");
    attach_stack_layers();
  }
  int run(std::ostream& out, std::ostream& err) override {
    const std::optional<StackModel> model = stack(err);
    // A model's layers are costed from their structure alone, at any N.
    const auto a = analysis(!model);
    CostTable t = cost_table(a->scene, a->qkv, all_ ? std::vector<std::string>{} : std::vector<std::string>{"full"});
    const CostRow& own = t.rows.front();
    const LayerCost layer = cost_layer(t.n, kLlamaModel, kLlamaFf, kLlamaHeads, own.cells_per_head);
    if (json_) {
      nlohmann::json rows = nlohmann::json::array();
      for (const CostRow& r : t.rows) rows.push_back(row_json(r));
      out << nlohmann::json{{"n", t.n},
                            {"heads", t.heads},
                            {"d", t.d},
                            {"full_cells", t.full_cells},
                            {"dense_cells", t.dense_cells},
                            {"flops_per_cell", 4 * t.d},
                            {"rows", rows},
                            {"layer",
                             {{"model", "LLaMA-2 7B"},
                              {"projections", layer.projections},
                              {"mlp", layer.mlp},
                              {"attention_full", layer.attention_full},
                              {"attention", layer.attention},
                              {"total_full", layer.total_full()},
                              {"total", layer.total()}}},
                            {"model", model ? stack_cost_json(*model) : nlohmann::json()}}
                 .dump(2)
          << "\n";
      return 0;
    }
    out << fmt::format("per head at N = {}: full = N(N+1)/2 = {} cells, dense = N\u00b2 = {} cells; attention "
                       "costs 4\u00b7D = {} FLOPs per cell\n",
                       t.n, t.full_cells, t.dense_cells, 4 * t.d);
    for (const CostRow& r : t.rows) {
      if (!r.error.empty()) {
        out << fmt::format("{:<14} not at this scene: {}\n", r.variant, r.error);
        continue;
      }
      out << fmt::format("{:<14} {:>10} cells  {:>10} FLOPs  {:.4f}x full  {:.4f}x dense  {}\n", r.variant,
                         cost_number_text(r.cells_per_head), cost_number_text(r.flops_per_head), r.vs_full,
                         r.vs_dense, r.formula);
    }
    out << fmt::format(
        "one LLaMA-2 7B layer at N = {} ({} in all 32 heads of 128): projections {} + MLP {} + attention {} "
        "= {} FLOPs, against {} with full attention: {:.1f}% saved\n",
        t.n, own.variant, cost_number_text(layer.projections), cost_number_text(layer.mlp),
        cost_number_text(layer.attention), cost_number_text(layer.total()), cost_number_text(layer.total_full()),
        100 * (1 - layer.total() / layer.total_full()));
    if (model) stack_cost_text(*model, out);
    return 0;
  }

 private:
  bool all_ = false;
};

}  // namespace

std::unique_ptr<Command> command_cost() { return std::make_unique<CostCommand>(); }

}  // namespace attnscope
