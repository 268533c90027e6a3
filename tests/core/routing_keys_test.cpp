// The routed variants minference, duo, snapkv and quest against references written here from
// their rules as plain loops: each cell of each head equals the rule's answer, on generated q, k
// and on q, k built to tie, with ties going to the earlier column, offset, block, key or page.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>

#include "core/analysis/analysis.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using Cells = std::vector<std::vector<std::set<int>>>;  // [head][q] -> keys
using Fill = std::function<float(int token, int part, int head, int i)>;

Qkv qkv_from(const Scene& scene, const Fill& fill) {
  Qkv qkv{1, scene.n, scene.heads, scene.d, {}};
  qkv.data.resize(static_cast<size_t>(scene.n) * 3 * scene.heads * scene.d);
  for (int t = 0; t < scene.n; ++t)
    for (int part = 0; part < 3; ++part)
      for (int h = 0; h < scene.heads; ++h)
        for (int i = 0; i < scene.d; ++i) qkv.data[qkv.index(0, t, part, h, i)] = fill(t, part, h, i);
  return qkv;
}

float dot(const Qkv& qkv, int a, int pa, int b, int pb, int h) {
  float s = 0.f;
  for (int i = 0; i < qkv.d; ++i) s += qkv.row(0, a, pa, h)[i] * qkv.row(0, b, pb, h)[i];
  return s;
}

// Softmax of query r over keys 0..r, scores scaled by 1/sqrt(D).
std::vector<float> softmax_row(const Qkv& qkv, int h, int r) {
  std::vector<float> w(r + 1);
  float top = -std::numeric_limits<float>::infinity();
  for (int k = 0; k <= r; ++k) top = std::max(top, w[k] = dot(qkv, r, Qkv::Q, k, Qkv::K, h) / std::sqrt(float(qkv.d)));
  float sum = 0.f;
  for (int k = 0; k <= r; ++k) sum += (w[k] = std::exp(w[k] - top));
  for (int k = 0; k <= r; ++k) w[k] /= sum;
  return w;
}

// The `count` best indices by score, ties to the lower index: a selection by repeated scans.
std::set<int> best(const std::vector<float>& score, int count) {
  std::set<int> chosen;
  for (int round = 0; round < count && round < static_cast<int>(score.size()); ++round) {
    int pick = -1;
    for (int i = 0; i < static_cast<int>(score.size()); ++i)
      if (!chosen.count(i) && (pick < 0 || score[i] > score[pick])) pick = i;
    chosen.insert(pick);
  }
  return chosen;
}

void expect_cells(const Analysis& a, const Cells& expected) {
  for (int h = 0; h < a.heads(); ++h)
    for (int q = 0; q < a.n(); ++q)
      for (int k = 0; k < a.n(); ++k)
        ASSERT_EQ(a.allowed(h, q, k), expected[h][q].count(k) > 0) << "head " << h << " q " << q << " k " << k;
}

constexpr float kInf = std::numeric_limits<float>::infinity();

Cells minference_reference(const Scene& s, const Qkv& qkv) {
  const auto p = [&](const char* name, int fallback) {
    return s.params.count(name) ? std::stoi(s.params.at(name)) : fallback;
  };
  const std::string pattern = s.params.count("pattern") ? s.params.at("pattern") : "vertical-slash";
  Cells cells(s.heads, std::vector<std::set<int>>(s.n));
  for (int h = 0; h < s.heads; ++h) {
    if (pattern == "a-shape") {
      for (int q = 0; q < s.n; ++q)
        for (int k = 0; k <= q; ++k)
          if (k < p("sinks", 2) || q - k < p("local", 4)) cells[h][q].insert(k);
    } else if (pattern == "vertical-slash") {
      const int last = std::min(p("last-q", 4), s.n);
      std::vector<float> vertical(s.n, 0.f), slash(s.n, 0.f);
      for (int r = s.n - last; r < s.n; ++r) {
        const std::vector<float> w = softmax_row(qkv, h, r);
        for (int k = 0; k <= r; ++k) {
          vertical[k] += w[k];
          slash[r - k] += w[k];
        }
      }
      for (int c = 0; c < p("force-vertical", 1) && c < s.n; ++c) vertical[c] = kInf;
      for (int o = 0; o < p("force-slash", 1) && o < s.n; ++o) slash[o] = kInf;
      const std::set<int> columns = best(vertical, p("vertical", 3)), offsets = best(slash, p("slash", 3));
      for (int q = 0; q < s.n; ++q)
        for (int k = 0; k <= q; ++k)
          if (columns.count(k) || offsets.count(q - k)) cells[h][q].insert(k);
    } else {
      const int b = p("block", 4), nb = (s.n + b - 1) / b;
      std::vector<std::vector<float>> qbar(nb, std::vector<float>(s.d, 0.f)), kbar = qbar;
      for (int t = 0; t < s.n; ++t)
        for (int i = 0; i < s.d; ++i) {
          qbar[t / b][i] += qkv.row(0, t, Qkv::Q, h)[i];
          kbar[t / b][i] += qkv.row(0, t, Qkv::K, h)[i];
        }
      for (int m = 0; m < nb; ++m)
        for (int i = 0; i < s.d; ++i) {
          qbar[m][i] /= float(b);  // zero padding counts in the mean
          kbar[m][i] /= float(b);
        }
      for (int q = 0; q < s.n; ++q) {
        const int m = q / b;
        std::vector<float> score(m + 1, 0.f);
        for (int j = 0; j <= m; ++j)
          for (int i = 0; i < s.d; ++i) score[j] += qbar[m][i] * kbar[j][i];
        for (int j : best(score, p("topk", 2)))
          for (int k = j * b; k < std::min((j + 1) * b, q + 1); ++k) cells[h][q].insert(k);
      }
    }
  }
  return cells;
}

