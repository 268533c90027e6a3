// The module's own steps. forward's graph is inlined and every tensor an op produces becomes an
// extra graph output; the graph then runs twice:
//  - on "token codes": every input element holds the code of its (batch, token, q/k/v, head),
//    so the output of any data-movement op tells which token each position holds;
//  - on "query codes": v holds the codes and q = k = a large vector per token, so each query
//    attends almost only to itself and an attention output row carries the code of the query
//    whose result it is, through softmax, matmul and the roll back.
#include <fmt/format.h>
#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/runtime/interpreter.h>

#include <cmath>
#include <set>

#include "core/analysis/audit_why.hpp"
#include "core/torch/audit_module.hpp"

namespace attnscope {

namespace {

// Ops that move elements without combining them, and the ones that carry a query's result.
const std::set<std::string>& provenance_ops() {
  static const std::set<std::string> ops = {
      "roll", "view", "reshape", "transpose", "permute", "chunk", "unbind", "split", "cat",
      "stack", "index_select", "gather", "contiguous", "flatten", "unflatten", "select", "slice",
      "expand", "repeat", "flip", "narrow", "squeeze", "unsqueeze", "t", "clone", "matmul", "bmm",
      "einsum", "baddbmm", "ConstantChunk", "ListUnpack", "TupleUnpack", "index", "movedim",
      "scaled_dot_product_attention"};
  return ops;
}

bool moves_only(const std::string& kind) {
  return kind != "matmul" && kind != "bmm" && kind != "einsum" && kind != "baddbmm" &&
         kind != "scaled_dot_product_attention";
}

struct Recorded {
  torch::jit::Value* value;
  std::string kind;
  std::string code;
  bool moved;  // computed from the inputs by data movement alone
  std::string explanation;  // what the op does, when its arguments say more than its name
};

// PyTorch 2's fused attention in one step: which mask it applied, read from the call's constant
// arguments (attn_mask, is_causal; see core/torch/sdpa_operator.cpp for its semantics).
std::string sdpa_explanation(const torch::jit::Node* node) {
  const c10::optional<c10::IValue> mask = torch::jit::toIValue(node->input(3));
  const c10::optional<c10::IValue> causal = torch::jit::toIValue(node->input(5));
  const bool no_mask = mask && mask->isNone();
  if (causal && causal->isBool() && causal->toBool())
    return "attention (scaled_dot_product_attention): causal, aligned top-left (query i reads keys 0..i "
           "of its own rows, whatever the number of keys)";
  if (no_mask) return "attention (scaled_dot_product_attention): no mask, so every query reads every key";
  return "attention (scaled_dot_product_attention): the module's attn_mask decides (bool True = attend, "
         "float added to the scores)";
}

bool holds_tensors(const torch::jit::Value* value) {
  const auto& type = value->type();
  if (type->kind() == c10::TypeKind::TensorType) return true;
  const auto list = type->cast<c10::ListType>();
  return list && list->getElementType()->kind() == c10::TypeKind::TensorType;
}

std::string op_kind(const torch::jit::Node* node) {
  // chunk/unbind/split return lists that ListUnpack spreads into tensors: name them by the op.
  if (node->kind() == c10::prim::ListUnpack && node->input(0)->node()->kind() != c10::prim::Param)
    return op_kind(node->input(0)->node());
  return node->kind().toUnqualString();
}

std::string source_line(const torch::jit::Node* node) {
  if (node->kind() == c10::prim::ListUnpack && node->input(0)->node()->kind() != c10::prim::Param)
    return source_line(node->input(0)->node());
  // The whole line of the module's (serialized) code that holds the op.
  const torch::jit::SourceRange& range = node->sourceRange();
  if (!range.source()) return "";  // ops the compiler added have no source
  const std::string text = range.source()->text_str().str();
  const size_t start = std::min(range.start(), text.size());
  const size_t begin = text.rfind('\n', start == 0 ? 0 : start - 1);
  const size_t end = text.find('\n', start);
  std::string line = text.substr(begin == std::string::npos ? 0 : begin + 1,
                                 end == std::string::npos ? std::string::npos : end - (begin == std::string::npos ? 0 : begin + 1));
  const size_t first = line.find_first_not_of(" \t");
  return first == std::string::npos ? "" : line.substr(first);
}

// Element code of (batch, token, part, head): part 0, 1, 2 is q, k, v (0 for hidden states).
int64_t element_code(const AuditLayout& l, int64_t b, int64_t n, int64_t part, int64_t h) {
  return ((b * l.n + n) * 3 + part) * l.heads + h;
}

std::vector<at::Tensor> coded_inputs(const AuditLayout& l, bool query_codes, uint64_t seed) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed + 7);
  // Unit directions per (batch, token, head): a query scores itself far above any other key.
  const at::Tensor directions = at::randn({l.batch, l.n, l.heads, l.d}, generator);
  const at::Tensor self_seeking = directions / directions.norm(2, -1, true) * 100.0;
  auto codes = [&](int64_t part) {
    at::Tensor t = at::empty({l.batch, l.n, l.heads, l.d}, at::kFloat);
    auto a = t.accessor<float, 4>();
    for (int64_t b = 0; b < l.batch; ++b)
      for (int64_t n = 0; n < l.n; ++n)
        for (int64_t h = 0; h < l.heads; ++h)
          for (int64_t d = 0; d < l.d; ++d) a[b][n][h][d] = static_cast<float>(element_code(l, b, n, part, h));
    return t;
  };
  auto part_tensor = [&](int64_t part) { return query_codes && part < 2 ? self_seeking : codes(part); };
  if (l.kind == "qkv") return {at::stack({part_tensor(0), part_tensor(1), part_tensor(2)}, 2)};
  if (l.kind == "q,k,v") return {part_tensor(0), part_tensor(1), part_tensor(2)};
  return {codes(0).reshape({l.batch, l.n, l.heads * l.d})};
}

