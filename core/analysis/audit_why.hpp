#pragma once
// Why each step of an audited module is there, as the variants' steps say it: the step is an op
// of the module's forward (named by the op, "input" or "attention"), and what that op does to
// the tokens decides what a reader should watch for.
#include <string>

#include "core/scene/trace.hpp"

namespace attnscope {

// What the rows of an audited step hold: the token each position holds (before attention), or
// the result of the query each position holds (attention and after).
enum class AuditRows { Tokens, Results };

// One line for `step`, never empty: an op the rule does not know is still a data movement.
// Numbers (the tokens a roll wraps, a view's group size) are read off the step's own plane.
std::string audit_step_why(const Step& step, AuditRows rows);

}  // namespace attnscope
