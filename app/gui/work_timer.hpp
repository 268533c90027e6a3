#pragma once
// The main thread's named work items (an image built where it is drawn, a texture uploaded, an
// analysis installed), timed on the thread's own CPU clock so a busy machine hardly changes them:
// `gui --bench-frames` prints the longest, and the frame-budget test checks it apart from the
// frames' wall-clock times.
#include <string>
#include <vector>

namespace attnscope {

struct WorkItem {
  std::string name;  // empty: nothing timed yet
  double ms = 0.0;
};

// Times one item from construction to destruction; the longest on this thread is kept. Items
// are not nested, so each names the work that took the time.
class WorkTimer {
 public:
  explicit WorkTimer(const char* name);
  ~WorkTimer();
  WorkTimer(const WorkTimer&) = delete;
  WorkTimer& operator=(const WorkTimer&) = delete;

 private:
  const char* name_;
  double start_ms_;
};

WorkItem work_longest();  // on this thread, since it started
// Every item name timed on this thread with its longest time, by name.
std::vector<WorkItem> work_items();

// The frame loop calls this after each frame: the items timed since the last call are summed as
// one frame's, and the largest such sum is kept.
void work_frame_end();
double work_most_in_a_frame_ms();

}  // namespace attnscope
