#pragma once
// What mask, leaks and cost print about a model stack: each layer's pattern and leaks, and what
// the receptive field does through the layers.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "core/analysis/stack_model.hpp"

namespace attnscope {

void stack_reach_text(const StackModel& model, const StackReach& reach, std::ostream& out);
nlohmann::json stack_reach_json(const StackModel& model, const StackReach& reach);
void stack_cost_text(const StackModel& model, std::ostream& out);
nlohmann::json stack_cost_json(const StackModel& model);

}  // namespace attnscope