// A token-by-head plane from a tensor of element codes: rows are the tensor's first B·N slices
// in memory order. False when the tensor is not one (values that are not codes, a row holding
// two tokens of one head or two batch rows).
bool plane_decode(const at::Tensor& tensor, const AuditLayout& l, bool values_only, Step& step) {
  if (!at::isFloatingType(tensor.scalar_type())) return false;
  const int64_t rows = static_cast<int64_t>(l.batch) * l.n;
  const at::Tensor flat = tensor.to(at::kDouble).contiguous().view({-1});
  if (flat.numel() == 0 || flat.numel() % rows != 0) return false;
  const int64_t per_row = flat.numel() / rows;
  const double* values = flat.data_ptr<double>();
  const int64_t codes = element_code(l, l.batch - 1, l.n - 1, 2, l.heads - 1) + 1;
  step.rows = static_cast<int>(rows);
  step.heads = l.heads;
  std::vector<int> tokens(static_cast<size_t>(rows) * l.heads, -1);
  step.batch.assign(rows, -1);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < per_row; ++i) {
      const double value = values[r * per_row + i];
      const double code = std::round(value);
      if (std::abs(value - code) > 1e-3 || code < 0 || code >= codes) return false;
      const int64_t c = static_cast<int64_t>(code);
      const int64_t h = c % l.heads, part = c / l.heads % 3, bn = c / l.heads / 3;
      if (values_only && part != 2) return false;
      int& token = tokens[static_cast<size_t>(r) * l.heads + h];
      int& batch = step.batch[r];
      if ((token >= 0 && token != bn % l.n) || (batch >= 0 && batch != bn / l.n)) return false;
      token = static_cast<int>(bn % l.n);
      batch = static_cast<int>(bn / l.n);
    }
  std::vector<int> groups(tokens.size(), -1);
  const auto& shape = step.shape;
  // A (B·N/G, G, ...) view: row r sits in group r / G.
  if (shape.size() >= 3 && shape[0] * shape[1] == rows && shape[0] != l.batch && shape[0] != l.n)
    for (int64_t r = 0; r < rows; ++r)
      for (int h = 0; h < l.heads; ++h) groups[static_cast<size_t>(r) * l.heads + h] = static_cast<int>(r / shape[1]);
  step.tokens = head_columns_from_rows(tokens, step.rows, l.heads);
  step.groups = head_columns_from_rows(groups, step.rows, l.heads);
  step.head_part.assign(l.heads, -1);
  return true;
}

bool same_plane(const Step& a, const Step& b) {
  return a.tokens == b.tokens && a.batch == b.batch && a.groups == b.groups;
}

}  // namespace

