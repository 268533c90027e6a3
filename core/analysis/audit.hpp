#pragma once
// `audit`: the effective token dependencies of a user's attention module, measured by the
// LibTorch engine (core/torch/audit_run.hpp) and judged here, headless, against a policy.
#include <cstdint>
#include <string>
#include <vector>

#include "core/cells/row_runs.hpp"
#include "core/scene/policy.hpp"
#include "core/scene/trace.hpp"

namespace attnscope {

struct AuditOptions {
  std::string file;
  std::string inputs;  // "qkv", "q,k,v", "x", or empty: follow forward's argument count
  int batch = 2;
  int n = 16;
  int heads = 2;
  int d = 8;
  uint64_t seed = 0;
};

// Output row (batch, q, head) depends on input token k of another batch row.
struct CrossBatchCell {
  int batch = 0;
  int head = 0;
  int q = 0;
  int reads_batch = 0;
  int k = 0;
  bool operator==(const CrossBatchCell&) const = default;
};

// One operation of the module's forward graph, in execution order.
struct AuditOp {
  std::string kind;  // "roll", "view", "matmul", ...
  std::vector<long> shape;
  std::string code;  // the module's own code for it
  int step = -1;     // index into AuditResult::steps when its provenance is known
};

struct AuditResult {
  std::string inputs;  // resolved input kind
  std::vector<long> output_shape;
  bool per_head = false;  // the output has a head axis (B, N, H, ...)
  // Per output head (one map without a head axis): cell (q, k) when output token q depends on
  // input token k of the same batch row, in any batch row.
  std::vector<RowRuns> dependencies;
  std::vector<CrossBatchCell> cross_batch;
  std::vector<AuditOp> ops;
  Trace steps;  // the data-movement ops whose outputs hold known tokens
  int output_step = -1;  // the step holding forward's output, when its provenance is known
  int forwards = 0;            // forward passes the measurement ran
  double forward_seconds = 0;  // one forward pass of the module, median
  double seconds = 0;          // the whole measurement
};

// A pattern the leaks fall into that names its likely cause.
struct AuditFinding {
  std::string name;  // its class: maskless-prefill
  int head = 0;      // the output head (0 without a head axis)
  std::string text;
};

struct AuditVerdict {
  std::vector<RowRuns> leaks;  // per head: dependencies the policy forbids
  int64_t total_leaks = 0;     // same-batch leaks plus cross-batch cells
  std::vector<AuditFinding> findings;
};

// Leaks per head, and maskless-prefill for a head whose outputs read every later token (the
// policy forbidding some of them): the multi-token forward applied no mask.
AuditVerdict audit_judge(const AuditResult& result, const Policy& policy);

// The result crosses a pipe from the process that ran the module (app/cli/isolated_run.hpp).
std::string audit_result_serialize(const AuditResult& result);
AuditResult audit_result_parse(const std::string& text);

// Why output token q of `head` depends on input token k, from the module's steps: the step
// that moved another query's result into row q, or the query itself reading k.
std::string audit_leak_reason(const AuditResult& result, int head, int q, int k);

}  // namespace attnscope
