// Inspector: everything about the hovered (or pinned) cell, and why it is or is not allowed.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "app/gui/text_fit.hpp"
#include "app/gui/view_context.hpp"
#include "core/analysis/values_window.hpp"
#include "core/base/digits.hpp"
#include "core/scene/policy.hpp"

namespace attnscope {

namespace {

std::string why(const Analysis& a, const Cell& c) {
  if (a.leaks_at(c.head, c.q, c.k)) return a.leak_explanation(c.head, c.q, c.k);
  if (a.allowed(c.head, c.q, c.k)) return a.variant->explain_allowed(a.build, c.head, c.q, c.k);
  if (!policy_allows(a.policy, c.q, c.k))
    return "masked: " + policy_reason(a.policy, c.q, c.k) + ", and the variant masks it too.";
  if (a.build.frame) {
    const HeadFrame& f = a.build.frame->heads[c.head];
    const int sq = f.segment_of_slot(f.slot_of_token[c.q]), sk = f.segment_of_slot(f.slot_of_token[c.k]);
    if (sq != sk)
      return "masked: the policy would allow it, but query and key sit in different groups (" +
             std::to_string(sq) + " and " + std::to_string(sk) + "), which never meet.";
    return "masked: same group, but the mask inside the group drops it.";
  }
  return "masked by the variant, although the policy would allow it.";
}

// "query 5" or, with token text, "query 5 "cat"".
std::string token_named(const AppState& state, const char* role, int t) {
  const std::string text = state.token_label(t);
  return text.empty() ? fmt::format("{} {}", role, digits_grouped(t))
                      : fmt::format("{} {} \u201c{}\u201d", role, digits_grouped(t), text);
}

// The hovered or pinned cell, or a hint when there is none.
std::optional<Cell> focus_or_hint(const AppState& state) {
  const auto focus = state.focus();
  if (!state.analysis || !focus) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrapped("Hover a heatmap cell or a token; click a cell to pin it.");
    ImGui::PopStyleColor();
    return std::nullopt;
  }
  return focus;
}

}  // namespace

void view_inspector(ViewContext& ctx) {
  const AppState& state = ctx.state;
  const auto focus = focus_or_hint(state);
  if (!focus) return;
  const Analysis& a = *state.analysis;
  const Cell c = *focus;
  // Every line wraps at the column's edge: the column is narrow and the explanations are long.
  ImGui::PushFont(ctx.caption());
  text_wrapped(fmt::format("head {}:  {} \u2192 {}{}", c.head, token_named(state, "query", c.q),
                                     token_named(state, "key", c.k), state.pinned == c ? "  (pinned)" : ""));
  ImGui::PopFont();
  const bool allowed = a.allowed(c.head, c.q, c.k), leak = a.leaks_at(c.head, c.q, c.k);
  const Theme& theme = ctx.theme();
  if (leak) {
    ImGui::PushStyleColor(ImGuiCol_Text, to_imu32(theme.leak));
    text_wrapped(fmt::format("LEAK: allowed by {}, forbidden by the {} policy", a.scene.variant,
                                       policy_name(a.policy)));
    ImGui::PopStyleColor();
  } else {
    text_wrapped(allowed ? "allowed" : "masked");
  }
  if (a.build.frame) {
    const HeadFrame& f = a.build.frame->heads[c.head];
    const int sq = f.slot_of_token[c.q], sk = f.slot_of_token[c.k];
    text_wrapped(fmt::format("frame slots: query {}, key {}   groups: {}, {}", digits_grouped(sq),
                                       digits_grouped(sk), f.segment_of_slot(sq), f.segment_of_slot(sk)));
  }
  if (allowed)
    text_wrapped(fmt::format("score {:.4f}   weight {:.4f}", a.score(0, c.head, c.q, c.k), a.weight(0, c.head, c.q, c.k)));
  if (const float sink = row_sink_share(a, 0, c.head, c.q); sink > 0)
    text_wrapped(fmt::format("sink takes {:.2f} of this row (a learned logit with no value)", sink));
  text_wrapped(why(a, c));
  for (const std::string& note : a.notes_at(c.head, c.q, c.k)) {
    ImGui::PushStyleColor(ImGuiCol_Text, to_imu32(theme.leak));
    text_wrapped("lint: " + note);
    ImGui::PopStyleColor();
  }
  if (!ctx.classroom()) {
    if (ImGui::SmallButton(state.pinned == c ? "unpin" : "pin")) ctx.queue.push(action::Pin{state.pinned == c ? std::nullopt : std::optional<Cell>(c)});
    ImGui::SameLine();
    if (ImGui::SmallButton("watch through the steps")) ctx.queue.push(action::SetWatch{c});
  }
}

ImFont* inspector_line_font(const ViewContext& ctx) { return ctx.projector() ? ctx.fonts.body : ctx.body(); }

void view_inspector_line(ViewContext& ctx) {
  const AppState& state = ctx.state;
  const auto focus = focus_or_hint(state);
  if (!focus) return;
  const Analysis& a = *state.analysis;
  const Cell c = *focus;
  const bool allowed = a.allowed(c.head, c.q, c.k), leak = a.leaks_at(c.head, c.q, c.k);
  const std::string text = fmt::format("head {}: {} \u2192 {}  {}  {}{}", c.head, token_named(state, "query", c.q),
                                       token_named(state, "key", c.k), leak ? "LEAK" : allowed ? "allowed" : "masked",
                                       allowed ? fmt::format("weight {:.2f} \u00b7 ", a.weight(0, c.head, c.q, c.k)) : "",
                                       why(a, c));
  ImGui::PushFont(inspector_line_font(ctx));
  // As many lines as the room left under the matrices holds, at least the two the layout reserves
  // (on a projector it shares the why-it-matters line's taller room and is read to its last
  // words); beyond them the explanation is cut at a word with an ellipsis, never inside one.
  const ImVec2 room = ImGui::GetContentRegionAvail();
  const int lines = std::max(2, static_cast<int>(room.y / ImGui::GetFontSize()));
  const std::string fitted = text_fit_lines(text, room.x, lines);
  const ImU32 color = leak ? to_imu32(ctx.theme().leak) : ImGui::GetColorU32(ImGuiCol_Text);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextUnformatted(fitted.c_str());
  ImGui::PopStyleColor();
  ctx.report.lines.push_back({"inspector", fitted, ImGui::GetFontSize(), color,
                              {at.x, at.y, ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}});
  ImGui::PopFont();
}

}  // namespace attnscope
