#include "core/policy.hpp"

#include <fmt/format.h>

#include <numeric>

#include "core/scene.hpp"

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

}  // namespace

Policy policy_parse(const std::string& text, int n) {
  Policy policy;
  if (text == "causal") return policy;
  if (text == "bidirectional") {
    policy.kind = Policy::Kind::Bidirectional;
    return policy;
  }
  if (text.rfind("prefix:", 0) == 0) {
    policy.kind = Policy::Kind::Prefix;
    policy.prefix = static_cast<int>(parse_int(text.substr(7), "policy"));
    if (policy.prefix < 0 || policy.prefix > n)
      throw SceneError(fmt::format("policy: prefix {} is outside 0..{} (n); use prefix:P with "
                                   "0 <= P <= n",
                                   policy.prefix, n));
    return policy;
  }
  if (text.rfind("documents:", 0) == 0) {
    policy.kind = Policy::Kind::Documents;
    for (int64_t length : parse_int_list(text.substr(10), "policy")) {
      if (length <= 0)
        throw SceneError("policy: document lengths must be positive, e.g. documents:6,10");
      policy.doc_lengths.push_back(static_cast<int>(length));
    }
    const int total = std::accumulate(policy.doc_lengths.begin(), policy.doc_lengths.end(), 0);
    if (total != n)
      throw SceneError(fmt::format("policy: document lengths add up to {} but n is {}; give "
                                   "lengths that sum to n, e.g. documents:{},{}",
                                   total, n, n / 2, n - n / 2));
    return policy;
  }
  throw SceneError("policy: unknown policy '" + text +
                   "'; use causal, bidirectional, prefix:P or documents:a,b,c");
}

std::string policy_name(const Policy& policy) {
  switch (policy.kind) {
    case Policy::Kind::Causal: return "causal";
    case Policy::Kind::Bidirectional: return "bidirectional";
    case Policy::Kind::Prefix: return fmt::format("prefix:{}", policy.prefix);
    case Policy::Kind::Documents: return fmt::format("documents:{}", fmt::join(policy.doc_lengths, ","));
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
    case Policy::Kind::Documents: {
      const int dq = document_of(policy, q);
      const int dk = document_of(policy, k);
      if (dq != dk)
        return fmt::format("query {} is in document {} but key {} is in document {}", q, dq, k, dk);
      return fmt::format("key {} comes after query {} inside document {}", k, q, dq);
    }
  }
  return {};
}

}  // namespace attnscope
