#pragma once
// What the subcommands print, as JSON documents and as text, built from an Analysis.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "app/cli/streamed_json.hpp"
#include "core/analysis/analysis.hpp"

namespace attnscope {

nlohmann::json variants_json();
// head < 0: every head.
nlohmann::json mask_json(const Analysis& analysis, int head);
// Documents whose run lists are written as they are printed (see streamed_json.hpp).
StreamedDocument leaks_json(const Analysis& analysis, int64_t limit);
StreamedDocument steps_json(const Analysis& analysis);
// The [a, b, c] runs those documents would list, counted without writing them.
int64_t leaks_json_runs(const Analysis& analysis);
int64_t steps_json_runs(const Analysis& analysis);

void variants_text(std::ostream& out);
void mask_text(const Analysis& analysis, int head, std::ostream& out);
void leaks_text(const Analysis& analysis, int64_t limit, std::ostream& out);
void steps_text(const Analysis& analysis, std::ostream& out);

// One row of the grid: '#' allowed, 'X' allowed but forbidden by the policy, '.' masked.
std::string mask_row_text(const Analysis& analysis, int head, int q);
// The same row in the frame (rolled/grouped) coordinates: row and columns are frame slots.
std::string mask_frame_row_text(const Analysis& analysis, int head, int slot);
// Text grids in the frame coordinates of a grouped variant; throws SceneError for the others.
void mask_frame_text(const Analysis& analysis, int head, std::ostream& out);

}  // namespace attnscope
