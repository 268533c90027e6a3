// lint: checks a user's mask, attention tensor or sparse kernel's index list (.npy, or .pt from
// torch.save) against a policy and reports every finding. Exit 1 when a finding fails the mask.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

#include "app/cli/commands.hpp"
#include "core/analysis/stack_lint.hpp"
#include "core/base/input_error.hpp"
#include "core/masks/user_mask.hpp"
#include "core/scene/scene.hpp"
#include "core/scene/stack.hpp"

namespace attnscope {

namespace {

class LintCommand final : public Command {
 public:
  void attach(CLI::App& app) override {
    command_ = app.add_subcommand(
        "lint", "check your own mask, attention tensor or FlexAttention block mask (.npy or .pt)");
    command_->add_option("file", file_,
                         "(Nq, Nk), (H, Nq, Nk) or (B, H, Nq, Nk) with Nq <= Nk; rows are queries")
        ->required();
    command_->add_option("--policy", policy_,
                         "causal, bidirectional, prefix:P, documents:a,b,c, "
                         "documents-bidirectional:a,b,c or window:W");
    command_->add_option("--cu-seqlens", cu_seqlens_,
                         "packed sequences as offsets 0,a,a+b,... (flash-attention's cu_seqlens)");
    command_->add_option("--kind", kind_,
                         "how values map to cells: auto (default: from the values), bool (True = "
                         "attend), blocked (True = masked), additive, weights");
    command_->add_option("--align", align_,
                         "where the queries of an (Nq, Nk) mask sit: bottom-right (the last Nq "
                         "positions, default) or top-left");
    command_->add_option("--min-coverage", min_coverage_,
                         "fail a slice that reads less than this share (0..1) of the cells the "
                         "policy allows (default 0: under-coverage is reported, never failing)");
    command_->add_option("--indices", indices_,
                         "read FILE as an index list (B, H, Nq, K) of the blocks or keys each "
                         "query reads: block or token");
    command_->add_option("--block-size", block_size_, "keys per block of a --indices block list");
    command_->add_option("--n", keys_, "keys N an index list indexes (default: as many as queries)");
    command_->add_option("--invalid", invalid_, "the padding value of an index list (default -1)");
    command_->add_option("--require-sorted", require_sorted_,
                         "the order the kernel requires of each query's indices: ascending or descending");
    command_->add_option("--limit", limit_, "list at most this many cells per finding in text output");
    command_->add_option("--stack", stack_,
                         "check a model's per-layer masks against its stack (\"window:window=1024*5,full\" or a "
                         "JSON file): FILE is a folder of one mask file per layer, in name order, or one file "
                         "(L, H, N, N) whose first axis is the layer");
    command_->add_flag("--json", json_, "print one JSON document");
  }

  int run(std::ostream& out, std::ostream&) override {
    if (!stack_.empty()) return run_stack(out);
    UserMaskOptions options;
    options.kind = mask_kind_parse(kind_);
    options.policy = policy_;
    options.align = mask_align_parse(align_);
    if (!cu_seqlens_.empty()) options.cu_seqlens = parse_int_list(cu_seqlens_, "cu-seqlens");
    if (!(min_coverage_ >= 0 && min_coverage_ <= 1))
      throw InputError("min-coverage: give a share of the policy's cells between 0 and 1");
    options.min_coverage = min_coverage_;
    options.indices = index_options();
    const UserMask mask = user_mask_read(file_, options);
    if (json_) out << report_json(mask).dump() << "\n";
    else out << report_text(mask);
    return mask.lint.fails() ? 1 : 0;
  }

