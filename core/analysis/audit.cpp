#include "core/analysis/audit.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/analysis/leaks.hpp"

namespace attnscope {

namespace {

// Every cell with k > q: what a multi-token forward without a mask reads besides the past.
bool reads_every_later_token(const RowRuns& dependencies) {
  const int n = dependencies.rows();
  for (int q = 0; q + 1 < n; ++q) {
    const RowSpan runs = dependencies.row(q);
    const auto later = std::find_if(runs.begin(), runs.end(), [&](const Run& r) { return r.end > q + 1; });
    if (later == runs.end() || (*later).begin > q + 1 || (*later).end < n) return false;
  }
  return n > 1;
}

}  // namespace

AuditVerdict audit_judge(const AuditResult& result, const Policy& policy) {
  AuditVerdict verdict;
  const int n = result.dependencies.empty() ? 0 : result.dependencies.front().rows();
  verdict.leaks = leaks_per_head(result.dependencies, policy_allowed_cells(policy, n));
  for (size_t h = 0; h < verdict.leaks.size(); ++h) {
    verdict.total_leaks += verdict.leaks[h].count();
    if (verdict.leaks[h].count() > 0 && reads_every_later_token(result.dependencies[h]))
      verdict.findings.push_back(
          {"maskless-prefill", static_cast<int>(h),
           fmt::format("{}: every output reads every later token: the multi-token forward applies "
                       "no mask (a prefill run without its causal mask)",
                       result.per_head ? fmt::format("head {}", h) : std::string("output"))});
  }
  verdict.total_leaks += static_cast<int64_t>(result.cross_batch.size());
  return verdict;
}

namespace {

nlohmann::json runs_json(const RowRuns& runs) {
  nlohmann::json rows = nlohmann::json::array();
  for (int row = 0; row < runs.rows(); ++row) {
    nlohmann::json row_runs = nlohmann::json::array();
    for (const Run run : runs.row(row))
      row_runs.push_back({run.begin, run.end});
    rows.push_back(row_runs);
  }
  return {{"cols", runs.cols()}, {"rows", rows}};
}

RowRuns runs_parse(const nlohmann::json& j) {
  const auto& rows = j.at("rows");
  RowRuns runs(static_cast<int>(rows.size()), j.at("cols").get<int>());
  for (const auto& row : rows) {
    std::vector<Run> row_runs;
    for (const auto& run : row) row_runs.push_back({run[0].get<int32_t>(), run[1].get<int32_t>()});
    runs.append_row(row_runs);
  }
  return runs;
}

nlohmann::json step_json(const Step& step) {
  return {{"name", step.name},   {"explanation", step.explanation}, {"why", step.why}, {"code", step.code},
          {"shape", step.shape}, {"axes", step.axes},               {"rows", step.rows},
          {"heads", step.heads}, {"tokens", head_columns_to_rows(step.tokens, step.rows, step.heads)},           {"batch", step.batch},
          {"groups", head_columns_to_rows(step.groups, step.rows, step.heads)}, {"head_part", step.head_part}};
}

Step step_parse(const nlohmann::json& j) {
  Step step;
  j.at("name").get_to(step.name);
  j.at("explanation").get_to(step.explanation);
  j.at("why").get_to(step.why);
  j.at("code").get_to(step.code);
  j.at("shape").get_to(step.shape);
  j.at("axes").get_to(step.axes);
  j.at("rows").get_to(step.rows);
  j.at("heads").get_to(step.heads);
  step.tokens = head_columns_from_rows(j.at("tokens").get<std::vector<int>>(), step.rows, step.heads);
  j.at("batch").get_to(step.batch);
  step.groups = head_columns_from_rows(j.at("groups").get<std::vector<int>>(), step.rows, step.heads);
  j.at("head_part").get_to(step.head_part);
  return step;
}

}  // namespace

std::string audit_result_serialize(const AuditResult& result) {
  nlohmann::json dependencies = nlohmann::json::array(), cross = nlohmann::json::array(),
                 ops = nlohmann::json::array(), steps = nlohmann::json::array();
  for (const RowRuns& runs : result.dependencies) dependencies.push_back(runs_json(runs));
  for (const CrossBatchCell& c : result.cross_batch)
    cross.push_back({c.batch, c.head, c.q, c.reads_batch, c.k});
  for (const AuditOp& op : result.ops)
    ops.push_back({{"kind", op.kind}, {"shape", op.shape}, {"code", op.code}, {"step", op.step}});
  for (const Step& step : result.steps.steps) steps.push_back(step_json(step));
  return nlohmann::json{{"inputs", result.inputs},
                        {"output_shape", result.output_shape},
                        {"per_head", result.per_head},
                        {"dependencies", dependencies},
                        {"cross_batch", cross},
                        {"ops", ops},
                        {"steps", steps},
                        {"output_step", result.output_step},
                        {"forwards", result.forwards},
                        {"forward_seconds", result.forward_seconds},
                        {"seconds", result.seconds}}
      .dump();
}

AuditResult audit_result_parse(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text);
  AuditResult result;
  j.at("inputs").get_to(result.inputs);
  j.at("output_shape").get_to(result.output_shape);
  j.at("per_head").get_to(result.per_head);
  for (const auto& runs : j.at("dependencies")) result.dependencies.push_back(runs_parse(runs));
  for (const auto& c : j.at("cross_batch"))
    result.cross_batch.push_back({c[0].get<int>(), c[1].get<int>(), c[2].get<int>(),
                                  c[3].get<int>(), c[4].get<int>()});
  for (const auto& op : j.at("ops"))
    result.ops.push_back({op.at("kind").get<std::string>(), op.at("shape").get<std::vector<long>>(),
                          op.at("code").get<std::string>(), op.at("step").get<int>()});
  for (const auto& step : j.at("steps")) result.steps.steps.push_back(step_parse(step));
  j.at("output_step").get_to(result.output_step);
  j.at("forwards").get_to(result.forwards);
  j.at("forward_seconds").get_to(result.forward_seconds);
  j.at("seconds").get_to(result.seconds);
  return result;
}

std::string audit_leak_reason(const AuditResult& result, int head, int q, int k) {
  const auto& steps = result.steps.steps;
  const int column = result.per_head ? head : 0;
  auto holds = [&](const Step& step) {
    return step.rows > q && column < step.heads ? step.token(q, column) : -1;
  };
  if (result.output_step < 0 || holds(steps[result.output_step]) < 0)
    return fmt::format("output {} depends on input {}; the module's steps do not show which query "
                       "produced it", q, k);
  const int query = holds(steps[result.output_step]);
  if (query == q)
    return fmt::format("output {} is query {}'s own result, and query {} reads key {}: the mask "
                       "lets it", q, q, q, k);
  size_t moved = static_cast<size_t>(result.output_step);
  while (moved > 0 && holds(steps[moved - 1]) == query) --moved;
  return fmt::format("output {} holds the result of query {}, placed there by step {} ({}: {}); "
                     "query {} reads key {}",
                     q, query, moved, steps[moved].name, steps[moved].code, query, k);
}

}  // namespace attnscope
