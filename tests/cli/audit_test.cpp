// audit on the modules written by tests/fixtures/modules/make_modules.py: verdicts, exit
// codes, JSON, the module's own error messages, and the isolation that survives a module that
// allocates without bound or never returns.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <tuple>
#include <vector>

#include "app/cli/audit_measure.hpp"
#include "app/cli/isolated_run.hpp"
#include "core/analysis/audit_analysis.hpp"
#include "core/presentation/step_caption.hpp"
#include "core/scene/scene.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using test::cli;

std::string module(const std::string& name) {
  return std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/modules/" + name + ".pt";
}

TEST(Audit, EvenGroupRollLeaksTheWrappedGroup) {
  const auto r = cli({"audit", module("s2_even_g"), "--json"});
  EXPECT_EQ(r.code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["inputs"], "qkv");
  EXPECT_EQ(j["total_leaks"], 4);
  EXPECT_EQ(j["per_head"][0]["leaks"], nlohmann::json::array());
  EXPECT_EQ(j["per_head"][1]["leaks"], nlohmann::json::parse("[[0,14],[0,15],[1,14],[1,15]]"));
  EXPECT_EQ(j["per_head"][1]["allowed"], 40);
  EXPECT_TRUE(j["cross_batch"].empty());
}

TEST(Audit, OddGroupRollReadsTheNextToken) {
  const auto r = cli({"audit", module("s2_odd_g"), "--n", "15"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.out.find("head 1: 45 dependencies, 18 leaks: (0,1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("output 0 holds the result of query 1"), std::string::npos) << r.out;
}

TEST(Audit, CleanModulesExitZero) {
  for (const std::string name : {"s2_fix_mask", "causal"}) {
    const auto r = cli({"audit", module(name)});
    EXPECT_EQ(r.code, 0) << name << r.out << r.err;
    EXPECT_NE(r.out.find("no leaks"), std::string::npos) << r.out;
  }
}

TEST(Audit, DroppedCausalMaskLeaksEveryFutureToken) {
  const auto r = cli({"audit", module("causal_dropped"), "--json"});
  EXPECT_EQ(r.code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["total_leaks"], 2 * 16 * 15 / 2);
  // The same module is clean when the policy allows both directions.
  EXPECT_EQ(cli({"audit", module("causal_dropped"), "--policy", "bidirectional"}).code, 0);
}

TEST(Audit, SequenceFirstGroupsMixBatchRows) {
  const auto r = cli({"audit", module("s2_sequence_first"), "--json"});
  EXPECT_EQ(r.code, 1);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_FALSE(j["cross_batch"].empty());
  const auto& first = j["cross_batch"][0];
  EXPECT_NE(first["batch"], first["reads_batch"]);
  const auto text = cli({"audit", module("s2_sequence_first")});
  EXPECT_NE(text.out.find("batch row 1 reads batch row 0"), std::string::npos) << text.out;
}

TEST(Audit, RaisingModuleExitsTwoWithItsMessage) {
  const auto r = cli({"audit", module("raises")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("the module raised: RuntimeError: sequence length must be a multiple of 7"),
            std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// Modules as PyTorch 2 saves them call aten::scaled_dot_product_attention, which attnscope adds
// to LibTorch 1.13 (tests/fixtures/modules/make_pytorch2_modules.py writes them).
TEST(AuditPyTorch2, CausalSdpaModulesAreClean) {
  for (const std::string name : {"sdpa_causal", "sdpa_window", "sdpa_scale", "sdpa_gqa"}) {
    const auto r = cli({"audit", module(name), "--inputs", "q,k,v"});
    EXPECT_EQ(r.code, 0) << name << r.out << r.err;
    EXPECT_NE(r.out.find("no leaks"), std::string::npos) << name << r.out;
  }
}

TEST(AuditPyTorch2, SdpaWithoutAMaskReadsEveryLaterKey) {
  const auto r = cli({"audit", module("sdpa_maskless"), "--inputs", "q,k,v", "--json"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["total_leaks"], 2 * 16 * 15 / 2);
}

// A multi-token forward that reads every later token on a row ran with no mask at all: the
// finding names it; a module whose leaks are only some later tokens does not get it.
TEST(AuditFindings, MasklessPrefillIsNamed) {
  for (const std::string name : {"sdpa_maskless", "causal_dropped"}) {
    const auto r = cli({"audit", module(name), "--inputs", name == "sdpa_maskless" ? "q,k,v" : "qkv", "--json"});
    EXPECT_EQ(r.code, 1) << name << r.err;
    const auto findings = nlohmann::json::parse(r.out)["findings"];
    ASSERT_EQ(findings.size(), 2u) << name << r.out;  // both heads
    EXPECT_EQ(findings[1]["class"], "maskless-prefill");
    EXPECT_EQ(findings[1]["head"], 1);
  }
  const auto text = cli({"audit", module("sdpa_maskless"), "--inputs", "q,k,v"});
  EXPECT_NE(text.out.find("maskless-prefill: head 0: every output reads every later token: the "
                          "multi-token forward applies no mask (a prefill run without its causal mask)"),
            std::string::npos)
      << text.out;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{module("sdpa_causal"), "--inputs", "q,k,v"}, {module("s2_even_g")}, {module("s2_odd_g"), "--n", "15"},
        {module("causal_dropped"), "--policy", "bidirectional"}}) {
    std::vector<std::string> full = {"audit"};
    full.insert(full.end(), args.begin(), args.end());
    full.push_back("--json");
    const auto r = cli(full);
    ASSERT_NE(r.code, 2) << args[0] << r.err;
    EXPECT_TRUE(nlohmann::json::parse(r.out)["findings"].empty()) << args[0];
  }
}

TEST(AuditPyTorch2, AnUnknownOperatorOrANewerArchiveIsNamedInOneLine) {
  const auto op = cli({"audit", module("sdpa_rms_norm"), "--inputs", "q,k,v"});
  EXPECT_EQ(op.code, 2);
  EXPECT_NE(op.err.find("sdpa_rms_norm.pt calls aten::rms_norm, an operator of a PyTorch newer than the LibTorch "
                        "1.13"),
            std::string::npos)
      << op.err;
  EXPECT_EQ(op.err.find("not a TorchScript module"), std::string::npos) << op.err;
  EXPECT_EQ(std::count(op.err.begin(), op.err.end(), '\n'), 1) << op.err;
  const auto version = cli({"audit", module("sdpa_version12"), "--inputs", "q,k,v"});
  EXPECT_EQ(version.code, 2);
  EXPECT_NE(version.err.find("is a TorchScript archive of format version 12, written by a PyTorch newer"),
            std::string::npos)
      << version.err;
  EXPECT_EQ(std::count(version.err.begin(), version.err.end(), '\n'), 1) << version.err;
}

TEST(Audit, BadInputExitsTwo) {
  EXPECT_EQ(cli({"audit", module("wrong_shape")}).code, 2);
  EXPECT_EQ(cli({"audit", module("no_such_module")}).code, 2);
  EXPECT_EQ(cli({"audit", module("s2_even_g"), "--inputs", "q,k,v"}).code, 2);
  const auto not_module = cli({"audit", std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/modules/s2_even_g.json"});
  EXPECT_EQ(not_module.code, 2);
  EXPECT_NE(not_module.err.find("not a TorchScript module"), std::string::npos) << not_module.err;
  // LibTorch's message quotes the zip entry's name; its escape sequence must not reach a terminal.
  const auto escape = cli({"audit", std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/masks/bad_escape_name.pt"});
  EXPECT_EQ(escape.code, 2);
  EXPECT_NE(escape.err.find("not in a subdirectory: ?[2Jname)"), std::string::npos) << escape.err;
}

// Found by tests/fuzz/fuzz_torch_module: a damaged module on which LibTorch's loader corrupts
// its heap while it describes the damage. Depending on the heap's layout the child dies (and is
// reported) or LibTorch's message quotes bytes of the corrupted memory (made printable).
TEST(AuditIsolation, ModuleThatCorruptsTheLoaderExitsTwoWithOnePrintableLine) {
  const auto r = cli({"audit", module("bad_libtorch_crash")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("bad_libtorch_crash.pt"), std::string::npos) << r.err;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  for (char c : r.err.substr(0, r.err.size() - 1)) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << r.err;
}

// Also found by it: a damaged module whose pickle names a memo index of about two billion, for
// which LibTorch's unpickler sizes a table of tens of gigabytes. That is the memory budget's to
// report, not a file that merely failed to parse.
TEST(AuditIsolation, ModuleWhoseLoadingAsksForGigabytesMeetsTheBudget) {
  const auto r = cli({"audit", module("bad_memo_index")});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad_memo_index.pt: the module's process needed more than the memory budget"),
            std::string::npos) << r.err;
}

TEST(AuditIsolation, MemoryBudgetStopsAHog) {
  const auto r = cli({"audit", module("hog"), "--max-memory", "256"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("memory budget of 256 MiB"), std::string::npos) << r.err;
}

TEST(AuditIsolation, TimeLimitStopsAnEndlessLoop) {
  const auto r = cli({"audit", module("spin"), "--timeout", "3"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("did not finish within 3 s"), std::string::npos) << r.err;
}

TEST(AuditIsolation, AbortInTheChildIsReported) {
  try {
    isolated_run([] {}, [](const IsolatedProgress&) -> std::string { std::abort(); }, {}, "job");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("job: the module's process died (Aborted)"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(isolated_run([] {}, [](const IsolatedProgress&) { return std::string("result"); }, {}, "job"), "result");
}

TEST(AuditIsolation, ProgressReachesTheParentAndItsExceptionCancelsTheChild) {
  std::vector<double> seen;
  const std::string result = isolated_run(
      [] {},
      [](const IsolatedProgress& report) {
        for (int i = 1; i <= 4; ++i) report(i / 4.0);
        return std::string("P-looking result");  // the final message may hold any bytes
      },
      {}, "job", [&](double fraction) {
        if (seen.empty() || seen.back() != fraction) seen.push_back(fraction);
      });
  EXPECT_EQ(result, "P-looking result");
  EXPECT_EQ(seen, (std::vector<double>{0.25, 0.5, 0.75, 1.0}));

  // A child that would run for a minute stops as soon as the parent's callback throws.
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(isolated_run(
                   [] {},
                   [](const IsolatedProgress& report) {
                     report(0.1);
                     std::this_thread::sleep_for(std::chrono::seconds(60));
                     return std::string("too late");
                   },
                   {}, "job", [](double fraction) {
                     if (fraction > 0.0) throw AnalysisCancelled();
                   }),
               AnalysisCancelled);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
}

TEST(AuditIsolation, AModuleAuditReportsItsProbesAndCanBeCancelled) {
  Scene scene;
  const AuditOptions options = audit_options(scene, module("s2_even_g"), "");
  double last = 0.0;
  audit_measure(options, {}, false, [&](double fraction) { last = fraction; });
  EXPECT_EQ(last, 1.0);
  EXPECT_THROW(audit_measure(options, {}, false, [](double fraction) {
                 if (fraction > 0.0) throw AnalysisCancelled();
               }),
               AnalysisCancelled);
}

// The audited module as an Analysis (what gui --audit and export --audit draw): its dependency
// maps are the masks, judged against the policy, and its steps are the trace.
TEST(AuditAnalysis, DependencyMapsAndStepsBecomeAnAnalysis) {
  const Scene scene = test::test_scene({.n = 15});
  const AuditOptions options = audit_options(scene, module("s2_odd_g"), "");
  const AuditResult measured = audit_measure(options, {}, false);
  const auto analysis = audit_analysis(measured, options, scene);
  // Compared with S2 and its fixed mask unless the asked scene names other variants.
  EXPECT_EQ(analysis->scene.compare, (std::vector<std::string>{"s2", "s2-fix-mask"}));
  Scene with_compare = scene;
  with_compare.compare = {"full"};
  EXPECT_EQ(audit_analysis(measured, options, with_compare)->scene.compare, std::vector<std::string>{"full"});
  EXPECT_EQ(analysis->heads(), 2);
  EXPECT_EQ(analysis->leaks[0].count(), 0);
  EXPECT_EQ(analysis->leaks[1].count(), 18);
  EXPECT_TRUE(analysis->leaks_at(1, 0, 1));
  // The last step holds the output: position 0 of the shifted head has query 1's result.
  const Step& last = analysis->trace().steps.back();
  EXPECT_EQ(last.token(0, 1), 1);
  EXPECT_EQ(last.token(14, 1), 0);
  EXPECT_EQ(last.token(0, 0), 0);
  EXPECT_NE(analysis->leak_explanation(1, 0, 1).find("output 0 holds the result of query 1"), std::string::npos)
      << analysis->leak_explanation(1, 0, 1);
}

// As every variant's steps (tests/core/step_why_test.cpp), every step of an audited module says
// why it is there: TorchScript modules and PyTorch 2's fused attention, token and result rows.
TEST(AuditAnalysis, EveryStepOfAnAuditedModuleHasAWhy) {
  for (const auto& [name, n] : std::vector<std::pair<std::string, int>>{
           {"s2_even_g", 16}, {"s2_odd_g", 15}, {"s2_sequence_first", 16}, {"s2_fix_mask", 16},
           {"causal", 16}, {"sdpa_causal", 16}, {"sdpa_window", 16}, {"sdpa_gqa", 16}}) {
    const Scene scene = test::test_scene({.n = n});
    const AuditOptions options = audit_options(scene, module(name), "");
    const auto analysis = audit_analysis(audit_measure(options, {}, false), options, scene);
    const auto& steps = analysis->trace().steps;
    ASSERT_FALSE(steps.empty()) << name;
    for (int i = 0; i < static_cast<int>(steps.size()); ++i)
      EXPECT_FALSE(step_text(*analysis, i).why.empty()) << name << ": step " << i << " (" << steps[i].name << ")";
  }
}

// The why-lines read their numbers off the module's own steps. LongLoRA's roll by -G/2 carries
// the first G/2 tokens to the end: tokens 0 and 1 for G = 4, 0, 1 and 2 for G = 5 (-5 // 2 = -3
// in Python); the view cuts the rows into groups of G.
TEST(AuditAnalysis, WhyLinesNameTheWrappedTokensAndTheGroupSize) {
  for (const auto& [name, n, g] : std::vector<std::tuple<std::string, int, int>>{{"s2_even_g", 16, 4}, {"s2_odd_g", 15, 5}}) {
    const Scene scene = test::test_scene({.n = n});
    const AuditOptions options = audit_options(scene, module(name), "");
    const auto analysis = audit_analysis(audit_measure(options, {}, false), options, scene);
    const int shift = -(g / 2) - (g % 2);  // Python's floor division of -G by 2
    std::vector<int> wrapped;
    for (int t = 0; t < -shift; ++t) wrapped.push_back(t);
    std::string wrapped_text = "[";
    for (size_t i = 0; i < wrapped.size(); ++i) wrapped_text += (i ? ", " : "") + std::to_string(wrapped[i]);
    wrapped_text += "]";
    const auto& steps = analysis->trace().steps;
    const auto first = [&](const std::string& op) {
      for (int i = 0; i < static_cast<int>(steps.size()); ++i)
        if (steps[i].name == op) return i;
      return -1;
    };
    const int roll = first("roll"), view = first("view");
    ASSERT_GE(roll, 0) << name;
    ASSERT_GE(view, 0) << name;
    EXPECT_NE(step_text(*analysis, roll).why.find("tokens " + wrapped_text + " wrap around"), std::string::npos)
        << name << ": " << step_text(*analysis, roll).why;
    EXPECT_NE(step_text(*analysis, view).why.find("groups of G = " + std::to_string(g) + " tokens"), std::string::npos)
        << name << ": " << step_text(*analysis, view).why;
    // The roll back moves results, not tokens.
    int last_roll = -1;
    for (int i = 0; i < static_cast<int>(steps.size()); ++i)
      if (steps[i].name == "roll") last_roll = i;
    EXPECT_NE(last_roll, roll) << name;
    EXPECT_NE(step_text(*analysis, last_roll).why.find("roll back"), std::string::npos) << step_text(*analysis, last_roll).why;
  }
}

TEST(AuditAnalysis, ExportDrawsTheModule) {
  const auto path = (std::filesystem::temp_directory_path() / "audit_export.svg").string();
  std::filesystem::remove(path);
  const auto r = cli({"export", "--audit", module("s2_even_g"), "--out", path});
  EXPECT_EQ(r.code, 0) << r.err;
  std::ifstream in(path);
  const std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The figure embeds what it drew: the module's dependency maps, as masks.
  EXPECT_NE(svg.find(R"("variant":"s2_even_g.pt")"), std::string::npos);
  EXPECT_NE(svg.find(R"("mask":true)"), std::string::npos);
  EXPECT_EQ(cli({"export", "--audit", module("raises"), "--out", path}).code, 2);
}

}  // namespace
}  // namespace attnscope
