#pragma once
// The element types tensor files hold, named as NumPy and PyTorch name them, and their one
// conversion to float32.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace attnscope {

enum class TensorDType { Bool, UInt8, Int8, Int16, Int32, Int64, Float16, BFloat16, Float32, Float64 };

// "float32", "bfloat16", "int64", "bool", ...
std::string_view tensor_dtype_name(TensorDType dtype);
// The dtype of that name, as tensor_dtype_name spells it; nullopt for any other name.
std::optional<TensorDType> tensor_dtype_named(std::string_view name);
size_t tensor_dtype_size(TensorDType dtype);
bool tensor_dtype_floating(TensorDType dtype);

// IEEE binary16 (NumPy's float16), subnormals, infinities and NaN included.
float half_to_float(uint16_t bits);
// bfloat16 is the upper half of a float32.
float bfloat16_to_float(uint16_t bits);

// Converts `count` little-endian elements stored at `bytes` (any alignment) to float32. Bools
// read any nonzero byte as 1: NumPy writes 0 and 1, and loading another byte into a C++ bool
// would be undefined behaviour.
void tensor_values_to_float(TensorDType dtype, const char* bytes, int64_t count, float* out);

}  // namespace attnscope
