// SF-Attn's steps as data: provenance invariants of segment, reassemble and sinks, for both
// readings.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/analysis/analysis.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

Scene sf_scene(const std::string& reading, int heads, int sinks) {
  return test::test_scene({.variant = "sf",
                           .n = 16,
                           .heads = heads,
                           .batch = 2,
                           .g = 4,
                           .params = {{"reading", reading}, {"sinks", std::to_string(sinks)}}});
}

const Step& step_named(const Analysis& a, const std::string& name) {
  const int i = a.trace().find(name);
  EXPECT_GE(i, 0) << name;
  return a.trace().steps.at(i);
}

TEST(SfTrace, EveryTokenOncePerStepHeadAndSequence) {
  for (const std::string reading : {"r1", "r2"}) {
    const auto a = analyze(sf_scene(reading, 4, 2));
    for (const Step& step : a->trace().steps)
      for (int b = 0; b < 2; ++b)
        for (int h = 0; h < 4; ++h) {
          std::multiset<int> seen;
          for (int row = b * 16; row < (b + 1) * 16; ++row) seen.insert(step.token(row, h));
          for (int t = 0; t < 16; ++t) EXPECT_EQ(seen.count(t), 1u) << reading << " " << step.name << " head " << h;
        }
  }
}

TEST(SfTrace, StepsInOrder) {
  const auto a = analyze(sf_scene("r1", 2, 1));
  std::vector<std::string> names;
  for (const Step& s : a->trace().steps) names.push_back(s.name);
  const std::vector<std::string> expected = {"input", "roll", "segment", "reassemble", "sinks",
                                             "scores", "mask", "softmax", "weighted-sum", "output"};
  EXPECT_EQ(names, expected);
  for (const Step& s : a->trace().steps)
    if (s.name != "weighted-sum" && s.name != "output") EXPECT_FALSE(s.why.empty()) << s.name;
}

TEST(SfTrace, ReassembleInvertsSegmentAndOnlySplitsTheWrappedGroup) {
  const auto a = analyze(sf_scene("r1", 2, 1));
  const Step& seg = step_named(*a, "segment");
  const Step& re = step_named(*a, "reassemble");
  for (int h = 0; h < 2; ++h) {
    for (int row = 0; row < 32; ++row) EXPECT_EQ(re.token(row, h), row % 16) << "head " << h;
    // Each reassembled segment lies inside one group of the segment step.
    std::map<int, std::set<int>> seg_group_of;  // reassembled segment -> segment-step groups
    for (int row = 0; row < 32; ++row) {
      const int token = re.token(row, h);
      int seg_row = -1;
      for (int r = (row / 16) * 16; r < (row / 16 + 1) * 16; ++r)
        if (seg.token(r, h) == token) seg_row = r;
      seg_group_of[re.group(row, h)].insert(seg.group(seg_row, h));
    }
    for (const auto& [segment, groups] : seg_group_of) EXPECT_EQ(groups.size(), 1u) << "head " << h;
  }
  // The shifted head is rolled by -2 in the segment step; its wrapped group (14, 15, 0, 1) is cut in two.
  EXPECT_EQ(seg.token(0, 1), 2);
  EXPECT_EQ(seg.token(14, 1), 0);
  EXPECT_EQ(seg.group(12, 1), seg.group(15, 1));
  EXPECT_NE(re.group(0, 1), re.group(15, 1));
  EXPECT_EQ(re.group(0, 1), re.group(1, 1));
  EXPECT_NE(re.group(1, 1), re.group(2, 1));  // the first segment is [0, 2)
}

TEST(SfTrace, SinksStepMarksTheSinkTokens) {
  const auto a = analyze(sf_scene("r1", 2, 3));
  EXPECT_TRUE(step_named(*a, "segment").marked.empty());
  const Step& sinks = step_named(*a, "sinks");
  EXPECT_EQ(sinks.marked, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(sinks.marked_name, "sink");
  EXPECT_NE(sinks.explanation.find("default 4"), std::string::npos);
  const auto d = analyze(sf_scene("r1", 2, 4));
  EXPECT_EQ(step_named(*d, "sinks").explanation.find("default"), std::string::npos);
}

TEST(SfTrace, ReadingR2AtTwoHeadsShiftsNoHead) {
  // H·p = 2·0.75 = 1.5: heads 0 and 1 are both below it, so both return to pattern 1.
  const auto a = analyze(sf_scene("r2", 2, 0));
  const Step& re = step_named(*a, "reassemble");
  for (int h = 0; h < 2; ++h)
    for (int row = 0; row < 16; ++row) EXPECT_EQ(re.token(row, h), row);
  EXPECT_NE(re.why.find("no head stays shifted"), std::string::npos);
  const auto four = analyze(sf_scene("r2", 4, 0));  // 4·0.75 = 3: head 3 stays rolled
  EXPECT_EQ(step_named(*four, "reassemble").token(0, 3), 2);
  EXPECT_EQ(step_named(*four, "reassemble").token(0, 2), 0);
}

}  // namespace
}  // namespace attnscope
