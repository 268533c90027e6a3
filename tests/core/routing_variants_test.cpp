// The routed variants (moba, nsa, dsa) against references written here from the papers' rules as
// plain loops in double precision, on fixed q and k: the own-block, forced-block and future-block
// edges, ties (earlier block or key wins), rows with fewer valid blocks than K, GQA sharing, and
// the pitfalls' extra cells, which must be future cells that the leak analysis reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "core/analysis/analysis.hpp"
#include "core/cells/structure_budget.hpp"
#include "core/presentation/routed_row.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/variant.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using Cells = std::set<std::pair<int, int>>;  // (q, k)

double dot(const Qkv& x, int q, int part_q, int hq, const std::vector<double>& key) {
  double s = 0;
  for (int i = 0; i < x.d; ++i) s += static_cast<double>(x.row(0, q, part_q, hq)[i]) * key[i];
  return s;
}

std::vector<double> key_of(const Qkv& x, int token, int head) {
  return {x.row(0, token, Qkv::K, head), x.row(0, token, Qkv::K, head) + x.d};
}

std::vector<double> mean_key(const Qkv& x, int head, int begin, int end) {
  std::vector<double> m(x.d, 0.0);
  for (int t = begin; t < end; ++t)
    for (int i = 0; i < x.d; ++i) m[i] += x.row(0, t, Qkv::K, head)[i];
  for (double& v : m) v /= (end - begin);
  return m;
}

// The `take` best of the candidates by score, ties to the earlier index.
std::vector<int> best_of(const std::vector<int>& candidates, const std::vector<double>& score, int take) {
  std::vector<int> order = candidates;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return score[a] > score[b]; });
  order.resize(std::min<size_t>(order.size(), std::max(take, 0)));
  return order;
}

Cells cells_of(const RowRuns& mask) {
  Cells out;
  for (int q = 0; q < mask.rows(); ++q)
    for (const Run r : mask.row(q))
      for (int k = r.begin; k < r.end; ++k) out.insert({q, k});
  return out;
}

// MoBA: k <= q and (k//B == q//B or k//B among the K - 1 best earlier blocks by q · mean key).
// The pitfall drops k <= q and adds the later blocks top-k fills a short list with.
Cells moba_reference(const Qkv& x, int head, int B, int K, bool pitfall) {
  const int n = x.n, blocks = (n + B - 1) / B, take = std::min(K, blocks);
  Cells out;
  for (int q = 0; q < n; ++q) {
    const int own = q / B;
    std::vector<double> gate(blocks);
    std::vector<int> earlier;
    for (int i = 0; i < own; ++i) {
      gate[i] = dot(x, q, Qkv::Q, head, mean_key(x, head, i * B, std::min(n, (i + 1) * B)));
      earlier.push_back(i);
    }
    std::set<int> read = {own};
    for (int i : best_of(earlier, gate, take - 1)) read.insert(i);
    if (pitfall)
      for (int i = own + 1; static_cast<int>(read.size()) < take; ++i) read.insert(i);
    for (int k = 0; k < n; ++k)
      if (read.count(k / B) && (pitfall || k <= q)) out.insert({q, k});
  }
  return out;
}

// DSA: I(q, k) = Σ_h ReLU(q_h · k_h); the K best k <= q, all of them while q < K; the pitfall
// reads the first K keys in rows q < K (top-k's -inf entries, earliest first).
Cells dsa_reference(const Qkv& x, int K, bool pitfall) {
  const int n = x.n;
  Cells out;
  for (int q = 0; q < n; ++q) {
    std::vector<double> index(n, 0.0);
    std::vector<int> earlier;
    for (int k = 0; k <= q; ++k) {
      for (int h = 0; h < x.heads; ++h) index[k] += std::max(0.0, dot(x, q, Qkv::Q, h, key_of(x, k, h)));
      earlier.push_back(k);
    }
    for (int k : best_of(earlier, index, K)) out.insert({q, k});
    if (pitfall && q + 1 < K)
      for (int k = q + 1; k < std::min(K, n); ++k) out.insert({q, k});
  }
  return out;
}

