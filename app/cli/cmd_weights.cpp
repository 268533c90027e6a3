// weights: the attention weights of the scene's variant on its q, k, v (generated, or the user's
// with --qkv), for scripts and tests: JSON, a float32 .npy file, or a table for small windows.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/cli/commands.hpp"
#include "core/analysis/values_window.hpp"
#include "core/base/atomic_file.hpp"
#include "core/figure/figure.hpp"
#include "core/scene/qkv_file.hpp"
#include "core/scene/sink_logit.hpp"
#include "core/tensors/npy_format.hpp"

namespace attnscope {

namespace {

constexpr int kTableMaxSide = 24;  // a wider window prints as JSON or to --out

class WeightsCommand final : public SceneCommand {
 public:
  void attach(CLI::App& app) override {
    attach_scene(app, "weights", "print or save the attention weights of the scene's variant on its q, k, v");
    command_->add_option("--head", heads_, "heads, comma-separated; default every head");
    command_->add_option("--rows", rows_, "only queries first:end, e.g. 0:8");
    command_->add_option("--keys", keys_, "only keys first:end, e.g. 0:8");
    command_->add_option("--sequence", sequence_, "batch row; default 0");
    command_->add_option("--out", out_file_, "write float32 weights of shape (heads, rows, keys) to this .npy file");
  }

  int run(std::ostream& out, std::ostream& err) override {
    const Scene scene = scene_options_.scene();
    const auto analysis = this->analysis(false, err);
    const std::vector<int> heads = chosen_heads(*analysis);
    const TokenRange rows = rows_.empty() ? TokenRange{} : token_range_parse(rows_, "rows");
    const TokenRange keys = keys_.empty() ? TokenRange{} : token_range_parse(keys_, "keys");
    const int r0 = rows.whole() ? 0 : rows.begin, r1 = rows.whole() ? scene.n : rows.end;
    const int k0 = keys.whole() ? 0 : keys.begin, k1 = keys.whole() ? scene.n : keys.end;
    if (r1 > scene.n || k1 > scene.n)
      throw SceneError(fmt::format("{}: reaches past the last token {}", r1 > scene.n ? "rows" : "keys", scene.n - 1));
    if (sequence_ < 0 || sequence_ >= scene.batch)
      throw SceneError(fmt::format("sequence: {} is not a batch row; use 0..{}", sequence_, scene.batch - 1));
    const int64_t bytes = static_cast<int64_t>(heads.size()) * values_window_bytes(r1 - r0, k1 - k0);
    const int64_t budget = scene_options_.analyze_options().memory_budget_bytes;
    if (bytes > budget)
      throw SceneError(fmt::format("rows: the weights of {} × {} cells in {} heads need {:.1f} GiB; choose a smaller "
                                   "--rows/--keys window or raise --max-memory",
                                   r1 - r0, k1 - k0, heads.size(), bytes / double(1 << 30)));
    if (!out_file_.empty() && std::filesystem::path(out_file_).extension() != ".npy")
      throw InputError("out: weights are written as .npy (float32, shape (heads, rows, keys)); name a .npy file");
    std::vector<ValuesWindow> windows;
    for (int h : heads) windows.push_back(values_window(*analysis, sequence_, h, r0, r1, k0, k1));
    const std::string source = scene.qkv.empty() ? "" : qkv_file_open(scene)->description();
    if (!out_file_.empty()) {
      std::string bytes_out = npy_header_text("<f4", {static_cast<long>(heads.size()), r1 - r0, k1 - k0});
      for (const ValuesWindow& w : windows)
        bytes_out.append(reinterpret_cast<const char*>(w.weights.data()), w.weights.size() * sizeof(float));
      atomic_write_file(out_file_, bytes_out);
    }
    if (json_) {
      out << weights_json(*analysis, sequence_, heads, windows, source).dump() << "\n";
    } else {
      if (!source.empty()) out << source << "\n";
      if (!out_file_.empty())
        out << fmt::format("wrote {}: float32 ({}, {}, {}) = heads × rows {}:{} × keys {}:{}\n", out_file_,
                           heads.size(), r1 - r0, k1 - k0, r0, r1, k0, k1);
      else
        weights_text(*analysis, sequence_, heads, windows, out);
    }
    return 0;
  }

