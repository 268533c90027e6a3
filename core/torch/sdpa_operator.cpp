// aten::scaled_dot_product_attention for modules saved by PyTorch 2: nearly every attention module
// written since calls F.scaled_dot_product_attention, and LibTorch 1.13 has no such operator, so
// their archives would not load. Registered here with PyTorch 2's schema and semantics, written
// with ATen ops, so probing and the step trace see it as any other op.
#include <ATen/ATen.h>
#include <torch/library.h>

#include <cmath>
#include <limits>

namespace attnscope {

namespace {

// PyTorch 2's math reference (torch.nn.functional.scaled_dot_product_attention's documentation):
//   bool attn_mask: True = attend; float attn_mask: added to the scores;
//   is_causal: query i reads keys j <= i, aligned top-left when L != S;
//   scale: default 1/sqrt(D); enable_gqa: key and value heads repeated to the query heads.
// Dropout is not applied: the audit asks which keys can reach a query, and dropout only removes
// some of them at random (modules pass dropout_p = 0 in eval anyway).
at::Tensor scaled_dot_product_attention(const at::Tensor& query, const at::Tensor& key, const at::Tensor& value,
                                        const c10::optional<at::Tensor>& attn_mask, double /*dropout_p*/,
                                        bool is_causal, c10::optional<double> scale, bool enable_gqa) {
  const bool masked = attn_mask.has_value() && attn_mask->defined();
  TORCH_CHECK(!(is_causal && masked),
              "scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
  at::Tensor keys = key, values = value;
  if (enable_gqa) {
    TORCH_CHECK(query.dim() >= 3 && key.size(-3) > 0 && query.size(-3) % key.size(-3) == 0,
                "scaled_dot_product_attention: with enable_gqa the query heads must be a multiple of the key heads");
    keys = key.repeat_interleave(query.size(-3) / key.size(-3), -3);
    values = value.repeat_interleave(query.size(-3) / value.size(-3), -3);
  }
  const double factor = scale ? *scale : 1.0 / std::sqrt(static_cast<double>(query.size(-1)));
  at::Tensor scores = at::matmul(query, keys.transpose(-2, -1)) * factor;
  const double blocked = -std::numeric_limits<double>::infinity();
  if (is_causal) {
    const at::Tensor allowed = at::ones({query.size(-2), key.size(-2)}, query.options().dtype(at::kBool)).tril();
    scores = scores.masked_fill(allowed.logical_not(), blocked);
  }
  if (masked)
    scores = attn_mask->scalar_type() == at::kBool ? scores.masked_fill(attn_mask->logical_not(), blocked)
                                                  : scores + *attn_mask;
  return at::matmul(at::softmax(scores, -1), values);
}

}  // namespace

}  // namespace attnscope

TORCH_LIBRARY_FRAGMENT(aten, m) {
  m.def("scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, "
        "float dropout_p=0.0, bool is_causal=False, *, float? scale=None, bool enable_gqa=False) -> Tensor",
        &attnscope::scaled_dot_product_attention);
}
