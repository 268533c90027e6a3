// Damaged and lying tensor files: each is refused with one line naming the file, the tensor and
// its shape, and what to do, never read past its end.
#include <gtest/gtest.h>

#include "core/tensors/tensor_file.hpp"
#include "tests/core/tensor_support.hpp"

namespace attnscope {
namespace {

using test::refusal;
using test::tensor_fixture;

std::string opened(const std::string& name) {
  return refusal([&] { TensorFile::open(tensor_fixture(name)); });
}

// Every expected piece of the message is in it, and it is one line.
void expect_message(const std::string& message, const std::vector<std::string>& pieces) {
  for (const std::string& piece : pieces)
    EXPECT_NE(message.find(piece), std::string::npos) << message << "\n  lacks: " << piece;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(TensorFileErrors, TruncatedNpyNamesTheShapeAndTheBytesMissing) {
  expect_message(opened("bad_truncated.npy"),
                 {"bad_truncated.npy", "shorter than the 2048 its shape (2, 8, 4, 8) says", "the file is truncated"});
}

TEST(TensorFileErrors, BigEndianNpyIsRefusedWithTheFix) {
  expect_message(opened("bad_big_endian.npy"), {"bad_big_endian.npy", "dtype >f4 is big-endian", "astype('<f4')"});
}

TEST(TensorFileErrors, TruncatedSafetensorsNamesTheTensorPastTheEnd) {
  expect_message(
      opened("bad_truncated.safetensors"),
      {"bad_truncated.safetensors", "tensor 'v' (F32, shape (2, 8, 4, 8))", "past the end of the data", "truncated"});
}

TEST(TensorFileErrors, SafetensorsOffsetsPastTheEnd) {
  expect_message(
      opened("bad_offsets_past_end.safetensors"),
      {"tensor 'v' (F32, shape (2, 8, 4, 8)) has data_offsets [4160, 6208]", "past the end of the data (6144 bytes)"});
}

TEST(TensorFileErrors, OverlappingSafetensorsNameBothTensors) {
  expect_message(
      opened("bad_overlap.safetensors"),
      {"tensor 'k' (F32, shape (2, 8, 4, 8)) has data_offsets [1984, 4032], overlapping tensor 'q' at [0, 2048]"});
}

TEST(TensorFileErrors, SafetensorsHeadersThatLie) {
  expect_message(opened("bad_unknown_dtype.safetensors"),
                 {"tensor 'k' has dtype F8_E4M3", "save it as F32, F16, BF16 or F64"});
  expect_message(opened("bad_header_length.safetensors"), {"its header says 1099511627776 bytes, but only 2 follow"});
  expect_message(opened("bad_header_json.safetensors"), {"its header is not JSON"});
  const auto parsed = [](const std::string& header, const std::string& data = {}) {
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
    return refusal([&] { TensorFile::parse(bytes + header + data, "t.safetensors"); });
  };
  expect_message(parsed(R"({"q": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})", std::string(24, '\0')),
                 {"tensor 'q' (F32, shape (2, 3)) has data_offsets [0, 20], but its shape needs 24 bytes"});
  expect_message(parsed(R"({"q": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})"),
                 {"tensor 'q' has a shape of"});
  expect_message(parsed(R"({"q": {"dtype": "F32", "shape": [2]}})"),
                 {"tensor 'q' (F32, shape (2)) has no data_offsets"});
  expect_message(parsed(R"({"q": {"shape": [2], "data_offsets": [0, 8]}})"), {"tensor 'q' has no dtype"});
  expect_message(parsed(R"([1, 2])"), {"its header is not a JSON object"});
  expect_message(parsed(R"({"q": {"shape": [2E400]}})"), {"its header is not JSON we can read: a number out of range"});
  expect_message(parsed(R"({"q": {"dtype": "F32", "shape": [1099511627776, 2], "data_offsets": [0, 8]}})"),
                 {"more than 2^40 elements"});
  // The metadata is not a tensor, and an empty tensor may sit anywhere.
  EXPECT_EQ(parsed(R"({"__metadata__": {"a": "b"}, "e": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}})"),
            "accepted");
  const std::string control = parsed("{\"q\x1b[2J\": {\"dtype\": \"X\", \"shape\": [], \"data_offsets\": [0, 0]}}");
  EXPECT_EQ(control.find('\x1b'), std::string::npos) << "names are made printable";
}

TEST(TensorFileErrors, DamagedNpzArchives) {
  const std::string stored = test::file_bytes(tensor_fixture("qkv_f32.npz"));
  expect_message(refusal([&] { TensorFile::parse(stored.substr(0, stored.size() - 30), "cut.npz"); }),
                 {"cut.npz is not a ZIP archive we can read (no end of central directory)"});
  expect_message(
      refusal([&] { TensorFile::parse(stored.substr(0, 3000) + stored.substr(stored.size() - 300), "mid.npz"); }),
      {"mid.npz is not a ZIP archive we can read", "lies past the end of the file"});
  expect_message(refusal([&] { TensorFile::parse("junk", "junk.npz"); }), {"junk.npz", "too short for a ZIP archive"});
}

TEST(TensorFileErrors, CorruptCompressedMembersAreFoundWhenRead) {
  std::string bytes = test::file_bytes(tensor_fixture("qkv_f32_compressed.npz"));
  // A byte in the middle of the first member's deflate stream, past its header.
  bytes[1200] = static_cast<char>(bytes[1200] ^ 0x55);
  const TensorFile file = TensorFile::parse(bytes, "flipped.npz");
  const std::string message = refusal([&] { file.read(file.entries()[0]); });
  expect_message(message, {"flipped.npz: member 'q.npy' does not inflate"});
}

TEST(TensorFileErrors, DeflateCannotInflateToMoreThanItsRatio) {
  std::string bytes = test::file_bytes(tensor_fixture("qkv_f32_compressed.npz"));
  // The first central directory entry's uncompressed size, made 2^31: a bomb that would ask for
  // 2 GiB from a few hundred bytes is refused before allocating.
  const size_t first = bytes.find(std::string("PK\x01\x02", 4));
  ASSERT_NE(first, std::string::npos);
  bytes[first + 24 + 3] = static_cast<char>(0x80);
  expect_message(refusal([&] { TensorFile::parse(bytes, "bomb.npz"); }),
                 {"member 'q.npy' says it inflates to", "more than deflate can"});
}

TEST(TensorFileErrors, NpzMembersMustBeNpyArrays) {
  // A stored member named data.txt, written the way zipfile writes one.
  std::string bytes = test::file_bytes(tensor_fixture("qkv_f32.npz"));
  for (size_t at = 0; (at = bytes.find("q.npy", at)) != std::string::npos; at += 5) bytes.replace(at, 5, "q.txt");
  expect_message(refusal([&] { TensorFile::parse(bytes, "text.npz"); }),
                 {"text.npz: member 'q.txt' is not a .npy array"});
}

}  // namespace
}  // namespace attnscope
