#pragma once
// Where the views put things on screen this frame. Screenshot mode writes it next to the PNG,
// so pixel tests locate cells from the real layout instead of guessing it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace attnscope {

struct ScreenRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

struct ScreenReport {
  struct Heatmap {
    int head = 0;
    ScreenRect rect;  // the whole visible matrix
    int n = 0;
    float zoom = 1.f;
  };
  struct TokenCell {
    int row = 0, head = 0, token = 0;
    ScreenRect rect;
    const char* light = "plain";  // token_light_name: how the mask step lit it
  };
  std::vector<Heatmap> heatmaps;
  // Only when the grid draws cells one by one; mid-animation too, a wrapping cell twice.
  std::vector<TokenCell> token_cells;
  struct ParamField {
    std::string name;  // the variant parameter the scene panel's field edits
    ScreenRect rect;
  };
  std::vector<ParamField> params;
  void clear() {
    heatmaps.clear();
    token_cells.clear();
    params.clear();
  }
};

nlohmann::json screen_report_json(const ScreenReport& report, float scale);

}  // namespace attnscope
