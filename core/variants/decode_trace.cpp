#include "core/variants/decode_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "core/scene/frame.hpp"

namespace attnscope {

namespace {
constexpr int kMaxDecodeSteps = 64;
constexpr int kMinDecodeSteps = 16;
constexpr int64_t kDecodeTraceCells = int64_t{1} << 23;  // 64 steps of N = 131072
constexpr const char* kDecodeStepPrefix = "decode-";
}

DecodeRole decode_group_role(const Step& step, int group) {
  if (group < 0 || step.name.rfind(kDecodeStepPrefix, 0) != 0) return DecodeRole::None;
  // Three groups per sequence of the batch, in the order decode_trace_steps lists them.
  switch (group % 3) {
    case 0: return DecodeRole::Visible;
    case 1: return DecodeRole::Dropped;
    default: return DecodeRole::Future;
  }
}

std::vector<int> decode_traced_steps(int n, int first) {
  std::vector<int> steps;
  const int decoded = n - first;
  if (decoded <= kMaxDecodeSteps) {
    for (int t = first; t < n; ++t) steps.push_back(t);
    return steps;
  }
  // Each traced step holds a column of N tokens and one of N groups: fewer steps past
  // kDecodeTraceCells / N, so a trace at N = 1,048,576 takes a quarter of what 64 steps would.
  const int count = static_cast<int>(std::clamp<int64_t>(kDecodeTraceCells / n, kMinDecodeSteps, kMaxDecodeSteps));
  for (int i = 0; i < count; ++i)
    steps.push_back(first + static_cast<int>(static_cast<int64_t>(i) * (decoded - 1) / (count - 1)));
  return steps;
}

void decode_trace_steps(TraceBuilder& t, const Scene& scene, const DecodeRows& visible,
                        const std::function<std::string(int)>& explain, int first,
                        const std::string& why) {
  const int n = scene.n;
  for (int step : decode_traced_steps(n, first)) {
    FrameLayout layout;
    layout.n = n;
    size_t widest = 0;
    for (int h = 0; h < scene.heads; ++h) {
      const std::vector<int>& seen = (*visible[h])[step];
      int same = 0;  // heads with the same cache share the layout
      while (same < h && visible[same] != visible[h]) ++same;
      if (same < h) {
        layout.heads.push_back(layout.heads[same]);
        t.place_tokens(h, layout.heads.back().token_at_slot);
        continue;
      }
      // Slots: the seen keys, the dropped ones, the future ones. `seen` is sorted, so the dropped
      // keys are the gaps between its entries, appended a range at a time. Only the slots and the
      // group starts are built (no token -> slot table): the trace keeps nothing else of the
      // layout, and a step costs a few passes over N instead of a dozen.
      HeadFrame frame;
      std::vector<int>& slots = frame.token_at_slot;
      const auto append_range = [&](int begin, int end) {
        const size_t at = slots.size();
        slots.resize(at + std::max(0, end - begin));
        std::iota(slots.begin() + static_cast<std::ptrdiff_t>(at), slots.end(), begin);
      };
      slots.reserve(n);
      slots.assign(seen.begin(), seen.end());
      frame.segment_starts = {0, static_cast<int>(seen.size())};
      int next = 0;  // the first key after the last seen one
      for (int key : seen) {
        if (key < next || key > step)
          throw std::logic_error(fmt::format("decode_trace_steps: step {} sees key {} out of order or ahead", step, key));
        append_range(next, key);
        next = key + 1;
      }
      append_range(next, std::min(step + 1, n));
      frame.segment_starts.push_back(static_cast<int>(slots.size()));
      append_range(step + 1, n);
      layout.heads.push_back(std::move(frame));
      t.place_tokens(h, layout.heads.back().token_at_slot);
      widest = std::max(widest, seen.size());
    }
    t.group_by(layout).step(fmt::format("{}{}", kDecodeStepPrefix, step),
                            {scene.batch, scene.heads, static_cast<long>(widest), scene.d},
                            {"batch", "head", "cache slot", "dim"}, explain(step),
                            fmt::format("out, past_key_values = model(input_ids[:, {}:{}], "
                                        "past_key_values=past_key_values)",
                                        step, step + 1));
    t.why(!why.empty() ? why
                       : "at decode time each new token is a query over the cache: a key dropped from it can "
                         "never be read again by any later token");
  }
}

}  // namespace attnscope
