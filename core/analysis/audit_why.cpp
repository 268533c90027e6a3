#include "core/analysis/audit_why.hpp"

#include <fmt/format.h>

#include <initializer_list>
#include <map>
#include <set>
#include <vector>

#include "core/variants/masked_trace.hpp"

namespace attnscope {

namespace {

bool is_one_of(const std::string& kind, std::initializer_list<const char*> kinds) {
  for (const char* k : kinds)
    if (kind == k) return true;
  return false;
}

// The tokens of batch row 0 that a roll carried around the end: their position minus their
// token differs from the one most tokens share. Empty when no head holds such tokens.
std::vector<int> wrapped_tokens(const Step& step) {
  for (int h = 0; h < step.heads; ++h) {
    std::vector<std::pair<int, int>> held;  // (position in the sequence, token)
    for (int r = 0; r < step.rows; ++r)
      if (step.batch[r] == 0 && step.token(r, h) >= 0) held.push_back({static_cast<int>(held.size()), step.token(r, h)});
    std::map<int, int> moves;
    for (const auto& [position, token] : held) ++moves[position - token];
    if (moves.size() < 2) continue;
    int usual = moves.begin()->first;
    for (const auto& [move, count] : moves)
      if (count > moves[usual]) usual = move;
    std::set<int> wrapped;
    for (const auto& [position, token] : held)
      if (position - token != usual) wrapped.insert(token);
    return {wrapped.begin(), wrapped.end()};
  }
  return {};
}

// Tokens per group of the first grouped head, when the step groups them (a (B·N/G, G, ...)
// view); 0 when it does not. A part of the heads (a chunk) leaves the others ungrouped.
int group_size(const Step& step) {
  for (int h = 0; h < step.heads && step.rows > 0; ++h) {
    if (step.group(0, h) < 0) continue;
    int size = 0;
    while (size < step.rows && step.group(size, h) == step.group(0, h)) ++size;
    return size;
  }
  return 0;
}

std::string roll_why(const Step& step, AuditRows rows) {
  if (rows == AuditRows::Results)
    return "the roll back: each query's result must return to the query's own position, or the "
           "next layer reads it as another token's output";
  const std::vector<int> wrapped = wrapped_tokens(step);
  if (wrapped.empty())
    return "a roll moves the tokens along an axis: where a token lands decides which group it joins, "
           "and so which keys it may read";
  return fmt::format("tokens {} wrap around to the other end, so the group that holds them joins "
                     "the end of the sequence to its start",
                     token_list_text(wrapped));
}

std::string view_why(const Step& step, AuditRows rows) {
  if (const int g = group_size(step); g > 0 && rows == AuditRows::Tokens)
    return fmt::format("a view: the rows are cut into groups of G = {} tokens; attention runs inside "
                       "each group, so only tokens that share one can read each other",
                       g);
  return "a view: the tensor takes a new shape and no data moves, so each row keeps what it held";
}

}  // namespace

std::string audit_step_why(const Step& step, AuditRows rows) {
  const std::string& kind = step.name;
  if (kind == "input")
    return "forward's input, filled with codes that name each element's token, part and head: every "
           "later step shows which token each row holds";
  if (kind == "attention")
    return "one fused call computes scores, mask, softmax and the weighted sum: the mask it is given "
           "decides which keys each query reads";
  if (is_one_of(kind, {"matmul", "bmm", "einsum", "baddbmm"})) return step_why::kWeightedSum;
  if (kind == "roll") return roll_why(step, rows);
  if (is_one_of(kind, {"view", "reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "expand"}))
    return view_why(step, rows);
  if (is_one_of(kind, {"transpose", "permute", "movedim", "t"}))
    return "the axes trade places so the next op finds the axis it works on where it expects it; "
           "each row keeps its token";
  if (is_one_of(kind, {"contiguous", "clone"}))
    return "a copy in the new axis order: memory follows the shape, no token changes place";
  if (is_one_of(kind, {"chunk", "split", "unbind", "ConstantChunk", "ListUnpack", "TupleUnpack", "select",
                       "slice", "narrow"}))
    return "takes one part out of the packed tensor (q, k or v, or some of the heads), so it can be "
           "treated on its own; its rows keep their tokens";
  if (is_one_of(kind, {"cat", "stack"}))
    return "joins the parts back into one tensor: each part's rows keep what they held, so a part "
           "that was moved stays moved";
  if (kind == "flip") return "reverses the order along an axis: each row now holds the token from the other end";
  if (is_one_of(kind, {"index_select", "gather", "index"}))
    return "picks rows by an index: each row holds the token its index names, so a wrong index puts "
           "one token where another should be";
  if (kind == "repeat") return "copies the tensor along an axis: every copy holds the same tokens";
  return fmt::format("{} moves elements without combining them: the token each row holds is read off "
                     "its output",
                     kind);
}

}  // namespace attnscope