Cells duo_reference(const Scene& s, const std::vector<bool>& retrieval, int sinks, int recent) {
  Cells cells(s.heads, std::vector<std::set<int>>(s.n));
  for (int h = 0; h < s.heads; ++h)
    for (int q = 0; q < s.n; ++q)
      for (int k = 0; k <= q; ++k)
        if (retrieval[h] || k < sinks || q - k < recent) cells[h][q].insert(k);
  return cells;
}

Cells snapkv_reference(const Scene& s, const Qkv& qkv, int prompt, int window, int capacity, int kernel) {
  Cells cells(s.heads, std::vector<std::set<int>>(s.n));
  const int scored = prompt - window;
  for (int h = 0; h < s.heads; ++h) {
    std::set<int> kept;
    if (prompt >= capacity) {
      std::vector<float> votes(scored, 0.f), pooled(scored, 0.f);
      for (int r = prompt - window; r < prompt; ++r) {
        const std::vector<float> w = softmax_row(qkv, h, r);
        for (int k = 0; k < scored; ++k) votes[k] += w[k];
      }
      for (int i = 0; i < scored; ++i) {
        float total = 0.f;
        for (int j = i - kernel / 2; j <= i + kernel / 2; ++j)
          if (j >= 0 && j < scored) total += votes[j];  // outside the scored keys: zeros
        pooled[i] = total / float(kernel);
      }
      kept = best(pooled, capacity - window);
    }
    for (int q = 0; q < s.n; ++q)
      for (int k = 0; k <= q; ++k)
        if (q < prompt || prompt < capacity || kept.count(k) || k >= scored) cells[h][q].insert(k);
  }
  return cells;
}

Cells quest_reference(const Scene& s, const Qkv& qkv, int prompt, int page, int budget) {
  Cells cells(s.heads, std::vector<std::set<int>>(s.n));
  for (int h = 0; h < s.heads; ++h)
    for (int q = 0; q < s.n; ++q) {
      if (q < prompt) {
        for (int k = 0; k <= q; ++k) cells[h][q].insert(k);
        continue;
      }
      const int pages = q / page + 1;
      std::vector<float> score(pages, 0.f);
      for (int j = 0; j < pages; ++j)
        for (int i = 0; i < s.d; ++i) {
          float hi = -kInf, lo = kInf;
          for (int k = j * page; k < std::min((j + 1) * page, q + 1); ++k) {
            hi = std::max(hi, qkv.row(0, k, Qkv::K, h)[i]);
            lo = std::min(lo, qkv.row(0, k, Qkv::K, h)[i]);
          }
          const float qi = qkv.row(0, q, Qkv::Q, h)[i];
          score[j] += std::max(qi * hi, qi * lo);
        }
      const int keep = std::min(std::max(3, std::min(q + 1, budget) / page), pages);
      for (int j : best(score, keep))
        for (int k = j * page; k < std::min((j + 1) * page, q + 1); ++k) cells[h][q].insert(k);
    }
  return cells;
}

Scene scene_of(const std::string& variant, int n, int heads, std::map<std::string, std::string> params,
               uint64_t seed = 3) {
  return test::test_scene({.variant = variant, .n = n, .heads = heads, .seed = seed, .params = std::move(params)});
}

// Generated q, k (the scene's own) and q, k of small integers, where many scores tie.
std::vector<Qkv> inputs(const Scene& s) {
  return {qkv_generate(s), qkv_from(s, [](int t, int part, int h, int i) {
            return static_cast<float>(((t * 7 + part * 3 + h * 5 + i * 11) % 5) - 2);
          })};
}

