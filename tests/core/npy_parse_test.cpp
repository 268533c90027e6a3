// Hostile .npy headers: refused with a message naming the file, never an exception of another
// kind, an overflow or a crash.
#include <gtest/gtest.h>

#include "core/masks/mask_file.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {
namespace {

std::string npy(const std::string& header, const std::string& data = {}) {
  std::string bytes = "\x93NUMPY";
  bytes += '\x01';
  bytes += '\x00';
  bytes += static_cast<char>(header.size() & 0xFF);
  bytes += static_cast<char>(header.size() >> 8);
  return bytes + header + data;
}

MaskTensor parsed(const std::string& bytes, const std::string& source) {
  return mask_file_tensor(mask_file_parse(bytes, source));
}

std::string refusal(const std::string& bytes) {
  try {
    mask_file_parse(bytes, "bad.npy");
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(NpyParse, ShapesTooLargeForAnyNumberTypeAreRefused) {
  // std::stol threw std::out_of_range here; the product of the dims overflowed a long.
  EXPECT_NE(refusal(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (99999999999999999999999, 2), }")),
            "accepted");
  const std::string product = refusal(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (268435456, 268435456, 268435456), }"));
  EXPECT_NE(product.find("bad.npy"), std::string::npos) << product;
  EXPECT_NE(product.find("more than 2^40 elements"), std::string::npos) << product;
  // Found by fuzz_npy: two dims each under the limit whose product overflowed int64.
  const std::string pair = refusal(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (477777777777, 7777777777), }"));
  EXPECT_NE(pair.find("more than 2^40 elements"), std::string::npos) << pair;
}

TEST(NpyParse, LongHeadersDoNotExhaustTheStack) {
  // The regex engine used before recursed once per character of a match.
  const std::string padding(60000, ' ');
  const std::string descr = refusal(npy("{'descr': '" + std::string(60000, 'x') + "', 'shape': (2, 2), }"));
  EXPECT_NE(descr.find("dtype"), std::string::npos) << descr.substr(0, 200);
  const std::string shape = refusal(npy("{'descr': '|b1', 'shape': (" + padding + "2, 2), }"));
  EXPECT_NE(shape.find("its shape (2, 2) says"), std::string::npos) << shape.substr(0, 200);
}

TEST(NpyParse, BoolBytesOtherThanZeroAndOneReadAsTrue) {
  // Found by fuzz_npy: a byte of 10 was loaded into a bool (undefined behaviour).
  const MaskTensor t = parsed(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }", std::string("\x0a\0\x01\xff", 4)), "b.npy");
  EXPECT_EQ(t.values, (std::vector<float>{1, 0, 1, 1}));
}

TEST(NpyParse, WellFormedHeadersStillParse) {
  const MaskTensor t = parsed(npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", "\1\2\3\4\5\6"), "ok.npy");
  EXPECT_EQ(t.shape, (std::vector<long>{2, 3}));
  // Column-major on disk: row 0 is 1, 3, 5.
  EXPECT_EQ(t.values, (std::vector<float>{1, 3, 5, 2, 4, 6}));
  EXPECT_EQ(refusal(npy("{'descr': '|b1', 'shape': (2, 2), }", std::string(4, '\1'))), "accepted");
  EXPECT_NE(refusal(npy("{'shape': (2, 2), }")).find("no descr"), std::string::npos);
  EXPECT_NE(refusal(npy("{'descr': '|b1', }")).find("no shape"), std::string::npos);
}

}  // namespace
}  // namespace attnscope
