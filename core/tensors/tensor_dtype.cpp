#include "core/tensors/tensor_dtype.hpp"

#include <bit>
#include <cstring>

namespace attnscope {

// Tensor files are little-endian, and every element is read by copying its bytes into a number.
static_assert(std::endian::native == std::endian::little, "tensor files are read on little-endian hosts");

namespace {

struct DTypeInfo {
  TensorDType dtype;
  std::string_view name;
  size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {TensorDType::Bool, "bool", 1},       {TensorDType::UInt8, "uint8", 1},       {TensorDType::Int8, "int8", 1},
    {TensorDType::Int16, "int16", 2},     {TensorDType::Int32, "int32", 4},       {TensorDType::Int64, "int64", 8},
    {TensorDType::Float16, "float16", 2}, {TensorDType::BFloat16, "bfloat16", 2}, {TensorDType::Float32, "float32", 4},
    {TensorDType::Float64, "float64", 8},
};

const DTypeInfo& info(TensorDType dtype) { return kDTypes[static_cast<int>(dtype)]; }

template <typename T>
void convert(const char* bytes, int64_t count, float* out) {
  for (int64_t i = 0; i < count; ++i) {
    T value;
    std::memcpy(&value, bytes + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    out[i] = static_cast<float>(value);
  }
}

template <float (*Decode)(uint16_t)>
void convert_16(const char* bytes, int64_t count, float* out) {
  for (int64_t i = 0; i < count; ++i) {
    uint16_t bits;
    std::memcpy(&bits, bytes + 2 * i, 2);
    out[i] = Decode(bits);
  }
}

}  // namespace

std::string_view tensor_dtype_name(TensorDType dtype) { return info(dtype).name; }

std::optional<TensorDType> tensor_dtype_named(std::string_view name) {
  for (const DTypeInfo& type : kDTypes)
    if (type.name == name) return type.dtype;
  return std::nullopt;
}

size_t tensor_dtype_size(TensorDType dtype) { return info(dtype).size; }

bool tensor_dtype_floating(TensorDType dtype) {
  return dtype == TensorDType::Float16 || dtype == TensorDType::BFloat16 || dtype == TensorDType::Float32 ||
         dtype == TensorDType::Float64;
}

float half_to_float(uint16_t bits) {
  const uint32_t sign = uint32_t{bits & 0x8000u} << 16;
  const uint32_t exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float32.
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return sign ? -magnitude : magnitude;
  }
  // Infinity keeps a zero mantissa, NaN its payload; normal numbers move their exponent bias
  // from 15 to 127.
  const uint32_t exponent32 = exponent == 31 ? 0xff : exponent + 112;
  return std::bit_cast<float>(sign | exponent32 << 23 | mantissa << 13);
}

float bfloat16_to_float(uint16_t bits) { return std::bit_cast<float>(uint32_t{bits} << 16); }

void tensor_values_to_float(TensorDType dtype, const char* bytes, int64_t count, float* out) {
  switch (dtype) {
    case TensorDType::Bool:
      for (int64_t i = 0; i < count; ++i) out[i] = bytes[i] != 0 ? 1.f : 0.f;
      return;
    case TensorDType::UInt8: return convert<uint8_t>(bytes, count, out);
    case TensorDType::Int8: return convert<int8_t>(bytes, count, out);
    case TensorDType::Int16: return convert<int16_t>(bytes, count, out);
    case TensorDType::Int32: return convert<int32_t>(bytes, count, out);
    case TensorDType::Int64: return convert<int64_t>(bytes, count, out);
    case TensorDType::Float16: return convert_16<half_to_float>(bytes, count, out);
    case TensorDType::BFloat16: return convert_16<bfloat16_to_float>(bytes, count, out);
    case TensorDType::Float32:
      // memcpy from a null pointer is undefined even for no bytes (an empty tensor has none).
      if (count > 0) std::memcpy(out, bytes, static_cast<size_t>(count) * 4);
      return;
    case TensorDType::Float64: return convert<double>(bytes, count, out);
  }
}

}  // namespace attnscope
