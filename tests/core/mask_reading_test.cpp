// The mask readers and the policies lint judges against, on the committed .npy fixtures
// (written by NumPy) and on hand-built values. Expected cells are derived by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/analysis/analysis.hpp"
#include "core/masks/block_mask.hpp"
#include "core/masks/mask_file.hpp"
#include "core/masks/mask_lint.hpp"
#include "core/masks/mask_reading.hpp"
#include "core/masks/user_mask.hpp"
#include "core/tensors/npy_format.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

std::string fixture(const std::string& name) {
  return std::string(ATTNSCOPE_SOURCE_DIR) + "/tests/fixtures/masks/" + name;
}

TEST(MaskFile, Float16NpyValuesAreDecoded) {
  const MaskFile file = mask_file_open(fixture("hf_causal_f16.npy"));
  EXPECT_EQ(file.dtype_name, "float16");
  EXPECT_EQ(file.shape, (std::vector<long>{1, 1, 8, 8}));
  EXPECT_FALSE(file.tensor) << "a C-ordered .npy streams from disk";
  const MaskTensor t = mask_file_tensor(file);
  EXPECT_EQ(t.values[0], 0.f);
  EXPECT_EQ(t.values[1], -65504.f);  // query 0 must not read key 1
  EXPECT_EQ(t.values[8 + 1], 0.f);
}

TEST(MaskFile, RowsStreamInChunksAcrossSlices) {
  // 3 slices of 1300 x 4000 bytes: 4 MiB chunks end mid-slice, and no chunk divides a slice.
  const std::string path = (std::filesystem::temp_directory_path() / "attnscope_stream.npy").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << npy_header_text("|b1", {3, 1300, 4000});
    for (int s = 0; s < 3; ++s)
      for (int q = 0; q < 1300; ++q)
        for (int k = 0; k < 4000; ++k) out << char(k == q + s);
  }
  const MaskScan scan = mask_scan(mask_file_open(path));
  ASSERT_EQ(scan.nonzero.size(), 3u);
  for (int s = 0; s < 3; ++s) {
    EXPECT_EQ(scan.nonzero[s].count(), 1300);
    EXPECT_TRUE(scan.nonzero[s].contains(1299, 1299 + s));
    EXPECT_FALSE(scan.nonzero[s].contains(1299, 1299 + s + 1));
  }
  std::filesystem::remove(path);
}

TEST(MaskReading, ChoosesTheReadingFromTheValues) {
  const auto read = [](const std::string& name) {
    return mask_reading(mask_scan(mask_file_open(fixture(name))), MaskKind::Auto);
  };
  EXPECT_EQ(read("neg_inf_f32.npy").kind, MaskKind::Additive);
  EXPECT_EQ(read("hf_causal_f16.npy").kind, MaskKind::Additive);
  EXPECT_EQ(read("weights_causal_f32.npy").kind, MaskKind::Weights);
  EXPECT_EQ(read("sdpa_causal_bool.npy").kind, MaskKind::Boolean);
  EXPECT_EQ(read("causal_uint8.npy").kind, MaskKind::Boolean);
  const MaskReading additive = read("hf_causal_f16.npy");
  EXPECT_EQ(additive.cells[0].count(), 36);
  EXPECT_TRUE(additive.cells[0].contains(7, 0));
  EXPECT_FALSE(additive.cells[0].contains(0, 1));
  // Blocked reads the complement: True = masked.
  const MaskScan bools = mask_scan(mask_file_open(fixture("sdpa_causal_bool.npy")));
  const MaskReading blocked = mask_reading(bools, MaskKind::Blocked);
  EXPECT_EQ(blocked.cells[0].count(), 28);
  EXPECT_TRUE(blocked.cells[0].contains(0, 1));
  EXPECT_FALSE(blocked.cells[0].contains(0, 0));
  EXPECT_THROW(mask_reading(bools, MaskKind::Additive), InputError);
}

TEST(MaskShape, AcceptsBroadcastAndRectangularShapes) {
  const MaskShape s = mask_shape_of({2, 1, 4, 12}, "m");
  EXPECT_EQ(s.batch, 2);
  EXPECT_EQ(s.heads, 1);
  EXPECT_EQ(s.queries, 4);
  EXPECT_EQ(s.keys, 12);
  EXPECT_EQ(s.slice_batch(1), 1);
  EXPECT_THROW(mask_shape_of({12, 4}, "m"), InputError);
  EXPECT_THROW(mask_shape_of({12}, "m"), InputError);
  EXPECT_THROW(mask_shape_of({1, 1, 1, 4, 4}, "m"), InputError);
}

TEST(MaskLint, RectangularRowsSitAtTheirPositions) {
  // One decode row reading keys 0..5 of 6: clean at position 5, leaking at position 0.
  MaskShape shape = mask_shape_of({1, 6}, "m");
  RowRuns row(1, 6);
  row.append_row({{0, 6}});
  const Policy causal = policy_parse("causal", 6);
  const MaskLint bottom = mask_lint({row}, shape, causal, MaskAlign::BottomRight, "");
  EXPECT_EQ(bottom.first_query, 5);
  EXPECT_FALSE(bottom.fails());
  const MaskLint top = mask_lint({row}, shape, causal, MaskAlign::TopLeft, "");
  EXPECT_EQ(top.total_leaks(), 5);
  EXPECT_EQ(top.findings.front().cells.front(), (std::pair<int, int>{0, 1}));
}