struct Nsa {
  int l = 4, d = 2, lb = 4, top = 3, init = 1, local = 1, w = 3, kv_heads = 0;
  std::string branch = "union";
  bool pitfall = false;
  std::map<std::string, std::string> params() const {
    std::map<std::string, std::string> p = {{"cmp-block", std::to_string(l)}, {"cmp-stride", std::to_string(d)},
        {"block", std::to_string(lb)}, {"topk", std::to_string(top)}, {"init-blocks", std::to_string(init)},
        {"local-blocks", std::to_string(local)}, {"window", std::to_string(w)}, {"branch", branch}};
    if (kv_heads > 0) p["kv-heads"] = std::to_string(kv_heads);
    if (pitfall) p["pitfall"] = "true";
    return p;
  }
};

// NSA, from the paper's rules: compressed token j = mean of keys [j·d, j·d + l − 1], readable iff
// j·d + l − 1 <= q; block score = Σ_j p_cmp(j) · |span j ∩ block b| / d summed over the group's
// query heads; forced: b < init and q//l' − local < b <= q//l'; the top n with forced ones
// first; later blocks dropped (pitfall: replaced by block 0); window q − w < k <= q.
Cells nsa_reference(const Qkv& x, int head, const Nsa& p) {
  const int n = x.n, heads = x.heads, groups = p.kv_heads > 0 ? p.kv_heads : heads;
  const int per = heads / groups, g = head / per, kv_head = g * per;
  const int count = n < p.l ? 0 : (n - p.l) / p.d + 1, blocks = (n + p.lb - 1) / p.lb;
  std::vector<std::vector<double>> cmp;
  for (int j = 0; j < count; ++j) cmp.push_back(mean_key(x, kv_head, j * p.d, j * p.d + p.l));
  Cells out;
  for (int q = 0; q < n; ++q) {
    std::vector<int> readable;
    for (int j = 0; j < count; ++j)
      if (j * p.d + p.l - 1 <= q) readable.push_back(j);
    std::vector<double> block_score(blocks, 0.0);
    for (int h = g * per; h < (g + 1) * per; ++h) {
      std::vector<double> e;
      double top = -INFINITY, sum = 0;
      for (int j : readable) top = std::max(top, dot(x, q, Qkv::Q, h, cmp[j]) / std::sqrt(double(x.d)));
      for (int j : readable) sum += std::exp(dot(x, q, Qkv::Q, h, cmp[j]) / std::sqrt(double(x.d)) - top);
      for (int j : readable) {
        const double pj = std::exp(dot(x, q, Qkv::Q, h, cmp[j]) / std::sqrt(double(x.d)) - top) / sum;
        for (int b = 0; b < blocks; ++b) {
          const int overlap = std::max(0, std::min(j * p.d + p.l, (b + 1) * p.lb) - std::max(j * p.d, b * p.lb));
          block_score[b] += pj * overlap / p.d;
        }
      }
    }
    const int own = q / p.lb, slots = std::min(p.top, blocks);
    std::vector<double> ranked(blocks);
    std::vector<int> candidates;
    for (int b = 0; b <= own; ++b) {
      ranked[b] = (b < p.init || b > own - p.local) ? INFINITY : block_score[b];
      candidates.push_back(b);
    }
    const std::vector<int> chosen = best_of(candidates, ranked, slots);
    const bool padded = static_cast<int>(chosen.size()) < slots;
    for (int k = 0; k <= q; ++k) {
      bool in = false;
      if (p.branch == "union" || p.branch == "compressed")
        for (int j : readable) in |= j * p.d <= k && k < j * p.d + p.l;
      if (p.branch == "union" || p.branch == "selected") {
        in |= std::count(chosen.begin(), chosen.end(), k / p.lb) > 0;
        in |= p.pitfall && padded && k < p.lb;
      }
      if (p.branch == "union" || p.branch == "window") in |= q - k < p.w;
      if (in) out.insert({q, k});
    }
  }
  return out;
}

// Generated q, k, v of a scene (any seed), so every reference reads the numbers the variant reads.
Qkv scene_qkv(const Scene& scene) { return qkv_generate(scene); }