 private:
  // Every layer's heads as N x N sets: a folder's files in name order, or one file's first axis.
  std::vector<std::vector<RowRuns>> layer_masks() const {
    UserMaskOptions options;
    options.kind = mask_kind_parse(kind_);
    std::vector<std::vector<RowRuns>> layers;
    auto heads_of = [](const UserMask& mask, int batch) {
      std::vector<RowRuns> heads;
      for (int h = 0; h < mask.shape.heads; ++h) heads.push_back(user_mask_square(mask, batch * mask.shape.heads + h));
      return heads;
    };
    if (std::filesystem::is_directory(file_)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(file_))
        if (entry.is_regular_file() && (entry.path().extension() == ".npy" || entry.path().extension() == ".pt"))
          files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      if (files.empty()) throw InputError(fmt::format("stack: {} holds no .npy or .pt mask files", file_));
      for (const auto& path : files) {
        const UserMask mask = user_mask_read(path.string(), options);
        if (mask.shape.batch != 1)
          throw InputError(fmt::format("stack: {} holds {} batch rows; give one layer per file", path.string(), mask.shape.batch));
        layers.push_back(heads_of(mask, 0));
      }
    } else {
      const UserMask mask = user_mask_read(file_, options);
      for (int b = 0; b < mask.shape.batch; ++b) layers.push_back(heads_of(mask, b));
    }
    return layers;
  }

