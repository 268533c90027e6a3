#include "core/presentation/token_motion.hpp"

#include <algorithm>
#include <cmath>

namespace attnscope {

namespace {

// The rows of one sequence: [first, first + count).
struct Sequence {
  int first = 0, count = 0;
};

Sequence sequence_of(const Step& step, int batch) {
  Sequence s;
  if (step.batch.empty()) {
    s.count = batch == 0 ? step.rows : 0;
  } else {
    while (s.first < step.rows && step.batch[s.first] != batch) ++s.first;
    while (s.first + s.count < step.rows && step.batch[s.first + s.count] == batch) ++s.count;
  }
  return s;
}

int sequence_rows(const Step& step) { return sequence_of(step, 0).count; }

float column_of(const Step& step, int head) {
  const int part = step.head_part.empty() ? -1 : step.head_part[head];
  return static_cast<float>(head) + (part > 0 ? part * kChunkGap : 0.f);
}

// Gap offset of a row of `seq`: groups are numbered from 0 in row order within a head. Each head
// counts from its own first group: a head cut into more segments (SF's reassembled heads) numbers
// later sequences' groups further on than head 0 does.
float group_offset(const Step& step, const Sequence& seq, int row, int head) {
  const int group = step.group(row, head);
  if (group < 0 || seq.count == 0) return 0.f;
  return static_cast<float>(std::max(0, group - std::max(0, step.group(seq.first, head)))) * kGroupGap;
}

float ease(float t) { return token_motion_ease(t); }

float lerp(float a, float b, float t) { return a + (b - a) * t; }

}  // namespace

float token_motion_ease(float t) {
  t = std::clamp(t, 0.f, 1.f);
  return t * t * (3.f - 2.f * t);
}

Rgb8 token_color(int token, int n) {
  // The ramp starts past its darkest fifth, so the first tokens stay visible on a dark
  // background even where the GUI dims cells, and stops short of its lightest end.
  const float t = n > 1 ? static_cast<float>(std::clamp(token, 0, n - 1)) / static_cast<float>(n - 1) : 0.f;
  return colormap_sample(ColormapName::Cividis, 0.2f + 0.75f * t);
}

std::vector<TokenPose> token_poses(const Step& step, int batch) {
  return token_poses_between(step, step, 1.f, batch);
}

std::vector<TokenPose> token_poses_between(const Step& a, const Step& b, float t, int batch) {
  const Sequence sb = sequence_of(b, batch), sa = sequence_of(a, batch);
  const int n = sb.count;
  const float e = ease(t);
  std::vector<TokenPose> poses;
  poses.reserve(static_cast<size_t>(n) * b.heads);
  std::vector<int> row_in_a(static_cast<size_t>(n));
  for (int h = 0; h < b.heads; ++h) {
    std::fill(row_in_a.begin(), row_in_a.end(), -1);
    if (h < a.heads)
      for (int r = 0; r < std::min(n, sa.count); ++r) {
        const int token = a.token(sa.first + r, h);
        if (token >= 0 && token < n) row_in_a[token] = r;
      }
    for (int r = 0; r < n; ++r) {
      TokenPose pose;
      pose.token = b.token(sb.first + r, h);
      pose.head = h;
      pose.group = b.group(sb.first + r, h);
      const int ra = pose.token >= 0 && pose.token < n ? row_in_a[pose.token] : -1;
      if (ra < 0) {  // not in step a: appear in place
        pose.row = static_cast<float>(r) + group_offset(b, sb, sb.first + r, h);
        pose.col = column_of(b, h);
      } else {
        int d = r - ra;
        if (2 * std::abs(d) > n) d -= d > 0 ? n : -n;  // the short way around
        const float raw = ra + d * e;
        const float wrapped = raw - n * std::floor((raw + 0.5f) / n);  // into [-0.5, n - 0.5)
        const float gap = lerp(group_offset(a, sa, sa.first + ra, h), group_offset(b, sb, sb.first + r, h), e);
        pose.row = wrapped + gap;
        // Decided on the row without its group gap: with gaps a resting last row sits past n,
        // and shifting the gapped row by n would ghost it over row 0.
        if (wrapped < 0.f) pose.wrap_row = wrapped + n + gap;
        else if (wrapped > n - 1) pose.wrap_row = wrapped - n + gap;
        pose.col = lerp(column_of(a, h), column_of(b, h), e);
      }
      poses.push_back(pose);
    }
  }
  return poses;
}

namespace {
float cols_of(const Step& s) {
  return s.heads == 0 ? 0.f : column_of(s, s.heads - 1) + 1.f;
}
float rows_of(const Step& s) {
  const int n = sequence_rows(s);
  float rows = static_cast<float>(n);
  float extra = 0.f;
  const Sequence seq = sequence_of(s, 0);
  for (int h = 0; h < s.heads && n > 0; ++h) extra = std::max(extra, group_offset(s, seq, n - 1, h));
  return rows + extra;
}
}  // namespace

float token_grid_column(const Step& a, const Step& b, int head, float t) {
  return lerp(column_of(a, head), column_of(b, head), ease(t));
}

float token_grid_cols(const Step& a, const Step& b, float t) {
  return lerp(cols_of(a), cols_of(b), ease(t));
}
float token_grid_rows(const Step& a, const Step& b, float t) {
  return lerp(rows_of(a), rows_of(b), ease(t));
}

}  // namespace attnscope