TEST(Policy, WindowDocumentsBidirectionalAndCuSeqlens) {
  const Policy window = policy_parse("window:3", 8);
  EXPECT_TRUE(policy_allows(window, 5, 3));   // q - k = 2 < 3
  EXPECT_FALSE(policy_allows(window, 5, 2));  // q - k = 3: one key more than the window
  EXPECT_FALSE(policy_allows(window, 5, 6));
  EXPECT_NE(policy_reason(window, 5, 2).find("one key more than the window of 3"), std::string::npos);
  const Policy encoder = policy_parse("documents-bidirectional:3,5", 8);
  EXPECT_TRUE(policy_allows(encoder, 0, 2));
  EXPECT_FALSE(policy_allows(encoder, 2, 3));
  EXPECT_TRUE(policy_allows(encoder, 3, 7));
  for (const std::string text : {"window:3", "documents-bidirectional:3,5"}) {
    const Policy p = policy_parse(text, 8);
    EXPECT_EQ(policy_name(p), text);
    const RowRuns cells = policy_allowed_cells(p, 8);
    for (int q = 0; q < 8; ++q)
      for (int k = 0; k < 8; ++k) EXPECT_EQ(cells.contains(q, k), policy_allows(p, q, k)) << text;
  }
  const Policy packed = policy_with_cu_seqlens(policy_parse("causal", 8), {0, 3, 8}, 8);
  EXPECT_EQ(policy_name(packed), "documents:3,5");
  EXPECT_EQ(policy_name(policy_with_cu_seqlens(policy_parse("bidirectional", 8), {0, 3, 8}, 8)),
            "documents-bidirectional:3,5");
  EXPECT_THROW(policy_with_cu_seqlens(packed, {0, 3, 8}, 8), InputError);
  EXPECT_THROW(policy_with_cu_seqlens(policy_parse("causal", 8), {0, 3, 7}, 8), InputError);
  EXPECT_THROW(policy_parse("window:0", 8), InputError);
}

TEST(FlashVariant, WindowSizeWWReadsTwoWPlusOneKeysInsideItsSequence) {
  Scene s = test::test_scene(
      {.variant = "flash", .n = 12, .heads = 1, .params = {{"cu-seqlens", "0,5,12"}, {"window-size", "2,2"}}});
  const auto a = analyze(s);
  // Query 7 (second sequence, starting at 5) reads 5..9: 2w + 1 = 5 keys.
  for (int k = 0; k < 12; ++k) EXPECT_EQ(a->allowed(0, 7, k), k >= 5 && k <= 9) << k;
  // Query 4 is the last of the first sequence: keys 2..4, never 5.
  EXPECT_TRUE(a->allowed(0, 4, 2));
  EXPECT_FALSE(a->allowed(0, 4, 5));
  s.params["causal"] = "true";
  const auto causal = analyze(s);
  EXPECT_EQ(causal->metrics.total_leaks, 0);
  for (int k = 0; k < 12; ++k) EXPECT_EQ(causal->allowed(0, 7, k), k >= 5 && k <= 7) << k;
  s.params["cu-seqlens"] = "0,5,11";
  EXPECT_THROW(analyze(s), InputError);
}

TEST(BlockMask, ExpandsFullBlocksAndJudgesBlocks) {
  // N = 8, blocks of 4: query block 1 lists key block 0 as full and block 1 as partial; query
  // block 0 lists key block 1 as full (entirely in the future).
  MaskTensor dict;
  dict.source = "dict";
  const auto tensor = [](std::vector<long> shape, std::vector<float> values) {
    MaskTensor t;
    t.dtype = MaskTensor::DType::Int;
    t.shape = std::move(shape);
    t.values = std::move(values);
    return t;
  };
  dict.entry_names = {"kv_num_blocks", "kv_indices", "full_kv_num_blocks", "full_kv_indices", "BLOCK_SIZE"};
  dict.entries = {tensor({1, 1, 2}, {1, 1}), tensor({1, 1, 2, 2}, {0, 0, 1, 0}),
                  tensor({1, 1, 2}, {1, 1}), tensor({1, 1, 2, 2}, {1, 0, 0, 0}), tensor({}, {4})};
  const BlockMask blocks = block_mask_from(dict);
  EXPECT_EQ(blocks.shape.keys, 8);
  const Policy causal = policy_parse("causal", 8);
  const std::vector<RowRuns> cells = block_mask_cells(blocks, causal, MaskAlign::BottomRight);
  // Query 1: partial diagonal block as causal (0, 1), the full future block 4..7.
  for (int k = 0; k < 8; ++k) EXPECT_EQ(cells[0].contains(1, k), k <= 1 || k >= 4) << k;
  // Query 6: full block 0..3, partial diagonal block causal 4..6.
  for (int k = 0; k < 8; ++k) EXPECT_EQ(cells[0].contains(6, k), k <= 6) << k;
  const auto findings = block_mask_findings(blocks, causal, MaskAlign::BottomRight);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].cells, (std::vector<std::pair<int, int>>{{0, 1}}));
  dict.entry_names[1] = "renamed";
  EXPECT_THROW(block_mask_from(dict), InputError);
}

}  // namespace
}  // namespace attnscope