  int run_stack(std::ostream& out) const {
    Scene scene;
    scene.stack = stack_to_json(stack_parse(stack_)).dump();
    const std::vector<std::vector<RowRuns>> layers = layer_masks();
    const std::vector<StackLintFinding> findings = stack_lint(scene, layers);
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const StackLintFinding& f : findings) list.push_back({{"layer", f.layer}, {"head", f.head}, {"text", f.text}});
      out << nlohmann::json{{"file", file_}, {"stack", stack_}, {"layers", layers.size()},
                            {"heads", layers.front().size()}, {"n", layers.front().front().rows()}, {"findings", list}}
                 .dump(2)
          << "\n";
    } else {
      out << fmt::format("{}: {} layers of {} heads at N = {}, checked against the stack {}\n", file_, layers.size(),
                         layers.front().size(), layers.front().front().rows(), stack_);
      for (const StackLintFinding& f : findings) out << f.text << "\n";
      if (findings.empty()) out << "clean: every layer is the mask its stack entry gives\n";
    }
    return findings.empty() ? 0 : 1;
  }

  // The index-list flags, checked together: each of the others needs --indices.
  std::optional<IndexListOptions> index_options() const {
    const bool list_flags = command_->count("--block-size") + command_->count("--n") +
                                command_->count("--invalid") + command_->count("--require-sorted") >
                            0;
    if (indices_.empty()) {
      if (list_flags)
        throw InputError("indices: --block-size, --n, --invalid and --require-sorted describe an "
                         "index list; add --indices block or --indices token");
      return std::nullopt;
    }
    if (kind_ != "auto")
      throw InputError("kind: --kind reads a mask's values; an index list is read by --indices alone");
    IndexListOptions options;
    options.unit = index_unit_parse(indices_);
    if (options.unit == IndexUnit::Block && !command_->count("--block-size"))
      throw InputError("block-size: --indices block needs --block-size B, the keys per block");
    if (options.unit == IndexUnit::Token && command_->count("--block-size"))
      throw InputError("block-size: a token list's entries are keys; use --indices block for blocks");
    options.block_size = options.unit == IndexUnit::Block ? block_size_ : 1;
    if (command_->count("--n") && keys_ < 1) throw InputError("n: give the number of keys, 1 or more");
    options.keys = keys_;
    options.invalid = invalid_;
    if (!require_sorted_.empty()) options.order = index_order_parse(require_sorted_);
    return options;
  }

  static std::string kind_name(const UserMask& mask) {
    if (mask.blocks) return "block-mask";
    if (mask.indices) return fmt::format("{}-indices", index_unit_name(*mask.indices));
    return mask_kind_name(mask.kind);
  }

  static const char* align_name(const UserMask& mask) {
    return mask_align_name(mask.lint.first_query == 0 ? MaskAlign::TopLeft : MaskAlign::BottomRight);
  }

  std::string report_text(const UserMask& mask) const {
    const MaskShape& shape = mask.shape;
    std::string text = fmt::format("{}: {}\n", file_, mask.reason);
    for (const MaskHint& hint : mask.hints) text += "hint: " + hint.text + "\n";
    std::string axes;
    if (shape.dims == 4) axes += fmt::format("batch {}{}, ", shape.batch, shape.batch == 1 ? " (broadcast)" : "");
    if (shape.dims >= 3) axes += fmt::format("heads {}{}, ", shape.heads, shape.heads == 1 ? " (broadcast)" : "");
    const std::string positions =
        shape.queries == shape.keys
            ? fmt::format("{} tokens", shape.keys)
        : shape.queries == 1
            ? fmt::format("1 query at position {} of {} keys ({})", mask.lint.first_query, shape.keys,
                          align_name(mask))
            : fmt::format("{} queries at positions {}..{} of {} keys ({})", shape.queries,
                          mask.lint.first_query, mask.lint.first_query + shape.queries - 1, shape.keys,
                          align_name(mask));
    text += fmt::format("shape ({}): {}{}; judged against the {} policy\n",
                        fmt::join(mask.file_shape, ", "), axes, positions, policy_name(mask.policy));
    for (size_t s = 0; s < mask.cells.size(); ++s) {
      const RowRuns& leaks = mask.lint.leaks[s];
      std::vector<std::pair<int, int>> cells;
      for (auto [q, k] : leaks.cells()) cells.emplace_back(q + mask.lint.first_query, k);
      text += fmt::format("{}: {} allowed, {} leak{}{}\n", mask_slice_name(shape, static_cast<int>(s)),
                          mask.cells[s].count(), leaks.count(), leaks.count() == 1 ? "" : "s",
                          cells.empty() ? "" : ": " + mask_cells_text(cells, static_cast<size_t>(limit_)));
    }
    int failing = 0;
    for (const MaskFinding& f : mask.lint.findings) {
      text += fmt::format("{}: {}\n", f.name, f.text);
      failing += f.fails ? 1 : 0;
    }
    const int64_t total = mask.lint.total_leaks();
    if (failing == 0) text += "clean: no leaks, and every query reads itself\n";
    else if (total > 0)
      text += fmt::format("{} leaking cell{}: queries may read keys the policy forbids\n", total,
                          total == 1 ? "" : "s");
    else text += fmt::format("{} finding{}, no leaks\n", failing, failing == 1 ? "" : "s");
    return text;
  }

  nlohmann::json report_json(const UserMask& mask) const {
    nlohmann::json slices = nlohmann::json::array();
    for (size_t s = 0; s < mask.cells.size(); ++s) {
      nlohmann::json leaks = nlohmann::json::array();
      for (auto [q, k] : mask.lint.leaks[s].cells()) leaks.push_back({q + mask.lint.first_query, k});
      slices.push_back({{"batch", mask.shape.slice_batch(static_cast<int>(s))},
                        {"head", mask.shape.slice_head(static_cast<int>(s))},
                        {"allowed", mask.cells[s].count()},
                        {"leaks", leaks}});
    }
    nlohmann::json findings = nlohmann::json::array();
    for (const MaskFinding& f : mask.lint.findings) {
      nlohmann::json finding = {{"class", f.name}, {"fails", f.fails}, {"text", f.text}, {"cells", f.cells}};
      if (f.slice >= 0) {
        finding["batch"] = mask.shape.slice_batch(f.slice);
        finding["head"] = mask.shape.slice_head(f.slice);
      }
      findings.push_back(finding);
    }
    nlohmann::json hints = nlohmann::json::array();
    for (const MaskHint& h : mask.hints) hints.push_back({{"flag", h.flag}, {"text", h.text}});
    return {{"file", file_},
            {"shape", mask.file_shape},
            {"dtype", mask.dtype_name},
            {"kind", kind_name(mask)},
            {"reading", mask.reason},
            {"queries", mask.shape.queries},
            {"keys", mask.shape.keys},
            {"first_query", mask.lint.first_query},
            {"n", mask.shape.keys},
            {"policy", policy_name(mask.policy)},
            {"per_head", slices},
            {"findings", findings},
            {"hints", hints},
            {"total_leaks", mask.lint.total_leaks()}};
  }

  std::string file_;
  std::string stack_;
  std::string policy_ = "causal";
  std::string cu_seqlens_;
  std::string kind_ = "auto";
  std::string align_ = "bottom-right";
  double min_coverage_ = 0;
  std::string indices_;
  int block_size_ = 0;
  int keys_ = 0;
  int64_t invalid_ = -1;
  std::string require_sorted_;
  int64_t limit_ = 16;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> command_lint() { return std::make_unique<LintCommand>(); }

}  // namespace attnscope
