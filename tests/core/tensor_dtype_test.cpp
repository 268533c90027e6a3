// Element types converted to float32: every float16 bit pattern against the definition of
// binary16, bfloat16 as the upper half of a float32, and the integer and bool types.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/tensors/tensor_dtype.hpp"

namespace attnscope {
namespace {

// binary16 by its definition: (-1)^s * 2^(e - 15) * 1.m, or 2^-14 * 0.m for e = 0.
float half_by_definition(uint16_t h) {
  const int sign = h >> 15, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float value;
  if (exponent == 0)
    value = std::ldexp(static_cast<float>(mantissa), -24);
  else if (exponent == 31)
    value = mantissa ? NAN : INFINITY;
  else
    value = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  return sign ? -value : value;
}

TEST(TensorDType, EveryFloat16BitPatternMatchesItsDefinition) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    const float expected = half_by_definition(static_cast<uint16_t>(bits));
    const float got = half_to_float(static_cast<uint16_t>(bits));
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(got)) << std::hex << bits;
    } else {
      EXPECT_EQ(std::bit_cast<uint32_t>(got), std::bit_cast<uint32_t>(expected)) << std::hex << bits;
    }
  }
  EXPECT_EQ(half_to_float(0x7bff), 65504.f);
  EXPECT_EQ(half_to_float(0x0001), 0x1p-24f);
  EXPECT_EQ(half_to_float(0x03ff), 1023 * 0x1p-24f);
  EXPECT_TRUE(std::signbit(half_to_float(0x8000)));
  EXPECT_EQ(half_to_float(0xfc00), -INFINITY);
}

TEST(TensorDType, BFloat16IsTheUpperHalfOfAFloat32) {
  EXPECT_EQ(bfloat16_to_float(0x3f80), 1.f);
  EXPECT_EQ(bfloat16_to_float(0xc000), -2.f);
  EXPECT_EQ(bfloat16_to_float(0x3ec0), 0.375f);
  EXPECT_EQ(bfloat16_to_float(0x0001), 0x1p-133f);
  EXPECT_EQ(bfloat16_to_float(0x7f80), INFINITY);
  EXPECT_TRUE(std::isnan(bfloat16_to_float(0x7fc0)));
}

template <typename T>
std::vector<float> converted(TensorDType dtype, std::vector<T> values) {
  std::vector<float> out(values.size());
  tensor_values_to_float(dtype, reinterpret_cast<const char*>(values.data()), static_cast<int64_t>(values.size()),
                         out.data());
  return out;
}

TEST(TensorDType, EveryTypeConvertsToFloat32) {
  EXPECT_EQ(converted<uint8_t>(TensorDType::Bool, {0, 1, 7}), (std::vector<float>{0, 1, 1}));
  EXPECT_EQ(converted<uint8_t>(TensorDType::UInt8, {0, 255}), (std::vector<float>{0, 255}));
  EXPECT_EQ(converted<int8_t>(TensorDType::Int8, {-128, 5}), (std::vector<float>{-128, 5}));
  EXPECT_EQ(converted<int16_t>(TensorDType::Int16, {-300, 300}), (std::vector<float>{-300, 300}));
  EXPECT_EQ(converted<int32_t>(TensorDType::Int32, {-70000}), (std::vector<float>{-70000}));
  EXPECT_EQ(converted<int64_t>(TensorDType::Int64, {int64_t{1} << 40}), (std::vector<float>{0x1p40f}));
  EXPECT_EQ(converted<uint16_t>(TensorDType::Float16, {0x3c00, 0xc500}), (std::vector<float>{1, -5}));
  EXPECT_EQ(converted<uint16_t>(TensorDType::BFloat16, {0x3f80, 0xc0a0}), (std::vector<float>{1, -5}));
  EXPECT_EQ(converted<float>(TensorDType::Float32, {0.1f, -3}), (std::vector<float>{0.1f, -3}));
  EXPECT_EQ(converted<double>(TensorDType::Float64, {0.1, 1e300}), (std::vector<float>{0.1f, INFINITY}));
}

TEST(TensorDType, NamesRoundTripAndSizesMatch) {
  for (TensorDType dtype :
       {TensorDType::Bool, TensorDType::UInt8, TensorDType::Int8, TensorDType::Int16, TensorDType::Int32,
        TensorDType::Int64, TensorDType::Float16, TensorDType::BFloat16, TensorDType::Float32, TensorDType::Float64})
    EXPECT_EQ(tensor_dtype_named(tensor_dtype_name(dtype)), dtype) << tensor_dtype_name(dtype);
  EXPECT_EQ(tensor_dtype_name(TensorDType::BFloat16), "bfloat16");
  EXPECT_EQ(tensor_dtype_size(TensorDType::BFloat16), 2u);
  EXPECT_EQ(tensor_dtype_size(TensorDType::Int64), 8u);
  EXPECT_FALSE(tensor_dtype_named("complex64"));
  EXPECT_TRUE(tensor_dtype_floating(TensorDType::BFloat16));
  EXPECT_FALSE(tensor_dtype_floating(TensorDType::Int64));
}

}  // namespace
}  // namespace attnscope