std::shared_ptr<const Analysis> analysed(const Scene& scene) { return analyze(scene); }

TEST(RoutingMoba, CellsEqualTheReferenceAcrossSizesAndSeeds) {
  for (uint64_t seed : {0u, 1u, 7u})
    for (auto [n, B, K] : {std::tuple{16, 4, 2}, {37, 5, 3}, {40, 8, 1}, {24, 4, 6}, {33, 4, 4}})
      for (bool pitfall : {false, true}) {
        std::map<std::string, std::string> params = {{"block", std::to_string(B)}, {"topk", std::to_string(K)}};
        if (pitfall) params["pitfall"] = "true";
        const Scene scene = test::test_scene({.variant = "moba", .n = n, .heads = 2, .seed = seed, .params = params});
        const auto a = analysed(scene);
        const Qkv x = scene_qkv(scene);
        for (int h = 0; h < 2; ++h)
          EXPECT_EQ(cells_of(a->mask(h)), moba_reference(x, h, B, K, pitfall))
              << "seed " << seed << " n " << n << " B " << B << " K " << K << " pitfall " << pitfall << " h " << h;
      }
}

// Hand-made q and k where the answer is known without any scoring code.
Qkv blank_qkv(int n, int heads, int d) {
  Qkv x;
  x.batch = 1;
  x.n = n;
  x.heads = heads;
  x.d = d;
  x.data.assign(static_cast<size_t>(n) * 3 * heads * d, 0.f);
  return x;
}

Scene hand_scene(const std::string& variant, int n, std::map<std::string, std::string> params) {
  return test::test_scene({.variant = variant, .n = n, .heads = 1, .d = 2, .params = std::move(params)});
}

TEST(RoutingMoba, EdgesAndTiesOnHandMadeKeys) {
  // Blocks of 2, K = 2: blocks 0 and 1 have equal keys, block 2 a worse one; query 7 (block 3)
  // ties blocks 0 and 1 and takes block 0; query 6 reads itself only inside its own block.
  Qkv x = blank_qkv(8, 1, 2);
  for (int t = 0; t < 8; ++t) {
    x.row(0, t, Qkv::Q, 0)[0] = 1.f;
    x.row(0, t, Qkv::K, 0)[0] = t < 4 ? 2.f : (t < 6 ? 1.f : 5.f);
  }
  const Scene scene = hand_scene("moba", 8, {{"block", "2"}, {"topk", "2"}});
  const VariantBuild b = variant_find("moba")->build(scene, x);
  const Cells cells = cells_of(b.masks[0]);
  EXPECT_EQ(cells, moba_reference(x, 0, 2, 2, false));
  // Row 7: own block {6, 7} and block 0 (tie with block 1 goes to the earlier block).
  for (int k : {0, 1, 6, 7}) EXPECT_TRUE(cells.count({7, k})) << k;
  for (int k : {2, 3, 4, 5}) EXPECT_FALSE(cells.count({7, k})) << k;
  // Row 6: the first token of its block reads no later token of it.
  EXPECT_TRUE(cells.count({6, 6}));
  EXPECT_FALSE(cells.count({6, 7}));
  // Row 1 (block 0): fewer valid blocks than K, so it reads its own block only, causally.
  EXPECT_EQ(std::count_if(cells.begin(), cells.end(), [](auto c) { return c.first == 1; }), 2);
  // The inspector quotes the score and rank of a selected block.
  EXPECT_EQ(variant_find("moba")->explain_allowed(b, 0, 7, 0),
            "head 0: block 0 selected: gate 2.00, rank 2 of 2");
}

