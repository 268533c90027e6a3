// lint on the committed fixtures, written by PyTorch and NumPy the way frameworks save masks
// (tests/fixtures/masks/make_masks.py), and on damaged files the fuzzer found. Expected verdicts
// and cells are derived by hand from the way each fixture was built.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_test_support.hpp"

namespace attnscope {
namespace {

using test::cli;
using nlohmann::json;

std::string fixture(const std::string& name) {
  return std::string(ATTNSCOPE_SOURCE_DIR) + "/tests/fixtures/masks/" + name;
}

struct Verdict {
  std::string file;
  std::vector<std::string> flags;
  int exit_code;
  std::string kind;          // JSON "kind"
  int64_t total_leaks;
  std::string text;          // a substring of the text report
};

void PrintTo(const Verdict& v, std::ostream* os) {
  *os << v.file;
  for (const auto& f : v.flags) *os << " " << f;
}

class LintFixture : public testing::TestWithParam<Verdict> {};

TEST_P(LintFixture, GivesTheVerdictItsConstructionImplies) {
  const Verdict& v = GetParam();
  std::vector<std::string> args = {"lint", fixture(v.file)};
  args.insert(args.end(), v.flags.begin(), v.flags.end());
  const auto text = cli(args);
  EXPECT_EQ(text.code, v.exit_code) << text.out << text.err;
  EXPECT_NE(text.out.find(v.text), std::string::npos) << text.out;
  args.push_back("--json");
  const auto r = cli(args);
  ASSERT_EQ(r.code, v.exit_code) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["kind"], v.kind);
  EXPECT_EQ(j["total_leaks"], v.total_leaks);
}

const std::vector<std::string> kWindow4 = {"--policy", "window:4"};
const std::vector<std::string> kDocs = {"--cu-seqlens", "0,5,9,12"};

INSTANTIATE_TEST_SUITE_P(
    Formats, LintFixture,
    testing::Values(
        // transformers 4D additive masks in each dtype: the dtype's minimum is "blocked".
        Verdict{"hf_causal_f32.pt", {}, 0, "additive", 0, "float32 with values {-3.4028235e+38 (the float32 minimum), 0}: read as an additive mask, 0 = attend"},
        Verdict{"hf_causal_f16.pt", {}, 0, "additive", 0, "float16 with values {-65504 (the float16 minimum), 0}: read as an additive mask"},
        Verdict{"hf_causal_bf16.pt", {}, 0, "additive", 0, "(the bfloat16 minimum)"},
        Verdict{"hf_causal_f16.npy", {}, 0, "additive", 0, "float16 with values {-65504"},
        Verdict{"hf_causal_f16.pt", {}, 0, "additive", 0, "shape (2, 1, 8, 8): batch 2, heads 1 (broadcast), 8 tokens"},
        Verdict{"hf_sliding_f32.pt", kWindow4, 0, "additive", 0, "batch 0 head 0: 58 allowed, 0 leaks"},
        // q - k = 4 for every query from 4 on: 12 cells one key past the window.
        Verdict{"hf_sliding_plus_one_f32.pt", kWindow4, 1, "additive", 12, "window-off-by-one: batch 0 head 0: 12 queries read one key more than the window of 4"},
        // The broken port: blocked cells multiplied by 0 attend; 120 future cells of 16 x 16.
        Verdict{"hf_sliding_broken_f32.pt", {}, 1, "additive", 120, "no-causal-structure"},
        Verdict{"hf_sliding_broken_f32.pt", kWindow4, 1, "additive", 198, "float32 with only zeros: read as an additive mask"},
        // Both bool conventions.
        Verdict{"sdpa_causal_bool.npy", {}, 0, "bool", 0, "True = attend"},
        Verdict{"sdpa_causal_bool.pt", {}, 0, "bool", 0, "mask: 36 allowed, 0 leaks"},
        Verdict{"sdpa_leak_bool.pt", {}, 1, "bool", 1, "mask: 37 allowed, 1 leak: (q=0, k=7)"},
        Verdict{"mha_causal_blocked.pt", {}, 1, "bool", 28, "hint: read the other way round (True = blocked, as nn.MultiheadAttention takes bool masks), this is a clean causal mask: add --kind blocked"},
        Verdict{"mha_causal_blocked.pt", {"--kind", "blocked"}, 0, "blocked", 0, "mask: 36 allowed, 0 leaks"},
        Verdict{"causal_uint8.npy", {}, 0, "bool", 0, "uint8 with values {0, 1}: read as a bool mask, nonzero = attend"},
        Verdict{"causal_int64.npy", {}, 0, "bool", 0, "int64 with values {0, 1}"},
        // -inf additive masks, a finite bias.
        Verdict{"neg_inf_f32.npy", {}, 0, "additive", 0, "float32 with values {-inf, 0}"},
        Verdict{"neg_inf_f64.npy", {}, 0, "additive", 0, "float64 with values {-inf, 0}"},
        Verdict{"neg_inf_leak_f32.npy", {}, 1, "additive", 1, "(q=2, k=5)"},
        Verdict{"alibi_causal_f32.pt", {}, 0, "additive", 0, "are a bias, attend there"},
        // 4 heads x 28 future cells.
        Verdict{"alibi_no_causal_f32.pt", {}, 1, "additive", 112, "read as an additive bias, every cell attends"},
        Verdict{"empty_row_f32.pt", {}, 1, "additive", 0, "empty-row: mask: query 3 reads no key; softmax gives NaN there"},
        // Decode and prefill rectangles, both alignments.
        Verdict{"decode_step_bool.pt", {}, 0, "bool", 0, "1 query at position 11 of 12 keys (bottom-right)"},
        Verdict{"decode_step_bool.pt", {"--align", "top-left"}, 1, "bool", 11, "hint: with the queries at the last positions instead, this is a clean causal mask: add --align bottom-right"},
        Verdict{"prefill_chunk_bool.npy", {}, 0, "bool", 0, "4 queries at positions 8..11 of 12 keys (bottom-right)"},
        // Query i at position i reads keys up to i + 8.
        Verdict{"prefill_chunk_bool.npy", {"--align", "top-left"}, 1, "bool", 32, "(q=0, k=1)"},
        Verdict{"prefill_chunk_f16.pt", {}, 0, "additive", 0, "4 queries at positions 8..11"},
        Verdict{"prefill_topleft_bool.npy", {"--align", "top-left"}, 0, "bool", 0, "(top-left)"},
        Verdict{"prefill_topleft_bool.npy", {}, 1, "bool", 0, "blocked-diagonal: mask: queries 8, 9, 10, 11 cannot read their own key"},
        // Packed documents 5, 4, 3.
        Verdict{"packed_docs_bool.pt", kDocs, 0, "bool", 0, "judged against the documents:5,4,3 policy"},
        Verdict{"packed_docs_bool.pt", {"--policy", "documents:5,4,3"}, 0, "bool", 0, "clean"},
        // Document 2 reads document 1 (4 x 5), document 3 reads both (3 x 9).
        Verdict{"packed_causal_only_bool.pt", kDocs, 1, "bool", 47, "query 5 is in document 1 but key 0 is in document 0"},
        Verdict{"packed_encoder_bool.npy", {"--policy", "documents-bidirectional:5,4,3"}, 0, "bool", 0, "clean"},
        Verdict{"packed_encoder_bool.npy", {"--cu-seqlens", "0,5,9,12", "--policy", "bidirectional"}, 0, "bool", 0, "documents-bidirectional:5,4,3"},
        // Upper triangles inside the documents: 10 + 6 + 3.
        Verdict{"packed_encoder_bool.npy", kDocs, 1, "bool", 19, "comes after query"},
        // Broadcast axes and slices that differ (reported, not failing).
        Verdict{"broadcast_heads_bool.pt", {}, 0, "bool", 0, "batch 1 head 0: 36 allowed, 0 leaks"},
        Verdict{"batch_heads_differ_bool.pt", {}, 0, "bool", 0, "slices-differ: batch 0 head 1 differs from batch 0 head 0 in 1 cell, first at (q=2, k=1)"},
        // Weights.
        Verdict{"weights_causal_f32.npy", {}, 0, "weights", 0, "non-negative rows summing to 1"},
        Verdict{"weights_full_f32.npy", {}, 1, "weights", 28, "28 leaking cells"},
        // FlexAttention block masks: the full block (0, 1) holds 16 future cells.
        Verdict{"flex_causal_blocks.pt", {}, 0, "block-mask", 0, "FlexAttention block mask with blocks of 4x4"},
        Verdict{"flex_leak_blocks.pt", {}, 1, "block-mask", 16, "future-blocks: batch 0 head 0: 1 block holds keys the causal policy forbids: (q block 0, kv block 1, full)"}));

// The field bugs of 2025-26 (README: "Bugs from the field"), each beside its fixed twin.
const std::vector<std::string> kBlocks = {"--indices", "block", "--block-size", "4"};
const std::vector<std::string> kDecodeBlocks = {"--indices", "block", "--block-size", "4", "--n", "10"};
const std::vector<std::string> kTokens = {"--indices", "token"};

std::vector<std::string> with(std::vector<std::string> flags, const std::vector<std::string>& more) {
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

INSTANTIATE_TEST_SUITE_P(
    FieldBugs, LintFixture,
    testing::Values(
        // A decode step reading min(cache_len, W - 1) keys loses key q-3 = 12.
        Verdict{"window_short_decode_bool.npy", kWindow4, 1, "bool", 0, "window-short-by-one: mask: 1 query reads one key fewer than the window of 4 (key q-3 is blocked)"},
        Verdict{"window_decode_bool.npy", kWindow4, 0, "bool", 0, "clean"},
        // Rows 3..15 each lose key q-3.
        Verdict{"window_short_f32.pt", kWindow4, 1, "additive", 0, "window-short-by-one: batch 0 head 0: 13 queries read one key fewer"},
        // The window missing on a local layer: 10 cells of 8 x 8 are 4 or more keys back.
        Verdict{"sdpa_causal_bool.npy", kWindow4, 1, "bool", 10, "leak: mask: 10 cells the window:4 policy forbids"},
        // A window of 4 on a global layer: 58 of causal's 136 cells.
        Verdict{"global_layer_windowed_bool.npy", {}, 0, "bool", 0, "under-coverage: mask: blocks 78 of the 136 cells the causal policy allows (coverage 42.6%), e.g. (q=4, k=0)"},
        Verdict{"global_layer_windowed_bool.npy", {"--min-coverage", "1"}, 1, "bool", 0, "(coverage 42.6%), e.g. (q=4, k=0), below --min-coverage 1"},
        Verdict{"sdpa_causal_bool.npy", {"--min-coverage", "1"}, 0, "bool", 0, "clean"},
        Verdict{"decode_topleft_bool.npy", {}, 1, "bool", 0, "top-left-aligned: the 1 query of 16 keys is clean only read top-left"},
        Verdict{"decode_topleft_bool.npy", {"--align", "top-left"}, 0, "bool", 0, "clean"},
        Verdict{"prefill_topleft_bool.npy", {}, 1, "bool", 0, "top-left-aligned: the 4 queries of 12 keys are clean only read top-left"},
        // Queries 8..11 of a chunk without its mask read 3 + 2 + 1 later keys.
        Verdict{"chunk_no_mask_bool.npy", {}, 1, "bool", 6, "mask: 48 allowed, 6 leaks: (q=8, k=9)"},
        // Ring-buffer validity from the physical slot: rows 4, 8 lose 3 keys, 5, 9 two, 6, 10 one.
        Verdict{"ring_slot_validity_bool.npy", kWindow4, 0, "bool", 0, "under-coverage: mask: blocks 12 of the 42 cells the window:4 policy allows (coverage 71.4%), e.g. (q=4, k=1)"},
        Verdict{"ring_slot_validity_bool.npy", with(kWindow4, {"--min-coverage", "1"}), 1, "bool", 0, "1 finding, no leaks"},
        Verdict{"ring_logical_bool.npy", with(kWindow4, {"--min-coverage", "1"}), 0, "bool", 0, "clean"},
        // Five real tokens read three pad tokens.
        Verdict{"left_padding_causal_bool.pt", {"--cu-seqlens", "0,3,8"}, 1, "bool", 15, "query 3 is in document 1 but key 0 is in document 0"},
        Verdict{"left_padding_masked_bool.pt", {"--cu-seqlens", "0,3,8"}, 0, "bool", 0, "clean"},
        Verdict{"finite_sentinel_f32.pt", {}, 1, "additive", 0, "finite-sentinel: blocked cells hold the finite value -10000: a blocked key whose score (q\u00b7k\u1d40/\u221aD) exceeds an allowed key's by 10000 or more outweighs it"},
        Verdict{"sentinel_1e9_f32.npy", {}, 0, "additive", 0, "clean"},
        Verdict{"added_zero_one_f32.npy", {}, 0, "bool", 0, "float32 with values {0, 1}: read as a 0/1 mask, 1 = attend"},
        Verdict{"added_zero_one_f32.npy", {"--kind", "additive"}, 1, "additive", 28, "no-causal-structure"},
        // The wrapped window (tokens 6, 7 | 0, 1): 2 x 2 cells each way.
        Verdict{"swin_shift_no_region_mask_bool.npy", {"--policy", "documents-bidirectional:4,2,2"}, 1, "bool", 8, "mask: 32 allowed, 8 leaks"},
        Verdict{"swin_shift_no_region_mask_bool.npy", {"--policy", "documents-bidirectional:4,4"}, 0, "bool", 0, "clean"},
        Verdict{"swin_shift_region_mask_bool.npy", {"--policy", "documents-bidirectional:4,2,2"}, 0, "bool", 0, "clean"},
        Verdict{"swin_shift_region_mask_bool.npy", {"--policy", "documents-bidirectional:4,4", "--min-coverage", "1"}, 1, "bool", 0, "under-coverage: mask: blocks 8 of the 32 cells the documents-bidirectional:4,4 policy allows (coverage 75.0%)"}));

INSTANTIATE_TEST_SUITE_P(
    IndexLists, LintFixture,
    testing::Values(
        // Each query's own block holds its later keys: 6 per block of 4, as the list says.
        Verdict{"nsa_prefill_blocks.npy", kBlocks, 1, "block-indices", 24, "int64 block indices, 3 per query: the blocks of 4 keys each query selects, -1 = padding, read as the mask they imply over 16 keys"},
        // Queries 0..3 also read blocks 1 and 2, queries 4..7 block 2: 24 + 4 x 8 + 4 x 4.
        Verdict{"nsa_prefill_future_blocks.npy", kBlocks, 1, "block-indices", 72, "index-future: mask: 12 entries select a block after their query, which the causal policy forbids, e.g. query 0 selects block 1 (keys 4..7)"},
        Verdict{"nsa_prefill_zero_blocks.npy", kBlocks, 1, "block-indices", 24, "duplicate-index: mask: 8 queries list the same block more than once, e.g. query 0 lists block 0 3 times"},
        Verdict{"nsa_decode_blocks.npy", kDecodeBlocks, 0, "block-indices", 0, "1 query at position 9 of 10 keys (bottom-right)"},
        Verdict{"nsa_decode_pad_past_end.npy", kDecodeBlocks, 1, "block-indices", 0, "index-out-of-range: batch 0 head 0: 1 entry outside blocks 0..2 (10 keys in blocks of 4) and not the padding value -1, e.g. query 9 lists block 3"},
        Verdict{"nsa_decode_pad_past_end.npy", with(kDecodeBlocks, {"--invalid", "3"}), 0, "block-indices", 0, "clean"},
        Verdict{"dsa_topk_tokens.npy", kTokens, 0, "token-indices", 0, "int32 token indices, 4 per query"},
        Verdict{"dsa_topk_nomask_tokens.npy", kTokens, 1, "token-indices", 26, "index-future: mask: 26 entries select a key after their query, which the causal policy forbids, e.g. query 0 selects key 13"},
        Verdict{"minference_vertical_unsorted.npy", with(kTokens, {"--require-sorted", "ascending"}), 1, "token-indices", 0, "unsorted-indices: mask: 15 queries list their keys out of ascending order, which the kernel requires (--require-sorted ascending), e.g. query 1 lists 1, 0, -1"},
        Verdict{"minference_vertical_sorted.npy", with(kTokens, {"--require-sorted", "ascending"}), 0, "token-indices", 0, "clean"},
        Verdict{"minference_vertical_sorted.npy", with(kTokens, {"--require-sorted", "descending"}), 1, "token-indices", 0, "e.g. query 1 lists 0, 1, -1"},
        Verdict{"packed_offset_tokens.npy", with(kTokens, kDocs), 0, "token-indices", 0, "clean"},
        // Document 1's queries 5..8 read key 4, document 2's 9..11 key 8.
        Verdict{"packed_offset_bug_tokens.npy", with(kTokens, kDocs), 1, "token-indices", 7, "query 5 is in document 1 but key 4 is in document 0"}));

// Every finding added for the field bugs fires on its fixture and stays silent on the twin.
struct FindingCase {
  std::string finding;
  std::vector<std::string> fires, silent;  // a fixture's name, then flags
};

void PrintTo(const FindingCase& c, std::ostream* os) { *os << c.finding; }

class LintFindingFires : public testing::TestWithParam<FindingCase> {};

std::vector<std::string> finding_classes(std::vector<std::string> args) {
  args[0] = fixture(args[0]);
  args.insert(args.begin(), "lint");
  args.push_back("--json");
  const auto r = cli(args);
  EXPECT_NE(r.code, 2) << r.err;
  std::vector<std::string> classes;
  if (r.code == 2) return classes;
  const json report = json::parse(r.out);
  for (const auto& f : report["findings"]) classes.push_back(f["class"]);
  return classes;
}

TEST_P(LintFindingFires, OnItsFixtureAndNotOnTheTwin) {
  const FindingCase& c = GetParam();
  const auto count = [&](const std::vector<std::string>& args) {
    const auto classes = finding_classes(args);
    return std::count(classes.begin(), classes.end(), c.finding);
  };
  EXPECT_GE(count(c.fires), 1) << c.fires[0];
  EXPECT_EQ(count(c.silent), 0) << c.silent[0];
}

INSTANTIATE_TEST_SUITE_P(
    NewFindings, LintFindingFires,
    testing::Values(
        FindingCase{"window-short-by-one", {"window_short_decode_bool.npy", "--policy", "window:4"}, {"window_decode_bool.npy", "--policy", "window:4"}},
        FindingCase{"window-short-by-one", {"window_short_f32.pt", "--policy", "window:4"}, {"hf_sliding_f32.pt", "--policy", "window:4"}},
        // Not every blocked cell is the window's oldest key: only under-coverage.
        FindingCase{"under-coverage", {"ring_slot_validity_bool.npy", "--policy", "window:4"}, {"ring_logical_bool.npy", "--policy", "window:4"}},
        FindingCase{"under-coverage", {"global_layer_windowed_bool.npy"}, {"sdpa_causal_bool.npy"}},
        FindingCase{"finite-sentinel", {"finite_sentinel_f32.pt"}, {"sentinel_1e9_f32.npy"}},
        FindingCase{"finite-sentinel", {"finite_sentinel_f32.pt"}, {"hf_causal_f16.pt"}},
        FindingCase{"top-left-aligned", {"decode_topleft_bool.npy"}, {"decode_step_bool.pt"}},
        FindingCase{"top-left-aligned", {"prefill_topleft_bool.npy"}, {"prefill_chunk_bool.npy"}},
        FindingCase{"index-future", {"nsa_prefill_future_blocks.npy", "--indices", "block", "--block-size", "4"}, {"nsa_prefill_blocks.npy", "--indices", "block", "--block-size", "4"}},
        FindingCase{"index-future", {"dsa_topk_nomask_tokens.npy", "--indices", "token"}, {"dsa_topk_tokens.npy", "--indices", "token"}},
        FindingCase{"duplicate-index", {"nsa_prefill_zero_blocks.npy", "--indices", "block", "--block-size", "4"}, {"nsa_prefill_blocks.npy", "--indices", "block", "--block-size", "4"}},
        FindingCase{"index-out-of-range", {"nsa_decode_pad_past_end.npy", "--indices", "block", "--block-size", "4", "--n", "10"}, {"nsa_decode_blocks.npy", "--indices", "block", "--block-size", "4", "--n", "10"}},
        FindingCase{"unsorted-indices", {"minference_vertical_unsorted.npy", "--indices", "token", "--require-sorted", "ascending"}, {"minference_vertical_sorted.npy", "--indices", "token", "--require-sorted", "ascending"}},
        // Without a required order, any order is the kernel's.
        FindingCase{"unsorted-indices", {"minference_vertical_unsorted.npy", "--indices", "token", "--require-sorted", "ascending"}, {"minference_vertical_unsorted.npy", "--indices", "token"}}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(LintIndexList, FindingCellsNameTheQueryAndTheIndexAsListed) {
  const auto r = cli({"lint", fixture("nsa_prefill_future_blocks.npy"), "--indices", "block", "--block-size", "4", "--json"});
  ASSERT_EQ(r.code, 1) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["kind"], "block-indices");
  EXPECT_EQ(j["dtype"], "int64");
  EXPECT_EQ(j["shape"], (json{16, 3}));
  for (const auto& f : j["findings"])
    if (f["class"] == "index-future") EXPECT_EQ(f["cells"][0], (json{0, 1}));
  // A block holding the query and later keys is not after it: query 0's block 0 leaks keys 1..3.
  EXPECT_EQ(j["per_head"][0]["leaks"][0], (json{0, 1}));
}

TEST(LintFixtureJson, FindingsCarryTheirClassAndCells) {
  const auto r = cli({"lint", fixture("hf_sliding_plus_one_f32.pt"), "--policy", "window:4", "--json"});
  ASSERT_EQ(r.code, 1);
  const json j = json::parse(r.out);
  std::vector<std::string> classes;
  for (const auto& f : j["findings"]) classes.push_back(f["class"]);
  EXPECT_EQ(classes, (std::vector<std::string>{"leak", "window-off-by-one"}));
  EXPECT_EQ(j["findings"][1]["cells"][0], (json{4, 0}));
  EXPECT_EQ(j["dtype"], "float32");
  const auto decode = json::parse(cli({"lint", fixture("decode_step_bool.pt"), "--json"}).out);
  EXPECT_EQ(decode["first_query"], 11);
  EXPECT_EQ(decode["queries"], 1);
  const auto blocked = json::parse(cli({"lint", fixture("mha_causal_blocked.pt"), "--json"}).out);
  EXPECT_EQ(blocked["hints"][0]["flag"], "--kind blocked");
  const auto differ = json::parse(cli({"lint", fixture("batch_heads_differ_bool.pt"), "--json"}).out);
  int differing = 0;
  for (const auto& f : differ["findings"]) differing += f["class"] == "slices-differ" && !f["fails"];
  EXPECT_EQ(differing, 3);
}

TEST(LintFixtureBad, MalformedFilesExitTwoWithAMessage) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{fixture("bad_shape_5d.npy")}, "lint expects (N, N), (H, N, N) or (B, H, N, N)"},
      {{fixture("bad_more_queries_than_keys.npy")}, "6 queries but only 4 keys"},
      {{fixture("bad_nan_f32.npy")}, "holds NaN at batch 0, head 0, query row 1, key 2"},
      {{fixture("bad_complex.npy")}, "dtype <c8; save the mask as bool, int, float16, float32 or float64"},
      {{fixture("bad_truncated.npy")}, "the file is truncated"},
      {{fixture("bad_truncated.pt")}, "is not a tensor saved by torch.save"},
      {{fixture("bad_list.pt")}, ", not a tensor; save the mask itself"},
      {{fixture("bad_flex_missing_indices.pt")}, "is a dict without 'kv_indices'"},
      // Found by tests/fuzz/fuzz_pt_mask: zip offsets past the end of the file, which LibTorch's
      // in-memory reader followed out of its buffer; a tensor whose sizes and strides reach past
      // its storage, which LibTorch rebuilds unchecked; a quantized dtype whose conversion
      // aborted; a file on which LibTorch's reader corrupts its heap (contained in the child).
      {{fixture("bad_zip_offsets.pt")}, "is not a tensor saved by torch.save (PytorchStreamReader failed"},
      {{fixture("bad_past_storage.pt")}, "its sizes and strides reach past its storage"},
      {{fixture("bad_quantized.pt")}, "holds a QUInt2x4 tensor; save the mask as bool, int or float"},
      {{fixture("bad_libtorch_crash.pt")}, "bad_libtorch_crash.pt: LibTorch's reader"},
      // Also found by it, inside LibTorch's unpickler and contained in the child: an opcode that
      // pops an empty stack, and a string length of 4 GiB that LibTorch reserves before reading.
      {{fixture("bad_unpickler_underflow.pt")}, "bad_unpickler_underflow.pt: LibTorch's reader"},
      {{fixture("bad_huge_string.pt")}, "LibTorch's reader needed more than the memory budget"},
      {{fixture("bad_expanded_huge.pt")}, "holds a tensor of more than 2^28 elements"},
      // Messages quote names from the file; their escape sequences must not reach a terminal.
      {{fixture("bad_escape_name.pt")}, "not in a subdirectory: ?[2Jname)"},
      {{fixture("bad_escape_key.pt")}, "entry '?[2Jkey' holds a String"},
      {{fixture("packed_docs_bool.pt"), "--cu-seqlens", "0,5,9"}, "cu-seqlens: offsets must start at 0 and end at 12"},
      {{fixture("packed_docs_bool.pt"), "--cu-seqlens", "0,9,5,12"}, "cu-seqlens: offsets must increase"},
      {{fixture("packed_docs_bool.pt"), "--policy", "documents:0,5,9,12"}, "document lengths must be positive"},
      {{fixture("packed_docs_bool.pt"), "--policy", "window:0"}, "window:W needs W >= 1"},
      {{fixture("sdpa_causal_bool.pt"), "--kind", "additive"}, "--kind additive needs a float mask, but the file holds bool"},
      {{fixture("decode_step_bool.pt"), "--align", "sideways"}, "align: unknown alignment 'sideways'"},
      // Index lists.
      {{fixture("bad_indices_float.npy"), "--indices", "token"}, "bad_indices_float.npy holds float32; an index list holds integers"},
      {{fixture("sdpa_causal_bool.npy"), "--indices", "token"}, "holds bool; an index list holds integers"},
      {{fixture("nsa_prefill_blocks.npy"), "--indices", "block"}, "block-size: --indices block needs --block-size B"},
      {{fixture("nsa_prefill_blocks.npy"), "--indices", "sideways"}, "indices: unknown unit 'sideways'"},
      {{fixture("nsa_prefill_blocks.npy"), "--block-size", "4"}, "add --indices block or --indices token"},
      {{fixture("nsa_prefill_blocks.npy"), "--indices", "block", "--block-size", "0"}, "block-size: give the number of keys per block"},
      {{fixture("dsa_topk_tokens.npy"), "--indices", "token", "--block-size", "4"}, "a token list's entries are keys"},
      {{fixture("dsa_topk_tokens.npy"), "--indices", "token", "--n", "8"}, "dsa_topk_tokens.npy has shape (16, 4); 16 queries but --n 8 keys"},
      {{fixture("dsa_topk_tokens.npy"), "--indices", "token", "--require-sorted", "up"}, "require-sorted: unknown order 'up'"},
      {{fixture("dsa_topk_tokens.npy"), "--indices", "token", "--kind", "bool"}, "kind: --kind reads a mask's values"},
      {{fixture("flex_causal_blocks.pt"), "--indices", "block", "--block-size", "4"}, "holds a dict of tensors; --indices reads one integer tensor"},
      {{fixture("sdpa_causal_bool.npy"), "--min-coverage", "2"}, "min-coverage: give a share of the policy's cells between 0 and 1"},
  };
  for (const auto& [args, message] : cases) {
    std::vector<std::string> full = {"lint"};
    full.insert(full.end(), args.begin(), args.end());
    const auto r = cli(full);
    EXPECT_EQ(r.code, 2) << args[0];
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

}  // namespace
}  // namespace attnscope