void audit_steps_record(torch::jit::Module& module, const AuditLayout& layout, uint64_t seed,
                        AuditResult& result) {
  std::shared_ptr<torch::jit::Graph> graph = module.get_method("forward").graph()->copy();
  // One pass inlines the calls it finds, not the calls inside what it inlined.
  auto has_calls = [&] {
    for (const torch::jit::Node* node : graph->nodes())
      if (node->kind() == c10::prim::CallFunction || node->kind() == c10::prim::CallMethod) return true;
    return false;
  };
  for (int pass = 0; pass < 32 && has_calls(); ++pass) torch::jit::Inline(*graph);
  const torch::jit::Value* output = graph->outputs()[0];
  std::vector<Recorded> recorded;
  // Only values that data movement alone made from the inputs hold token codes in the first
  // run; after a softmax or matmul the codes mean nothing and the query-code run takes over.
  std::set<const torch::jit::Value*> moved(graph->inputs().begin(), graph->inputs().end());
  for (torch::jit::Node* node : graph->nodes()) {
    if (node->kind() == c10::prim::Constant) continue;
    const std::string kind = op_kind(node);
    const bool passes = node->kind() == c10::prim::ListConstruct || node->kind() == c10::prim::ListUnpack ||
                        (provenance_ops().count(kind) && moves_only(kind));
    bool from_moved = passes;
    for (const torch::jit::Value* input : node->inputs())
      if (holds_tensors(input) && !moved.count(input)) from_moved = false;
    for (torch::jit::Value* output : node->outputs()) {
      if (from_moved) moved.insert(output);
      if (output->type()->kind() == c10::TypeKind::TensorType)
        recorded.push_back({output, kind, source_line(node), from_moved,
                            kind == "scaled_dot_product_attention" ? sdpa_explanation(node) : ""});
    }
  }
  for (const Recorded& r : recorded) graph->registerOutput(r.value);
  const torch::jit::Code code(graph, "audit_steps");
  auto run = [&](bool query_codes) {
    torch::jit::Stack stack{module._ivalue()};
    for (const at::Tensor& input : coded_inputs(layout, query_codes, seed)) stack.emplace_back(input);
    torch::jit::InterpreterState(code).run(stack);
    return std::vector<c10::IValue>(stack.end() - static_cast<long>(recorded.size()), stack.end());
  };
  const std::vector<c10::IValue> tokens = run(false);
  const std::vector<c10::IValue> queries = layout.kind == "x" ? tokens : run(true);

  Step input;
  input.name = "input";
  input.explanation = "forward's input: every row holds its own token";
  input.shape.assign(layout.shapes[0].begin(), layout.shapes[0].end());
  plane_decode(coded_inputs(layout, false, seed)[0], layout, false, input);
  input.why = audit_step_why(input, AuditRows::Tokens);
  result.steps.steps.push_back(input);
  // SDPA's output is (B, H, N, D), not a token plane: its step is shown at the next op that puts the
  // rows back in token order (the transpose after it), named and explained by the attention call.
  const Recorded* pending_attention = nullptr;
  for (size_t i = 0; i < recorded.size(); ++i) {
    const Recorded& r = recorded[i];
    const at::Tensor t = tokens[i].toTensor();
    AuditOp op{r.kind, std::vector<long>(t.sizes().begin(), t.sizes().end()), r.code, -1};
    if (provenance_ops().count(r.kind)) {
      Step step;
      step.name = r.explanation.empty() ? r.kind : "attention";
      step.code = r.code;
      step.shape = op.shape;
      for (size_t a = 0; a < step.shape.size(); ++a) step.axes.push_back(fmt::format("d{}", a));
      const bool by_tokens = r.moved && plane_decode(t, layout, false, step);
      bool known = by_tokens;
      if (!known) {
        step.explanation = r.explanation.empty() ? "rows hold the result of the query shown"
                                                 : r.explanation + "; rows hold the result of the query shown";
        known = plane_decode(queries[i].toTensor(), layout, true, step);
      } else {
        step.explanation = "rows hold the token shown";
      }
      if (!known && !r.explanation.empty()) pending_attention = &r;
      if (known && pending_attention && r.explanation.empty()) {
        step.name = "attention";
        step.explanation = pending_attention->explanation + "; rows hold the result of the query shown";
        step.code = pending_attention->code;
        pending_attention = nullptr;
      }
      // The attention step shows even when its rows stay in place: it is where the mask acts.
      const bool attention = step.name == "attention";
      if (known && (attention || !same_plane(step, result.steps.steps.back()))) {
        step.why = audit_step_why(step, by_tokens ? AuditRows::Tokens : AuditRows::Results);
        result.steps.steps.push_back(std::move(step));
      }
      if (known) op.step = static_cast<int>(result.steps.steps.size()) - 1;
    }
    if (r.value == output) result.output_step = op.step;
    result.ops.push_back(std::move(op));
  }
}

}  // namespace attnscope