TEST(RoutingMoba, PitfallAddsOnlyFutureCellsThatLeaksReports) {
  for (auto [B, K] : {std::pair{4, 3}, {4, 2}, {2, 5}}) {
    std::map<std::string, std::string> params = {{"block", std::to_string(B)}, {"topk", std::to_string(K)}};
    const auto good = analysed(test::test_scene({.variant = "moba", .n = 16, .heads = 2, .params = params}));
    params["pitfall"] = "true";
    const auto bad = analysed(test::test_scene({.variant = "moba", .n = 16, .heads = 2, .params = params}));
    for (int h = 0; h < 2; ++h) {
      const Cells g = cells_of(good->mask(h)), p = cells_of(bad->mask(h));
      EXPECT_TRUE(std::includes(p.begin(), p.end(), g.begin(), g.end()));
      int64_t extra = 0;
      for (const auto& [q, k] : p)
        if (!g.count({q, k})) {
          ++extra;
          EXPECT_GT(k, q);
          EXPECT_TRUE(bad->leaks_at(h, q, k)) << q << "," << k;
        }
      EXPECT_GT(extra, 0);
      EXPECT_EQ(bad->metrics.heads[h].leaks, extra);
      EXPECT_EQ(good->metrics.heads[h].leaks, 0);
    }
  }
}

TEST(RoutingDsa, CellsEqualTheReferenceAcrossSizesAndSeeds) {
  for (uint64_t seed : {0u, 2u, 9u})
    for (auto [n, K, heads] : {std::tuple{16, 4, 2}, {33, 5, 3}, {20, 1, 1}, {12, 12, 2}, {40, 7, 4}})
      for (bool pitfall : {false, true}) {
        std::map<std::string, std::string> params = {{"topk", std::to_string(K)}};
        if (pitfall) params["pitfall"] = "true";
        const Scene scene = test::test_scene({.variant = "dsa", .n = n, .heads = heads, .seed = seed, .params = params});
        const auto a = analysed(scene);
        const Cells expected = dsa_reference(scene_qkv(scene), K, pitfall);
        for (int h = 0; h < heads; ++h)
          EXPECT_EQ(cells_of(a->mask(h)), expected) << "seed " << seed << " n " << n << " K " << K << " h " << h;
      }
}

TEST(RoutingDsa, TiesNegativeScoresAndShortRows) {
  // Two heads; q · k is negative in head 1 for every pair, so ReLU leaves head 0's scores. Keys
  // 1 and 2 tie; query 5 with K = 2 reads key 4 (the best) and key 1 (the earlier of the tie).
  Qkv x = blank_qkv(6, 2, 1);
  const float head0[] = {0.f, 3.f, 3.f, 1.f, 4.f, 2.f};
  for (int t = 0; t < 6; ++t) {
    x.row(0, t, Qkv::Q, 0)[0] = 1.f;
    x.row(0, t, Qkv::K, 0)[0] = head0[t];
    x.row(0, t, Qkv::Q, 1)[0] = 1.f;
    x.row(0, t, Qkv::K, 1)[0] = -5.f - t;
  }
  Scene scene = hand_scene("dsa", 6, {{"topk", "2"}});
  scene.heads = 2;
  scene.d = 1;
  const VariantBuild b = variant_find("dsa")->build(scene, x);
  const Cells cells = cells_of(b.masks[0]);
  EXPECT_EQ(cells, cells_of(b.masks[1]));  // shared by every head
  EXPECT_EQ(cells, dsa_reference(x, 2, false));
  EXPECT_TRUE(cells.count({5, 4}) && cells.count({5, 1}) && !cells.count({5, 2}));
  // Query 0 has one earlier key (itself) and K = 2: it reads it, and nothing later.
  EXPECT_TRUE(cells.count({0, 0}));
  EXPECT_FALSE(cells.count({0, 1}));
  EXPECT_EQ(variant_find("dsa")->explain_allowed(b, 1, 5, 1),
            "head 1 (shared by every head): key 1 selected: indexer score 3.00, rank 2 of 2");
}

