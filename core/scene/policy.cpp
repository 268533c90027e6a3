#include "core/scene/policy.hpp"

#include <fmt/format.h>

#include <numeric>

#include "core/base/input_error.hpp"
#include "core/base/parse_numbers.hpp"

namespace attnscope {

namespace {

int document_of(const Policy& policy, int token) {
  int start = 0;
  for (size_t d = 0; d < policy.doc_lengths.size(); ++d) {
    start += policy.doc_lengths[d];
    if (token < start) return static_cast<int>(d);
  }
  return static_cast<int>(policy.doc_lengths.size()) - 1;
}

int document_start(const Policy& policy, int doc) {
  return std::accumulate(policy.doc_lengths.begin(), policy.doc_lengths.begin() + doc, 0);
}

std::vector<int> document_lengths(const std::string& text, int n) {
  std::vector<int> lengths;
  for (int64_t length : parse_int_list(text, "policy")) {
    if (length <= 0)
      throw SceneError("policy: document lengths must be positive, e.g. documents:6,10");
    lengths.push_back(static_cast<int>(length));
  }
  const int total = std::accumulate(lengths.begin(), lengths.end(), 0);
  if (total != n)
    throw SceneError(fmt::format("policy: document lengths add up to {} but n is {}; give "
                                 "lengths (not offsets) that sum to n, e.g. documents:{},{}",
                                 total, n, n / 2, n - n / 2));
  return lengths;
}

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

Policy policy_parse(const std::string& text, int n) {
  Policy policy;
  if (text == "causal") return policy;
  if (text == "bidirectional") {
    policy.kind = Policy::Kind::Bidirectional;
    return policy;
  }
  if (starts_with(text, "prefix:")) {
    policy.kind = Policy::Kind::Prefix;
    policy.prefix = static_cast<int>(parse_int(text.substr(7), "policy"));
    if (policy.prefix < 0 || policy.prefix > n)
      throw SceneError(fmt::format("policy: prefix {} is outside 0..{} (n); use prefix:P with "
                                   "0 <= P <= n",
                                   policy.prefix, n));
    return policy;
  }
  if (starts_with(text, "documents:")) {
    policy.kind = Policy::Kind::Documents;
    policy.doc_lengths = document_lengths(text.substr(10), n);
    return policy;
  }
  if (starts_with(text, "documents-bidirectional:")) {
    policy.kind = Policy::Kind::DocumentsBidirectional;
    policy.doc_lengths = document_lengths(text.substr(24), n);
    return policy;
  }
  if (starts_with(text, "window:")) {
    policy.kind = Policy::Kind::Window;
    policy.window = static_cast<int>(parse_int(text.substr(7), "policy"));
    if (policy.window < 1)
      throw SceneError("policy: window:W needs W >= 1 keys (the query itself counts), e.g. window:4");
    return policy;
  }
  throw SceneError("policy: unknown policy '" + text +
                   "'; use causal, bidirectional, prefix:P, documents:a,b,c, "
                   "documents-bidirectional:a,b,c or window:W");
}

std::vector<int> cu_seqlens_lengths(const std::vector<int64_t>& offsets, int n) {
  if (offsets.size() < 2 || offsets.front() != 0 || offsets.back() != n)
    throw SceneError(fmt::format("cu-seqlens: offsets must start at 0 and end at {} (the keys), "
                                 "e.g. 0,{},{}",
                                 n, n / 2, n));
  std::vector<int> lengths;
  for (size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] <= offsets[i - 1])
      throw SceneError(fmt::format("cu-seqlens: offsets must increase, but {} follows {}; give "
                                   "cumulative offsets 0, l0, l0+l1, ...",
                                   offsets[i], offsets[i - 1]));
    lengths.push_back(static_cast<int>(offsets[i] - offsets[i - 1]));
  }
  return lengths;
}

