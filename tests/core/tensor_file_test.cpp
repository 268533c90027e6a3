// Tensor files of every format and dtype read against the values their generator wrote
// (tests/fixtures/tensors/make_tensors.py), whole and in strided runs.
#include <gtest/gtest.h>

#include <stdexcept>

#include "core/tensors/pt_reader.hpp"
#include "core/tensors/tensor_file.hpp"
#include "tests/core/tensor_support.hpp"

namespace attnscope {
namespace {

using test::expected_part;
using test::kB;
using test::kD;
using test::kH;
using test::kN;
using test::max_difference;
using test::tensor_fixture;

const std::vector<long> kShape{kB, kN, kH, kD};

// Each of q, k, v of `file` against the formula, within `tolerance`.
void expect_qkv(const std::string& name, TensorDType dtype, float tolerance,
                const std::vector<std::string>& names = {"q", "k", "v"}) {
  const TensorFile file = TensorFile::open(tensor_fixture(name));
  ASSERT_EQ(file.entries().size(), 3u) << name;
  for (int part = 0; part < 3; ++part) {
    const TensorEntry* entry = file.find(names[part]);
    ASSERT_TRUE(entry) << name << " has no " << names[part];
    EXPECT_EQ(entry->dtype, dtype) << name;
    EXPECT_EQ(entry->shape, kShape) << name;
    EXPECT_LE(max_difference(file.read(*entry), expected_part(part)), tolerance) << name << " " << names[part];
  }
}

TEST(TensorFile, NpzStoredAndCompressedInEveryFloatType) {
  expect_qkv("qkv_f32.npz", TensorDType::Float32, test::kF32Tolerance);
  expect_qkv("qkv_f32_compressed.npz", TensorDType::Float32, test::kF32Tolerance);
  expect_qkv("qkv_f64_compressed.npz", TensorDType::Float64, test::kF32Tolerance);
  expect_qkv("qkv_query_key_value_f16.npz", TensorDType::Float16, test::kF16Tolerance, {"query", "key", "value"});
  expect_qkv("zip64.npz", TensorDType::Float32, test::kF32Tolerance);
}

TEST(TensorFile, SafetensorsInEveryFloatType) {
  expect_qkv("qkv_f32.safetensors", TensorDType::Float32, test::kF32Tolerance);
  expect_qkv("qkv_f16.safetensors", TensorDType::Float16, test::kF16Tolerance);
  expect_qkv("qkv_bf16.safetensors", TensorDType::BFloat16, test::kBF16Tolerance);
}

TEST(TensorFile, RoundingToHalfTypesIsVisibleButSmall) {
  // The tolerances above are not so loose that any conversion passes: bfloat16 keeps 8 bits.
  const TensorFile file = TensorFile::open(tensor_fixture("qkv_bf16.safetensors"));
  const float difference = max_difference(file.read(*file.find("q")), expected_part(0));
  EXPECT_GT(difference, 1e-4f);
  EXPECT_LE(difference, test::kBF16Tolerance);
}

TEST(TensorFile, NpyInFormatVersionsOneTwoThreeAndFortranOrder) {
  for (const char* name : {"q_f32.npy", "q_f32_v2.npy", "q_f32_v3.npy", "q_f32_fortran.npy"}) {
    const TensorFile file = TensorFile::open(tensor_fixture(name));
    ASSERT_EQ(file.entries().size(), 1u);
    const TensorEntry& entry = file.entries()[0];
    // A file of one tensor names it by its stem.
    EXPECT_EQ(entry.name, std::string(name).substr(0, std::string(name).size() - 4));
    EXPECT_EQ(entry.shape, kShape) << name;
    EXPECT_LE(max_difference(file.read(entry), expected_part(0)), test::kF32Tolerance) << name;
  }
}

TEST(TensorFile, EntriesListNamesDtypesAndShapesInFileOrder) {
  const TensorFile file = TensorFile::open(tensor_fixture("qkv_gqa_f32.safetensors"));
  ASSERT_EQ(file.entries().size(), 3u);
  EXPECT_EQ(file.entries()[0].name, "q");
  EXPECT_EQ(file.entries()[1].shape, (std::vector<long>{kB, kN, test::kHkv, kD}));
  EXPECT_EQ(file.entries()[1].shape_text(), "(2, 8, 2, 8)");
  EXPECT_EQ(tensor_dtype_name(file.entries()[2].dtype), "float32");
  EXPECT_EQ(file.find("w"), nullptr);
}

// Runs read one by one from the whole read, as the definition of a run says.
std::vector<float> runs_from_whole(const std::vector<float>& whole, const TensorRuns& runs) {
  std::vector<float> out;
  for (int64_t r = 0; r < runs.count; ++r)
    for (int64_t i = 0; i < runs.length; ++i) out.push_back(whole[runs.first + r * runs.stride + i]);
  return out;
}

TEST(TensorFile, StridedRunsEqualTheSameElementsOfTheWholeRead) {
  // One head of (B, N, H, D) (N runs of D, H * D apart), runs that overlap (stride below the
  // length), a single run, and stride 0 (the same run again), in each storage kind: mapped
  // float32, converted bfloat16, inflated, reordered Fortran, held .pt floats.
  const std::vector<TensorRuns> cases{
      {kN * kH * kD + 2 * kD, kD, kH * kD, kN}, {3, 5, 2, 7}, {0, kB * kN * kH * kD, 0, 1}, {17, 4, 0, 3}};
  for (const char* name :
       {"qkv_f32.safetensors", "qkv_bf16.safetensors", "qkv_f32_compressed.npz", "q_f32_fortran.npy"}) {
    const TensorFile file = TensorFile::open(tensor_fixture(name));
    const TensorEntry& entry = file.entries()[0];
    const std::vector<float> whole = file.read(entry);
    for (const TensorRuns& runs : cases) {
      std::vector<float> out(static_cast<size_t>(runs.count * runs.length));
      file.read(entry, runs, out.data());
      EXPECT_EQ(out, runs_from_whole(whole, runs)) << name << " first " << runs.first;
    }
  }
}

TEST(TensorFile, RunsOutsideTheEntryAreRefused) {
  const TensorFile file = TensorFile::open(tensor_fixture("q_f32.npy"));
  const TensorEntry& entry = file.entries()[0];
  const int64_t count = entry.element_count();
  std::vector<float> out(static_cast<size_t>(count) * 2);
  EXPECT_THROW(file.read(entry, {count - 3, 4, 0, 1}, out.data()), std::out_of_range);
  EXPECT_THROW(file.read(entry, {0, 8, count / 2, 3}, out.data()), std::out_of_range);
  EXPECT_THROW(file.read(entry, {-1, 1, 0, 1}, out.data()), std::out_of_range);
  EXPECT_THROW(file.read(entry, {0, 1, INT64_MAX / 2, 4}, out.data()), std::out_of_range);
  EXPECT_NO_THROW(file.read(entry, {count - 4, 4, 0, 1}, out.data()));
  const TensorFile other = TensorFile::open(tensor_fixture("q_f32.npy"));
  EXPECT_THROW(other.read(entry, {0, 1, 0, 1}, out.data()), std::invalid_argument);
}

TEST(TensorFile, BytesInMemoryReadAsTheFileDoes) {
  for (const char* name : {"qkv_f32.npz", "qkv_f32_compressed.npz", "qkv_bf16.safetensors", "q_f32.npy"}) {
    const TensorFile mapped = TensorFile::open(tensor_fixture(name));
    const TensorFile held = TensorFile::parse(test::file_bytes(tensor_fixture(name)), name);
    ASSERT_EQ(held.entries().size(), mapped.entries().size()) << name;
    for (size_t i = 0; i < held.entries().size(); ++i)
      EXPECT_EQ(held.read(held.entries()[i]), mapped.read(mapped.entries()[i])) << name;
  }
}

// A .pt file of a dtype attnscope does not read (pt_load itself refuses complex tensors; the
// tensor file names any dtype it does not know).
MaskTensor fake_pt_complex(const std::string&) {
  MaskTensor t;
  t.dtype_name = "complex64";
  t.shape = {2};
  t.values = {0, 0};
  return t;
}

TEST(TensorFile, PtFilesComeThroughTheRegisteredReader) {
  pt_reader_set(nullptr);
  EXPECT_NE(
      test::refusal([] { TensorFile::open("x.pt"); }).find("needs the LibTorch module; use .npy, .npz or .safetensors"),
      std::string::npos);
  pt_reader_set(test::fake_pt_bf16_dict);
  const TensorFile file = TensorFile::open("qkv.pt");
  ASSERT_EQ(file.entries().size(), 3u);
  EXPECT_EQ(file.entries()[1].name, "k");
  EXPECT_EQ(file.entries()[1].dtype, TensorDType::BFloat16);
  std::vector<float> head(kN * kD);
  file.read(file.entries()[2], {kD, kD, kH * kD, kN}, head.data());
  EXPECT_EQ(head, test::expected_head(2, 0, 1));
  pt_reader_set(fake_pt_complex);
  const std::string complex = test::refusal([] { TensorFile::open("c.pt"); });
  EXPECT_NE(complex.find("tensor 'c' is complex64"), std::string::npos) << complex;
  pt_reader_set(nullptr);
}

TEST(TensorFile, OtherExtensionsAreRefusedNamingTheFormatsRead) {
  const std::string message = test::refusal([] { TensorFile::open("weights.bin"); });
  EXPECT_NE(message.find("'weights.bin' is not .npy, .npz, .safetensors or .pt"), std::string::npos) << message;
  const std::string missing = test::refusal([] { TensorFile::open("/nonexistent/q.npy"); });
  EXPECT_NE(missing.find("cannot open '/nonexistent/q.npy'"), std::string::npos) << missing;
}

}  // namespace
}  // namespace attnscope