TEST(RoutingDsa, PitfallAddsOnlyFutureCellsThatLeaksReports) {
  const auto good = analysed(test::test_scene({.variant = "dsa", .n = 16, .heads = 2, .params = {{"topk", "5"}}}));
  const auto bad = analysed(test::test_scene({.variant = "dsa", .n = 16, .heads = 2, .params = {{"topk", "5"}, {"pitfall", "true"}}}));
  Cells expected_extra;
  for (int q = 0; q < 4; ++q)
    for (int k = q + 1; k < 5; ++k) expected_extra.insert({q, k});
  for (int h = 0; h < 2; ++h) {
    Cells extra;
    const Cells g = cells_of(good->mask(h));
    for (const auto& c : cells_of(bad->mask(h)))
      if (!g.count(c)) extra.insert(c);
    EXPECT_EQ(extra, expected_extra);
    for (const auto& [q, k] : extra) EXPECT_TRUE(bad->leaks_at(h, q, k));
    EXPECT_EQ(bad->metrics.heads[h].leaks, static_cast<int64_t>(expected_extra.size()));
  }
}

TEST(RoutingDsa, AMaskPastTheBudgetIsRefusedBeforeScoring) {
  // N = 1024, K = 512: up to 512 + 512 · 512 runs of 8 bytes, 2 MiB, against a budget of 1 MiB.
  const Scene scene = test::test_scene({.variant = "dsa", .n = 1024, .heads = 2, .params = {{"topk", "512"}}});
  const Qkv qkv = scene_qkv(scene);
  {
    const StructureBudget budget(int64_t{1} << 20);
    try {
      variant_find("dsa")->build(scene, qkv);
      FAIL() << "built past the budget";
    } catch (const SceneError& e) {
      EXPECT_NE(std::string(e.what()).find("dsa's 512 keys for each of 1024 queries take up to 2 MiB of masks"),
                std::string::npos)
          << e.what();
    }
  }
  const StructureBudget roomy(int64_t{8} << 20);
  EXPECT_EQ(variant_find("dsa")->build(scene, qkv).masks.size(), 2u);
}

TEST(RoutingNsa, CellsEqualTheReferenceInEveryBranch) {
  std::vector<Nsa> cases = {Nsa{}, Nsa{.top = 2, .init = 0, .local = 2}, Nsa{.l = 4, .d = 4, .lb = 8, .top = 2, .w = 1},
                            Nsa{.l = 2, .d = 1, .lb = 4, .top = 4, .init = 2, .local = 1, .w = 5},
                            Nsa{.top = 5, .init = 3, .local = 0}};
  for (uint64_t seed : {0u, 4u})
    for (int n : {16, 29})
      for (const Nsa& base : cases)
        for (const char* branch : {"union", "compressed", "selected", "window"}) {
          Nsa p = base;
          p.branch = branch;
          const Scene scene = test::test_scene({.variant = "nsa", .n = n, .heads = 2, .seed = seed, .params = p.params()});
          const auto a = analysed(scene);
          const Qkv x = scene_qkv(scene);
          for (int h = 0; h < 2; ++h)
            EXPECT_EQ(cells_of(a->mask(h)), nsa_reference(x, h, p))
                << "seed " << seed << " n " << n << " branch " << branch << " l " << p.l << " d " << p.d << " l' "
                << p.lb << " n " << p.top << " init " << p.init << " local " << p.local << " h " << h;
        }
}

TEST(RoutingNsa, QueryHeadsOfOneKvHeadShareTheirBlocks) {
  for (uint64_t seed : {1u, 5u}) {
    Nsa p{.top = 2, .init = 0, .local = 1, .kv_heads = 2, .branch = "selected"};
    const Scene scene = test::test_scene({.variant = "nsa", .n = 32, .heads = 4, .seed = seed, .params = p.params()});
    const auto a = analysed(scene);
    const Qkv x = scene_qkv(scene);
    for (int h = 0; h < 4; ++h) EXPECT_EQ(cells_of(a->mask(h)), nsa_reference(x, h, p)) << "h " << h;
    EXPECT_EQ(cells_of(a->mask(0)), cells_of(a->mask(1)));
    EXPECT_EQ(cells_of(a->mask(2)), cells_of(a->mask(3)));
  }
}

TEST(RoutingNsa, EmptyCompressedRowsSayWhy) {
  const auto a = analysed(test::test_scene({.variant = "nsa", .n = 16, .heads = 1, .params = {{"branch", "compressed"}}}));
  for (int q = 0; q < 3; ++q) {
    EXPECT_EQ(a->mask(0).row_count(q), 0);
    ASSERT_FALSE(a->notes_at(0, q, 0).empty());
    EXPECT_NE(a->notes_at(0, q, 0).front().find("reads nothing"), std::string::npos);
  }
  EXPECT_EQ(a->mask(0).row_count(3), 4);  // the first compressed token (keys 0..3) has ended
}

