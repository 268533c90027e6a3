#include "app/gui/lesson.hpp"

#include <fmt/format.h>

#include "core/base/digits.hpp"

namespace attnscope {

std::shared_ptr<const Lesson> lesson_compute(const Analysis& a, bool with_cost) {
  auto lesson = std::make_shared<Lesson>();
  // Above kLessonReachMaxN every variant's masks take seconds to build; the S2 family stays.
  static const std::vector<std::string> s2_family = {"full", "short", "s2", "s2-fix-mask", "s2-fix-split", "sf"};
  if (with_cost) lesson->cost = cost_table(a.scene, a.qkv, a.n() <= kLessonReachMaxN ? std::vector<std::string>{} : s2_family);
  const double cells = static_cast<double>(a.metrics.total_allowed) / a.heads();
  lesson->layer = cost_layer(a.n(), kLlamaModel, kLlamaFf, kLlamaHeads, cells);
  if (a.n() <= kLessonReachMaxN) lesson->next = reach_next_token(a.build.masks, kLessonLayers);
  return lesson;
}

std::string lesson_next_token_text(const Lesson& lesson) {
  if (!lesson.next) return "stacked layers: use attnscope mask --layers L at this N";
  const NextTokenReach& r = *lesson.next;
  if (r.first < 0)
    return fmt::format("no query can depend on its own next token within {} stacked layers", r.max_layers);
  return fmt::format("after {} stacked layer{}, query {} can depend on token {}, its own next token: the "
                     "target it is trained to predict",
                     r.first, r.first == 1 ? "" : "s", digits_grouped(r.query), digits_grouped(r.query + 1));
}

}  // namespace attnscope
