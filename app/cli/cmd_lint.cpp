// lint: checks a user's mask or attention tensor (.npy, or .pt from torch.save) against a
// policy and lists every leaking cell. Exit 1 when anything leaks.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/cli/commands.hpp"
#include "core/policy.hpp"
#include "app/cli/torch_loader.hpp"

namespace attnscope {

namespace {

class LintCommand final : public Command {
 public:
  void attach(CLI::App& app) override {
    command_ = app.add_subcommand(
        "lint", "check your own mask or attention tensor (.npy or .pt) for leaking cells");
    command_->add_option("file", file_, "(N, N), (H, N, N) or (B, H, N, N); rows are queries")->required();
    command_->add_option("--policy", policy_, "causal, bidirectional, prefix:P or documents:a,b,c");
    command_->add_option("--kind", kind_,
                         "how values map to allowed cells: auto (default), bool (nonzero), "
                         "additive (0 allowed, -inf masked), weights (> 0)");
    command_->add_option("--limit", limit_, "list at most this many cells per slice in text output");
    command_->add_flag("--json", json_, "print one JSON document");
  }

  int run(std::ostream& out, std::ostream&) override {
    const std::string extension = std::filesystem::path(file_).extension().string();
    MaskTensor tensor;
    if (extension == ".npy") tensor = npy_load(file_);
    else if (extension == ".pt" || extension == ".pth") tensor = torch_module().pt_load(file_);
    else
      throw SceneError("file: '" + file_ + "' is neither .npy nor .pt; save the mask with "
                       "numpy.save or torch.save");
    const TensorCells cells = mask_tensor_cells(tensor, mask_kind_parse(kind_));
    const Policy policy = policy_parse(policy_, cells.n);
    const RowRuns policy_cells = policy_allowed_cells(policy, cells.n);
    const int heads = tensor.shape.size() >= 3 ? static_cast<int>(tensor.shape[tensor.shape.size() - 3]) : 1;
    nlohmann::json slices = nlohmann::json::array();
    int64_t total = 0;
    std::string text;
    for (size_t s = 0; s < cells.allowed.size(); ++s) {
      const RowRuns leaks = runs_difference(cells.allowed[s], policy_cells);
      total += leaks.count();
      nlohmann::json leak_cells = nlohmann::json::array();
      std::vector<std::string> listed;
      for (const auto& [q, k] : leaks.cells()) {
        leak_cells.push_back({q, k});
        if (static_cast<int64_t>(listed.size()) < limit_) listed.push_back(fmt::format("({},{})", q, k));
      }
      const int batch = static_cast<int>(s) / heads, head = static_cast<int>(s) % heads;
      slices.push_back({{"batch", batch},
                        {"head", head},
                        {"allowed", cells.allowed[s].count()},
                        {"leaks", leak_cells}});
      text += fmt::format("{}head {}: {} allowed, {} leak{}{}{}\n",
                          tensor.shape.size() == 4 ? fmt::format("batch {} ", batch) : "", head,
                          cells.allowed[s].count(), leaks.count(), leaks.count() == 1 ? "" : "s",
                          listed.empty() ? "" : ": " + fmt::format("{}", fmt::join(listed, " ")),
                          leaks.count() > static_cast<int64_t>(listed.size()) ? " ..." : "");
    }
    if (json_) {
      const nlohmann::json report = {{"file", file_},
                                     {"shape", tensor.shape},
                                     {"kind", mask_kind_name(cells.kind)},
                                     {"n", cells.n},
                                     {"policy", policy_name(policy)},
                                     {"per_head", slices},
                                     {"total_leaks", total}};
      out << report.dump() << "\n";
    } else {
      const std::string kind = mask_kind_name(cells.kind);
      out << fmt::format("{}: shape ({}), read as {} {} mask, judged against the {} policy\n",
                         file_, fmt::join(tensor.shape, ", "), kind == "additive" ? "an" : "a", kind,
                         policy_name(policy));
      out << text;
      out << (total == 0 ? "no leaks\n"
                         : fmt::format("{} leaking cell{}: queries may read keys the policy forbids "
                                       "(q, k) = (query row, key column)\n",
                                       total, total == 1 ? "" : "s"));
    }
    return total == 0 ? 0 : 1;
  }

 private:
  std::string file_;
  std::string policy_ = "causal";
  std::string kind_ = "auto";
  int64_t limit_ = 16;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> command_lint() { return std::make_unique<LintCommand>(); }

}  // namespace attnscope