TEST(RoutingKeys, MinferenceEqualsThePatternRules) {
  for (const auto& params : std::vector<std::map<std::string, std::string>>{
           {{"pattern", "a-shape"}},
           {{"pattern", "a-shape"}, {"sinks", "3"}, {"local", "1"}},
           {{"pattern", "vertical-slash"}},
           {{"pattern", "vertical-slash"}, {"last-q", "7"}, {"force-vertical", "2"}, {"force-slash", "3"}, {"vertical", "4"}, {"slash", "5"}},
           {{"pattern", "block-sparse"}},
           {{"pattern", "block-sparse"}, {"block", "5"}, {"topk", "3"}}}) {
    for (int n : {16, 23}) {
      const Scene s = scene_of("minference", n, 3, params);
      for (const Qkv& qkv : inputs(s)) {
        SCOPED_TRACE(s.params.at("pattern") + " n " + std::to_string(n));
        expect_cells(*analyze_with_qkv(s, qkv), minference_reference(s, qkv));
      }
    }
  }
}

// More forced entries than kept ones: the infinities tie, and the earliest win.
TEST(RoutingKeys, ForcedColumnsAndOffsetsTieToTheEarliest) {
  const Scene s = scene_of("minference", 16, 1,
                           {{"force-vertical", "6"}, {"vertical", "2"}, {"force-slash", "5"}, {"slash", "2"}});
  const auto a = analyze(s);
  for (int q = 0; q < 16; ++q)
    for (int k = 0; k <= q; ++k) EXPECT_EQ(a->allowed(0, q, k), k < 2 || q - k < 2) << q << " " << k;
}

// Every block scores the same: the earliest K blocks win, and a later query's own block is not
// among them, so it reads no key of its own block.
TEST(RoutingKeys, BlockSparseTiesGoToTheEarlierBlock) {
  const Scene s = scene_of("minference", 16, 1, {{"pattern", "block-sparse"}, {"block", "4"}, {"topk", "2"}});
  const auto a = analyze_with_qkv(s, qkv_from(s, [](int, int, int, int) { return 1.f; }));
  for (int q = 0; q < 16; ++q)
    for (int k = 0; k < 16; ++k) EXPECT_EQ(a->allowed(0, q, k), k <= q && k < 8) << q << " " << k;
}

TEST(RoutingKeys, DuoListedHeadsRetrieveTheOthersStream) {
  const Scene s = scene_of("duo", 20, 3, {{"retrieval-heads", "1"}, {"sinks", "2"}, {"recent", "3"}});
  expect_cells(*analyze(s), duo_reference(s, {false, true, false}, 2, 3));
}

// The gate file's layer row, one α per KV head, shared by the query heads of a group.
TEST(RoutingKeys, DuoGateFileRowDecidesPerKvHead) {
  const std::string gates = std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/duo/full_attention_heads.tsv";
  for (int layer : {0, 1, 2, 3}) {
    Scene s = scene_of("duo", 16, 4, {{"gates", gates}, {"sinks", "1"}, {"recent", "2"}});
    s.layer = layer;
    // The fixture's rows: (0.875, 0.125), (0.3125, 1.0), (0.0, 0.5), (0.4921875, 0.0625).
    const bool kv0[] = {true, false, false, false}, kv1[] = {false, true, true, false};
    expect_cells(*analyze(s), duo_reference(s, {kv0[layer], kv0[layer], kv1[layer], kv1[layer]}, 1, 2));
  }
}

TEST(RoutingKeys, DuoGateFileErrorsNameTheFix) {
  const std::string gates = std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/duo/full_attention_heads.tsv";
  Scene s = scene_of("duo", 16, 3, {{"gates", gates}});
  EXPECT_THROW(scene_validate(s), SceneError);  // 3 heads over 2 KV heads
  s.heads = 2;
  s.layer = 4;
  EXPECT_THROW(scene_validate(s), SceneError);  // the file has layers 0..3
  const std::string ragged = (std::filesystem::temp_directory_path() / "attnscope_ragged_gates.tsv").string();
  std::ofstream(ragged) << "1.0\t0.0\n0.5\n";
  s.layer.reset();
  s.params["gates"] = ragged;
  EXPECT_THROW(scene_validate(s), SceneError);
  std::filesystem::remove(ragged);
}

TEST(RoutingKeys, SnapKVEqualsTheVoteRule) {
  struct Case { int n, prompt, window, capacity, kernel; };
  for (const Case& c : {Case{16, 12, 2, 6, 3}, Case{24, 17, 3, 8, 5}, Case{16, 12, 4, 5, 1}, Case{16, 5, 2, 6, 3}}) {
    const Scene s = scene_of("snapkv", c.n, 2,
                             {{"prompt", std::to_string(c.prompt)}, {"window", std::to_string(c.window)},
                              {"capacity", std::to_string(c.capacity)}, {"kernel", std::to_string(c.kernel)}});
    for (const Qkv& qkv : inputs(s))
      expect_cells(*analyze_with_qkv(s, qkv), snapkv_reference(s, qkv, c.prompt, c.window, c.capacity, c.kernel));
  }
}

