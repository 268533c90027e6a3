#include "app/gui/token_bands.hpp"

#include "core/base/progress_scope.hpp"

namespace attnscope {

int token_band_group(const Analysis& analysis, int head, int token) {
  if (const auto& frame = analysis.build.frame) {
    const HeadFrame& f = frame->heads[head];
    return f.segment_of_slot(f.slot_of_token[token]);
  }
  constexpr int kRanges = 8;
  return static_cast<int>(static_cast<int64_t>(token) * kRanges / analysis.n());
}

std::vector<TokenBand> token_bands(const Analysis& analysis, const Step& step, int head) {
  std::vector<TokenBand> bands;
  const int n = analysis.n();
  for (int r = 0; r < n && r < step.rows; ++r) {
    if (!step.batch.empty() && step.batch[r] != 0) break;
    const int token = step.token(r, head);
    const int group = token_band_group(analysis, head, token);
    if (bands.empty() || bands.back().group != group) bands.push_back({r, r, group, token, token});
    bands.back().row_end = r + 1;
    bands.back().last_token = token;
  }
  return bands;
}

StepBands step_token_bands(const Analysis& analysis, const Step& step) {
  StepBands bands;
  for (int h = 0; h < step.heads; ++h) {
    progress_report(h, step.heads);
    bands.push_back(token_bands(analysis, step, h));
  }
  return bands;
}

bool token_bands_in_frame(const Step& step) {
  constexpr int64_t kInFrameCells = int64_t{1} << 16;
  return int64_t{step.rows} * step.heads <= kInFrameCells;
}

}  // namespace attnscope