TEST(RoutingNsa, PitfallReadsBlockZeroAgainAndSaysSo) {
  // With no forced initial block, rows with fewer blocks than n read block 0 through the padded
  // index; the note names the lost slot. Nothing of it is in the future, so nothing leaks.
  Nsa p{.top = 3, .init = 0, .local = 1, .branch = "selected", .pitfall = true};
  const Scene scene = test::test_scene({.variant = "nsa", .n = 16, .heads = 1, .params = p.params()});
  const auto a = analysed(scene);
  EXPECT_EQ(cells_of(a->mask(0)), nsa_reference(scene_qkv(scene), 0, p));
  EXPECT_EQ(a->metrics.total_leaks, 0);
  EXPECT_TRUE(a->allowed(0, 5, 0));  // query 5 (block 1): two blocks up to its own, so one index padded
  ASSERT_FALSE(a->notes_at(0, 5, 0).empty());
  EXPECT_NE(a->notes_at(0, 5, 0).front().find("block 0 counted"), std::string::npos);
}

TEST(RoutingSteps, SelectionStepsQuoteScoresAndMarkTheWinners) {
  for (const char* variant : {"moba", "nsa", "dsa"}) {
    const auto a = analysed(test::test_scene({.variant = variant, .n = 16, .heads = 2}));
    const Trace& t = a->trace();
    const int pick = std::max(t.find("top-k"), t.find("top-n"));
    ASSERT_GE(pick, 0) << variant;
    EXPECT_FALSE(t.steps[pick].marked.empty()) << variant;
    bool quotes = false;
    for (const Step& s : t.steps) {
      EXPECT_FALSE(s.explanation.empty()) << variant << " " << s.name;
      if (s.name != "input" && s.name != "weighted-sum" && s.name != "output")
        EXPECT_FALSE(s.why.empty()) << variant << " " << s.name;
      quotes |= s.explanation.find("query 15, head 0:") != std::string::npos;
    }
    EXPECT_TRUE(quotes) << variant;
  }
}

// The row the views lay over the query: what each selection step has decided about each block.
TEST(RoutingSteps, TheRoutedRowFollowsTheSteps) {
  const auto a = analysed(test::test_scene({.variant = "moba", .n = 16, .heads = 1}));  // B = 4, K = 2
  const Trace& t = a->trace();
  auto roles = [&](const char* step, int q) {
    std::vector<RoutedRole> out;
    const std::optional<RoutedRowView> row = routed_row_view(*a, t.find(step), 0, q);
    for (const RoutedUnit& u : row->units) out.push_back(u.role);
    return out;
  };
  using R = RoutedRole;
  EXPECT_FALSE(routed_row_view(*a, t.find("softmax"), 0, 15).has_value());
  EXPECT_EQ(roles("gate", 5), (std::vector<R>{R::Scored, R::Scored}));  // blocks 0 and 1; later ones are not scored
  EXPECT_EQ(roles("force", 5), (std::vector<R>{R::Scored, R::Forced, R::Future, R::Future}));
  EXPECT_EQ(roles("top-k", 5), (std::vector<R>{R::Chosen, R::Forced, R::Future, R::Future}));
  // Query 2 (block 0) has one valid block and K = 2: top-k picks block 1, the guard drops it.
  EXPECT_EQ(roles("top-k", 2), (std::vector<R>{R::Forced, R::Chosen, R::Future, R::Future}));
  EXPECT_EQ(roles("causal", 2), (std::vector<R>{R::Forced, R::Dropped, R::Future, R::Future}));
  const RoutedUnit own = routed_row_view(*a, t.find("top-k"), 0, 5)->units[1];
  EXPECT_EQ(own.begin, 4);
  EXPECT_EQ(own.end, 8);
}

}  // namespace
}  // namespace attnscope