// q = 0: every window query weighs its keys equally, so every vote ties. The zero padding of
// avg_pool1d lowers the first and last kernel//2 scored keys; of the rest the earliest win.
TEST(RoutingKeys, SnapKVPaddingEdgesLoseAndTiesGoToTheEarlierKey) {
  const Scene s = scene_of("snapkv", 16, 1, {{"prompt", "14"}, {"window", "2"}, {"capacity", "6"}, {"kernel", "5"}});
  const auto a = analyze_with_qkv(s, qkv_from(s, [](int, int part, int, int i) { return part == Qkv::Q ? 0.f : float(i); }));
  for (int q = 14; q < 16; ++q)
    for (int k = 0; k <= q; ++k) EXPECT_EQ(a->allowed(0, q, k), (k >= 2 && k < 6) || k >= 12) << q << " " << k;
}

TEST(RoutingKeys, QuestEqualsThePageRule) {
  struct Case { int n, prompt, page, budget; };
  for (const Case& c : {Case{16, 12, 2, 4}, Case{23, 9, 3, 10}, Case{20, 4, 4, 16}, Case{16, 1, 1, 2}}) {
    const Scene s = scene_of("quest", c.n, 2,
                             {{"prompt", std::to_string(c.prompt)}, {"page", std::to_string(c.page)},
                              {"budget", std::to_string(c.budget)}});
    for (const Qkv& qkv : inputs(s))
      expect_cells(*analyze_with_qkv(s, qkv), quest_reference(s, qkv, c.prompt, c.page, c.budget));
  }
}

// Identical keys: every page scores the same, so the first max(3, b // p) pages are read; the
// partial last page holds only keys 0..t.
TEST(RoutingKeys, QuestTiesGoToTheEarlierPageAndAtLeastThreeAreRead) {
  const Scene s = scene_of("quest", 15, 1, {{"prompt", "10"}, {"page", "4"}, {"budget", "4"}});
  const auto a = analyze_with_qkv(s, qkv_from(s, [](int, int, int, int) { return 1.f; }));
  for (int q = 10; q < 15; ++q)
    for (int k = 0; k < 15; ++k) EXPECT_EQ(a->allowed(0, q, k), k <= q && k < 12) << q << " " << k;
  for (int q = 0; q < 10; ++q) EXPECT_EQ(a->mask(0).row_count(q), q + 1);
}

// Every step of the routed variants says what happens and why; the inspector quotes the score
// and rank of the entry that let a cell in.
TEST(RoutingKeys, StepsCarryCaptionsAndTheInspectorQuotesRanks) {
  for (const auto& [variant, params] : std::vector<std::pair<std::string, std::map<std::string, std::string>>>{
           {"minference", {{"pattern", "a-shape"}}},
           {"minference", {}},
           {"minference", {{"pattern", "block-sparse"}}},
           {"duo", {}},
           {"snapkv", {}},
           {"quest", {}}}) {
    const auto a = analyze(scene_of(variant, 16, 2, params));
    for (const Step& step : a->trace().steps) EXPECT_FALSE(step.explanation.empty()) << variant << " " << step.name;
    for (const char* name : {"input", "mask", "softmax", "output"}) EXPECT_GE(a->trace().find(name), 0) << variant;
  }
  const auto quest = analyze(scene_of("quest", 16, 2, {}));
  EXPECT_NE(quest->variant->explain_allowed(quest->build, 0, 15, quest->mask(0).row(15).front().begin).find("rank"),
            std::string::npos);
  EXPECT_GE(quest->trace().find("decode-12"), 0);
  EXPECT_LT(quest->trace().find("decode-11"), 0);  // prompt rows are a prefill, not decode steps
  const auto vs = analyze(scene_of("minference", 16, 1, {}));
  EXPECT_NE(vs->variant->explain_allowed(vs->build, 0, 9, 0).find("column 0 kept: forced, rank 1 of 3"),
            std::string::npos)
      << vs->variant->explain_allowed(vs->build, 0, 9, 0);
  const auto snap = analyze(scene_of("snapkv", 16, 1, {}));
  for (int k = 0; k < 10; ++k)
    if (snap->allowed(0, 14, k))
      EXPECT_NE(snap->variant->explain_allowed(snap->build, 0, 14, k).find("of 4"), std::string::npos);
}

}  // namespace
}  // namespace attnscope