Policy policy_with_cu_seqlens(const Policy& base, const std::vector<int64_t>& offsets, int n) {
  if (base.kind != Policy::Kind::Causal && base.kind != Policy::Kind::Bidirectional)
    throw SceneError("cu-seqlens: combine it with --policy causal or bidirectional, not " +
                     policy_name(base));
  Policy policy;
  policy.kind = base.kind == Policy::Kind::Causal ? Policy::Kind::Documents
                                                  : Policy::Kind::DocumentsBidirectional;
  policy.doc_lengths = cu_seqlens_lengths(offsets, n);
  return policy;
}

std::string policy_name(const Policy& policy) {
  switch (policy.kind) {
    case Policy::Kind::Causal: return "causal";
    case Policy::Kind::Bidirectional: return "bidirectional";
    case Policy::Kind::Prefix: return fmt::format("prefix:{}", policy.prefix);
    case Policy::Kind::Documents: return fmt::format("documents:{}", fmt::join(policy.doc_lengths, ","));
    case Policy::Kind::DocumentsBidirectional:
      return fmt::format("documents-bidirectional:{}", fmt::join(policy.doc_lengths, ","));
    case Policy::Kind::Window: return fmt::format("window:{}", policy.window);
  }
  return "causal";
}

bool policy_allows(const Policy& policy, int q, int k) {
  switch (policy.kind) {
    case Policy::Kind::Causal: return k <= q;
    case Policy::Kind::Bidirectional: return true;
    case Policy::Kind::Prefix: return k <= q || (q < policy.prefix && k < policy.prefix);
    case Policy::Kind::Documents:
      return k <= q && document_of(policy, q) == document_of(policy, k);
    case Policy::Kind::DocumentsBidirectional: return document_of(policy, q) == document_of(policy, k);
    case Policy::Kind::Window: return k <= q && q - k < policy.window;
  }
  return false;
}

RowRuns policy_allowed_cells(const Policy& policy, int n) {
  RowRuns cells(n, n);
  for (int q = 0; q < n; ++q) {
    switch (policy.kind) {
      case Policy::Kind::Causal: cells.append_row({{0, q + 1}}); break;
      case Policy::Kind::Bidirectional: cells.append_row({{0, n}}); break;
      case Policy::Kind::Prefix:
        cells.append_row({{0, q < policy.prefix ? policy.prefix : q + 1}});
        break;
      case Policy::Kind::Documents:
        cells.append_row({{document_start(policy, document_of(policy, q)), q + 1}});
        break;
      case Policy::Kind::DocumentsBidirectional: {
        const int doc = document_of(policy, q);
        const int start = document_start(policy, doc);
        cells.append_row({{start, start + policy.doc_lengths[doc]}});
        break;
      }
      case Policy::Kind::Window:
        cells.append_row({{std::max(0, q - policy.window + 1), q + 1}});
        break;
    }
  }
  return cells;
}

std::string policy_reason(const Policy& policy, int q, int k) {
  switch (policy.kind) {
    case Policy::Kind::Causal:
      return fmt::format("key {} comes after query {}, and the causal policy forbids looking ahead",
                         k, q);
    case Policy::Kind::Bidirectional: return "the bidirectional policy allows every cell";
    case Policy::Kind::Prefix:
      return fmt::format("key {} comes after query {} and is not in the shared prefix [0, {})", k,
                         q, policy.prefix);
    case Policy::Kind::Documents:
    case Policy::Kind::DocumentsBidirectional: {
      const int dq = document_of(policy, q);
      const int dk = document_of(policy, k);
      if (dq != dk)
        return fmt::format("query {} is in document {} but key {} is in document {}", q, dq, k, dk);
      return fmt::format("key {} comes after query {} inside document {}", k, q, dq);
    }
    case Policy::Kind::Window:
      if (k > q)
        return fmt::format("key {} comes after query {}, and the window policy is causal", k, q);
      if (q - k == policy.window)
        return fmt::format("key {} is {} tokens before query {}: one key more than the window of {}",
                           k, q - k, q, policy.window);
      return fmt::format("key {} is {} tokens before query {}, outside the window of {} keys", k,
                         q - k, q, policy.window);
  }
  return {};
}

}  // namespace attnscope
