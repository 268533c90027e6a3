#include "core/presentation/shown_heads.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace attnscope {

std::vector<int> shown_heads(const Analysis& a, int limit) {
  std::vector<int> clean, leaking;
  for (int h = 0; h < a.heads(); ++h) (a.metrics.heads[h].leaks > 0 ? leaking : clean).push_back(h);
  if (a.heads() <= limit || clean.empty() || leaking.empty()) {
    std::vector<int> first(static_cast<size_t>(std::min(a.heads(), limit)));
    for (size_t i = 0; i < first.size(); ++i) first[i] = static_cast<int>(i);
    return first;
  }
  // Half each; a kind with fewer heads than its half leaves the rest to the other.
  const int leak_room = std::max(limit - static_cast<int>(clean.size()), std::min(static_cast<int>(leaking.size()), limit / 2));
  clean.resize(std::min(clean.size(), static_cast<size_t>(limit - leak_room)));
  leaking.resize(std::min(leaking.size(), static_cast<size_t>(leak_room)));
  std::vector<int> shown = clean;
  shown.insert(shown.end(), leaking.begin(), leaking.end());
  std::sort(shown.begin(), shown.end());
  return shown;
}

std::string hidden_heads_text(int heads, const std::vector<int>& shown) {
  std::string out;
  for (int h = 0; h < heads;) {
    if (std::find(shown.begin(), shown.end(), h) != shown.end()) {
      ++h;
      continue;
    }
    int last = h;
    while (last + 1 < heads && std::find(shown.begin(), shown.end(), last + 1) == shown.end()) ++last;
    out += (out.empty() ? "" : ", ") + (last == h ? fmt::format("{}", h) : fmt::format("{}-{}", h, last));
    h = last + 1;
  }
  return out;
}

}  // namespace attnscope