 private:
  std::vector<int> chosen_heads(const Analysis& analysis) const {
    std::vector<int> heads;
    if (heads_.empty()) {
      for (int h = 0; h < analysis.heads(); ++h) heads.push_back(h);
      return heads;
    }
    for (int64_t h : parse_int_list(heads_, "head")) {
      if (h < 0 || h >= analysis.heads())
        throw SceneError(fmt::format("head: {} is not a head of this scene; use 0..{}", h, analysis.heads() - 1));
      heads.push_back(static_cast<int>(h));
    }
    return heads;
  }

  static nlohmann::json weights_json(const Analysis& analysis, int b, const std::vector<int>& heads,
                                     const std::vector<ValuesWindow>& windows, const std::string& source) {
    nlohmann::json j = {{"variant", analysis.scene.variant}, {"n", analysis.n()}, {"heads", nlohmann::json::array()}};
    if (!source.empty()) j["qkv"] = source;
    for (size_t i = 0; i < heads.size(); ++i) {
      const ValuesWindow& w = windows[i];
      nlohmann::json rows = nlohmann::json::array(), keys = nlohmann::json::array(), weights = nlohmann::json::array();
      for (int q = w.row_begin; q < w.row_end; ++q) rows.push_back(q);
      for (int k = w.key_begin; k < w.key_end; ++k) keys.push_back(k);
      for (int q = w.row_begin; q < w.row_end; ++q) {
        nlohmann::json row = nlohmann::json::array();
        for (int k = w.key_begin; k < w.key_end; ++k) row.push_back(w.weight(q, k));
        weights.push_back(std::move(row));
      }
      nlohmann::json head = {{"head", heads[i]}, {"rows", rows}, {"keys", keys}, {"weights", weights}};
      // With a learned sink (GPT-OSS) each row's weights sum to 1 minus the sink's share.
      if (!scene_sink_logits(analysis.scene).empty()) {
        nlohmann::json sink = nlohmann::json::array();
        for (int q = w.row_begin; q < w.row_end; ++q) sink.push_back(row_sink_share(analysis, b, heads[i], q));
        head["sink"] = sink;
      }
      j["heads"].push_back(std::move(head));
    }
    return j;
  }

  static void weights_text(const Analysis& analysis, int b, const std::vector<int>& heads,
                           const std::vector<ValuesWindow>& windows, std::ostream& out) {
    const bool sinks = !scene_sink_logits(analysis.scene).empty();
    for (size_t i = 0; i < heads.size(); ++i) {
      const ValuesWindow& w = windows[i];
      if (w.row_end - w.row_begin > kTableMaxSide || w.keys() > kTableMaxSide) {
        out << fmt::format("head {}: {} × {} weights; print them with --json or save them with --out FILE.npy, or "
                           "choose --rows and --keys of at most {} tokens\n",
                           heads[i], w.row_end - w.row_begin, w.keys(), kTableMaxSide);
        continue;
      }
      out << fmt::format("head {} (rows: queries {}:{}, columns: keys {}:{}; '.' masked{})\n", heads[i], w.row_begin,
                         w.row_end, w.key_begin, w.key_end, sinks ? "; sink: the learned sink's share of the row" : "");
      for (int q = w.row_begin; q < w.row_end; ++q) {
        out << fmt::format("{:>6}", q);
        for (int k = w.key_begin; k < w.key_end; ++k) {
          const float weight = w.weight(q, k);
          const bool masked = std::isnan(w.scores[static_cast<size_t>(q - w.row_begin) * w.keys() + (k - w.key_begin)]);
          out << (masked ? std::string("     .") : fmt::format(" {:5.3f}", weight));
        }
        if (sinks) out << fmt::format("   sink {:5.3f}", row_sink_share(analysis, b, heads[i], q));
        out << "\n";
      }
    }
  }

  std::string heads_, rows_, keys_, out_file_;
  int sequence_ = 0;
};

}  // namespace

std::unique_ptr<Command> command_weights() { return std::make_unique<WeightsCommand>(); }

}  // namespace attnscope
