// Users' q, k, v assembled from tensor files: found by name, packed or split, in both layouts,
// with grouped key/value heads and several layers, each head equal to what the generator wrote
// (tests/fixtures/tensors/make_tensors.py); and every way a file can be wrong, refused in one line.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/tensors/pt_reader.hpp"
#include "core/tensors/qkv_tensors.hpp"
#include "tests/core/tensor_support.hpp"

namespace attnscope {
namespace {

using test::expected_head;
using test::kB;
using test::kD;
using test::kH;
using test::kN;
using test::max_difference;
using test::refusal;
using test::tensor_fixture;

QkvTensors assembled(const std::string& name, const QkvOptions& options = {}) {
  return qkv_tensors(TensorFile::open(tensor_fixture(name)), options);
}

// Every batch row and head against the formula.
void expect_heads(const QkvTensors& qkv, float tolerance, int kv_heads = kH, int layer = 0) {
  ASSERT_EQ(qkv.batch(), kB);
  ASSERT_EQ(qkv.n(), kN);
  ASSERT_EQ(qkv.heads(), kH);
  ASSERT_EQ(qkv.kv_heads(), kv_heads);
  ASSERT_EQ(qkv.d(), kD);
  for (int b = 0; b < kB; ++b)
    for (int h = 0; h < kH; ++h) {
      const QkvHead head = qkv.head(b, h);
      const int kv = h / (kH / kv_heads);
      EXPECT_LE(max_difference(head.q, expected_head(0, b, h, kH, layer)), tolerance) << b << "," << h;
      EXPECT_LE(max_difference(head.k, expected_head(1, b, kv, kv_heads, layer)), tolerance) << b << "," << h;
      EXPECT_LE(max_difference(head.v, expected_head(2, b, kv, kv_heads, layer)), tolerance) << b << "," << h;
    }
}

TEST(QkvTensors, SplitQkvInEveryFormatAndFloatType) {
  expect_heads(assembled("qkv_f32.npz"), test::kF32Tolerance);
  expect_heads(assembled("qkv_f32_compressed.npz"), test::kF32Tolerance);
  expect_heads(assembled("qkv_f64_compressed.npz"), test::kF32Tolerance);
  expect_heads(assembled("qkv_query_key_value_f16.npz"), test::kF16Tolerance);
  expect_heads(assembled("qkv_f32.safetensors"), test::kF32Tolerance);
  expect_heads(assembled("qkv_f16.safetensors"), test::kF16Tolerance);
  expect_heads(assembled("qkv_bf16.safetensors"), test::kBF16Tolerance);
}

TEST(QkvTensors, TheDescriptionSaysWhatWasReadAsWhatAndWhy) {
  const std::string read = assembled("qkv_f32.npz").description();
  EXPECT_NE(read.find("read q, k, v from 'q', 'k', 'v' of "), std::string::npos) << read;
  EXPECT_NE(read.find("as (B=2, N=8, H=4, D=8), layout bnhd (the default; --qkv-layout bhnd for (B, H, N, D))"),
            std::string::npos)
      << read;
  EXPECT_NE(read.find("because the file names them so"), std::string::npos) << read;
  EXPECT_EQ(read.find("converted"), std::string::npos) << read;
  const std::string bf16 = assembled("qkv_bf16.safetensors").description();
  EXPECT_NE(bf16.find("; bfloat16 converted to float32"), std::string::npos) << bf16;
  const std::string names = assembled("qkv_query_key_value_f16.npz").description();
  EXPECT_NE(names.find("from 'query', 'key', 'value'"), std::string::npos) << names;
}

TEST(QkvTensors, LayoutBhndReadsTheTransposedTensorsAsTheSameHeads) {
  QkvOptions options;
  options.layout = QkvLayout::Bhnd;
  const QkvTensors qkv = assembled("qkv_bhnd_f32.npz", options);
  expect_heads(qkv, test::kF32Tolerance);
  EXPECT_NE(qkv.description().find("layout bhnd (--qkv-layout)"), std::string::npos) << qkv.description();
  // Read in the default layout the same file is (B=2, N=4, H=8, D=8): wrong, but legal.
  EXPECT_EQ(assembled("qkv_bhnd_f32.npz").heads(), kN);
  EXPECT_EQ(qkv_layout_parse("bhnd"), QkvLayout::Bhnd);
  EXPECT_NE(refusal([] { qkv_layout_parse("nbhd"); }).find("--qkv-layout 'nbhd': give bnhd"), std::string::npos);
}

TEST(QkvTensors, RankThreeTensorsAreOneBatchRow) {
  const QkvTensors qkv = assembled("qkv_rank3_f32.npz");
  EXPECT_EQ(qkv.batch(), 1);
  EXPECT_EQ(qkv.heads(), kH);
  for (int h = 0; h < kH; ++h) EXPECT_LE(max_difference(qkv.head(0, h).k, expected_head(1, 0, h)), test::kF32Tolerance);
  EXPECT_NE(qkv.description().find("B = 1 for tensors without a batch axis"), std::string::npos) << qkv.description();
}

TEST(QkvTensors, GroupedQueryHeadsShareKeyValueHeads) {
  const QkvTensors qkv = assembled("qkv_gqa_f32.safetensors");
  expect_heads(qkv, test::kF32Tolerance, test::kHkv);
  // Query heads 0 and 1 read key/value head 0; heads 2 and 3 head 1.
  EXPECT_EQ(qkv.head(1, 0).k, qkv.head(1, 1).k);
  EXPECT_EQ(qkv.head(1, 2).v, qkv.head(1, 3).v);
  EXPECT_NE(qkv.head(1, 1).k, qkv.head(1, 2).k);
  EXPECT_NE(qkv.description().find("k and v have 2 heads shared by 2 query heads each"), std::string::npos)
      << qkv.description();
}

TEST(QkvTensors, PackedQkvFromASingleTensorOrANamedOne) {
  const QkvTensors single = assembled("packed_qkv_f32.npy");
  expect_heads(single, test::kF32Tolerance);
  EXPECT_NE(single.description().find("from the packed 'packed_qkv_f32'"), std::string::npos) << single.description();
  EXPECT_NE(single.description().find("packed as (B, N, 3, H, D), because it is the file's only tensor"),
            std::string::npos)
      << single.description();
  const QkvTensors named = assembled("packed_qkv_f16.safetensors");
  expect_heads(named, test::kF16Tolerance);
  EXPECT_NE(named.description().find("because it is named qkv"), std::string::npos) << named.description();
  QkvOptions bhnd;
  bhnd.layout = QkvLayout::Bhnd;
  const std::string refused = refusal([&] { assembled("packed_qkv_f32.npy", bhnd); });
  EXPECT_NE(refused.find("is a packed qkv, always (B, N, 3, H, D); leave out --qkv-layout bhnd"), std::string::npos)
      << refused;
}

TEST(QkvTensors, NamesOverrideTheRule) {
  QkvOptions options;
  options.names = "q=k,k=q,v=v";
  const QkvTensors swapped = assembled("qkv_f32.npz", options);
  EXPECT_LE(max_difference(swapped.head(0, 0).q, expected_head(1, 0, 0)), test::kF32Tolerance);
  EXPECT_NE(swapped.description().find("from 'k', 'q', 'v'"), std::string::npos) << swapped.description();
  EXPECT_NE(swapped.description().find("because --qkv-key names them"), std::string::npos);
  options.names = "qkv=qkv";
  expect_heads(assembled("packed_qkv_f16.safetensors", options), test::kF16Tolerance);
  options.names = "q=q,k=k";
  EXPECT_NE(refusal([&] { assembled("qkv_f32.npz", options); }).find("--qkv-key 'q=q,k=k': no v is given"),
            std::string::npos);
  options.names = "q=q,k=k,v=w";
  const std::string missing = refusal([&] { assembled("qkv_f32.npz", options); });
  EXPECT_NE(missing.find("has no entry 'w' (from --qkv-key v=w); entries found: 'q' (float32, (2, 8, 4, 8))"),
            std::string::npos)
      << missing;
  options.names = "q=q,x=k";
  EXPECT_NE(refusal([&] { assembled("qkv_f32.npz", options); }).find("'x' is not q, k, v or qkv"), std::string::npos);
}

TEST(QkvTensors, LayersByNameAreChosenWithTheLayerOption) {
  const std::string unchosen = refusal([] { assembled("layers_named_f32.safetensors"); });
  EXPECT_NE(unchosen.find("holds q, k, v of several layers (0, 1, 2); choose one with --layer"), std::string::npos)
      << unchosen;
  QkvOptions options;
  options.layer = 2;
  const QkvTensors layer2 = assembled("layers_named_f32.safetensors", options);
  expect_heads(layer2, test::kF32Tolerance, kH, 2);
  EXPECT_NE(layer2.description().find("from 'model.layers.2.self_attn.q', 'model.layers.2.self_attn.k'"),
            std::string::npos)
      << layer2.description();
  EXPECT_NE(layer2.description().find("layer 2 (the names carry layers 0, 1, 2)"), std::string::npos)
      << layer2.description();
  options.layer = 7;
  const std::string absent = refusal([&] { assembled("layers_named_f32.safetensors", options); });
  EXPECT_NE(absent.find("has no q, k, v of layer 7 (--layer); the names carry layers 0, 1, 2"), std::string::npos)
      << absent;
}

TEST(QkvTensors, LayersOnALeadingAxisAreChosenWithTheLayerOption) {
  const std::string unchosen = refusal([] { assembled("layers_axis_f32.npz"); });
  EXPECT_NE(unchosen.find(
                "q ('q', shape (3, 2, 8, 4, 8)) holds 3 layers on its leading axis; choose one with --layer 0..2"),
            std::string::npos)
      << unchosen;
  QkvOptions options;
  options.layer = 1;
  const QkvTensors layer1 = assembled("layers_axis_f32.npz", options);
  expect_heads(layer1, test::kF32Tolerance, kH, 1);
  EXPECT_NE(layer1.description().find("layer 1 of 3 on the leading axis"), std::string::npos) << layer1.description();
  options.layer = 3;
  EXPECT_NE(refusal([&] {
              assembled("layers_axis_f32.npz", options);
            }).find("--layer 3, but q ('q', shape (3, 2, 8, 4, 8)) holds layers 0..2"),
            std::string::npos);
  const std::string single = refusal([&] { assembled("qkv_f32.npz", options); });
  EXPECT_NE(single.find("--layer 3, but the file holds one layer"), std::string::npos) << single;
}

// The message for a fixture, checked for each piece and for being one line.
void expect_refused(const std::string& name, const std::vector<std::string>& pieces, const QkvOptions& options = {}) {
  const std::string message = refusal([&] {
    const QkvTensors qkv = assembled(name, options);
    for (int b = 0; b < qkv.batch(); ++b)
      for (int h = 0; h < qkv.heads(); ++h) qkv.head(b, h);
  });
  EXPECT_NE(message, "accepted") << name;
  for (const std::string& piece : pieces)
    EXPECT_NE(message.find(piece), std::string::npos) << message << "\n  lacks: " << piece;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(QkvTensors, NonFiniteValuesNameTheTensorAndTheFirstBadIndex) {
  expect_refused("bad_nan.npz",
                 {"bad_nan.npz", "q ('q', shape (2, 8, 4, 8)) has nan at [1, 5, 2, 3]", "must be finite"});
  expect_refused("bad_inf.safetensors", {"k ('k', shape (2, 8, 4, 8)) has inf at [0, 3, 1, 7]"});
  // Only the values read are checked: batch row 0 of bad_nan.npz is clean.
  const QkvTensors qkv = assembled("bad_nan.npz");
  EXPECT_NO_THROW(qkv.head(0, 2));
  EXPECT_NO_THROW(qkv.head(1, 1));
  EXPECT_THROW(qkv.head(1, 2), InputError);
}

TEST(QkvTensors, ShapesThatDisagreeNameBothTensors) {
  expect_refused("bad_rank.npz", {"q ('q', shape (16, 32)) has rank 2",
                                  "q, k, v are (B, N, H, D) or (B, H, N, D) (--qkv-layout), or the same without B",
                                  "with a leading layer axis for several layers"});
  // A .npy of q alone is read as a packed qkv, the only thing one tensor can hold.
  expect_refused("q_f32.npy", {"qkv ('q_f32', shape (2, 8, 4, 8)) has 8 on the axis of q, k, v",
                               "numpy.savez(path, q=q, k=k, v=v)"});
  expect_refused("bad_d_mismatch.npz",
                 {"q ('q', shape (2, 8, 4, 8)) is (B=2, N=8, H=4, D=8) but k ('k', shape (2, 8, 4, 4)) "
                  "is (B=2, N=8, H=4, D=4): D differs"});
  expect_refused("bad_n_mismatch.npz", {"k ('k', shape (2, 6, 4, 8)) is (B=2, N=6, H=4, D=8): N differs"});
  expect_refused("bad_kv_heads.npz",
                 {"k and v have 3 heads ((2, 8, 3, 8)), which does not divide q's 4 ((2, 8, 4, 8))"});
}

TEST(QkvTensors, IntegerTypesMissingKeysAndDamagedFilesAreRefused) {
  expect_refused("bad_int64.npz", {"q is int64 ('q', shape (2, 8, 4, 8)); q, k, v must be floating point"});
  expect_refused(
      "bad_missing_v.npz",
      {"bad_missing_v.npz has no v; entries found: 'q' (float32, (2, 8, 4, 8)), 'k' (float32, (2, 8, 4, 8))"});
  expect_refused("bad_truncated.safetensors", {"tensor 'v' (F32, shape (2, 8, 4, 8))", "truncated"});
  expect_refused("bad_offsets_past_end.safetensors", {"past the end of the data"});
  expect_refused("bad_overlap.safetensors", {"overlapping tensor 'q'"});
  expect_refused("bad_truncated.npy", {"the file is truncated"});
}

// A .safetensors file of float32 zeros of these names, each (1, 2, 2, 2).
TensorFile zeros_named(const std::vector<std::string>& names) {
  std::string header = "{";
  for (size_t i = 0; i < names.size(); ++i)
    header += (i ? "," : "") + fmt::format(R"("{}":{{"dtype":"F32","shape":[1,2,2,2],"data_offsets":[{},{}]}})",
                                           names[i], i * 32, (i + 1) * 32);
  header += "}";
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return TensorFile::parse(bytes + header + std::string(names.size() * 32, '\0'), "z.safetensors");
}

TEST(QkvTensors, NamesThatCouldMeanTwoThingsAreRefusedNamingBoth) {
  const auto refused = [](const std::vector<std::string>& names) {
    return refusal([&] { qkv_tensors(zeros_named(names), {}); });
  };
  EXPECT_NE(refused({"q", "query", "k", "v"}).find("both 'q' and 'query' could be q; choose with --qkv-key"),
            std::string::npos);
  EXPECT_NE(refused({"q", "k", "v", "qkv"}).find("holds both q, k, v and a packed 'qkv'"), std::string::npos);
  EXPECT_NE(refused({"layers.0.q", "layers.0.k", "layers.0.v", "q", "k", "v"})
                .find("several layers (0 and names without a layer); choose one with --layer"),
            std::string::npos);
  EXPECT_NE(refused({"a", "b"}).find("has no q, k, v; entries found: 'a' (float32, (1, 2, 2, 2)), 'b'"),
            std::string::npos);
  // One layer in the names needs no choice; a prefix without a layer is no layer.
  EXPECT_EQ(qkv_tensors(zeros_named({"h.7.attn.q", "h.7.attn.k", "h.7.attn.v"}), {}).heads(), 2);
  EXPECT_EQ(qkv_tensors(zeros_named({"attn/query", "attn/key", "attn/value"}), {}).n(), 2);
}

TEST(QkvTensors, PtDictsThroughTheRegisteredReader) {
  pt_reader_set(test::fake_pt_bf16_dict);
  const QkvTensors qkv = qkv_tensors(TensorFile::open("qkv.pt"), {});
  expect_heads(qkv, test::kF32Tolerance);
  EXPECT_NE(qkv.description().find("bfloat16 converted to float32"), std::string::npos);
  pt_reader_set(nullptr);
}

}  // namespace
}  // namespace attnscope
