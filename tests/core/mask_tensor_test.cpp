// The bytes a .pt mask crosses the pipe in, from the process that read it with LibTorch.
#include <gtest/gtest.h>

#include "core/base/input_error.hpp"
#include "core/tensors/mask_tensor.hpp"

namespace attnscope {
namespace {

MaskTensor flex_dict() {
  MaskTensor blocks{MaskTensor::DType::Int, "int32", {1, 2}, {3, 1}, "f.pt", {}, {}};
  MaskTensor size{MaskTensor::DType::Int, "int64", {}, {4}, "f.pt", {}, {}};
  MaskTensor dict;
  dict.source = "f.pt";
  dict.entry_names = {"kv_num_blocks", "BLOCK_SIZE"};
  dict.entries = {blocks, size};
  return dict;
}

TEST(MaskTensorBytes, RoundTripKeepsEveryField) {
  const MaskTensor mask{MaskTensor::DType::Bool, "bool", {2, 2}, {1, 0, 1, 1}, "m.pt", {}, {}};
  const MaskTensor back = mask_tensor_parse(mask_tensor_serialize(mask));
  EXPECT_EQ(back.dtype, mask.dtype);
  EXPECT_EQ(back.dtype_name, "bool");
  EXPECT_EQ(back.shape, mask.shape);
  EXPECT_EQ(back.values, mask.values);
  EXPECT_EQ(back.source, "m.pt");

  const MaskTensor dict = mask_tensor_parse(mask_tensor_serialize(flex_dict()));
  ASSERT_EQ(dict.entry_names, flex_dict().entry_names);
  EXPECT_EQ(dict.entry("kv_num_blocks")->values, (std::vector<float>{3, 1}));
  EXPECT_EQ(dict.entry("BLOCK_SIZE")->values, (std::vector<float>{4}));
  EXPECT_TRUE(dict.entry("BLOCK_SIZE")->shape.empty());
}

TEST(MaskTensorBytes, CutOrPaddedBytesAreInputErrors) {
  const std::string bytes = mask_tensor_serialize(flex_dict());
  EXPECT_THROW(mask_tensor_parse(bytes.substr(0, bytes.size() - 1)), InputError);
  EXPECT_THROW(mask_tensor_parse(bytes + "x"), InputError);
  EXPECT_THROW(mask_tensor_parse("{\"dtype\": 7}\n"), InputError);
  EXPECT_THROW(mask_tensor_parse("no header"), InputError);
}

}  // namespace
}  // namespace attnscope
