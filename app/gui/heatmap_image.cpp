#include "app/gui/heatmap_image.hpp"

#include <algorithm>

namespace attnscope {

namespace {

struct Grid {
  int n, size, cpt;
  explicit Grid(int n_, int max_size)
      : n(n_), size(0), cpt(std::max(1, (n_ + max_size - 1) / max_size)) {
    size = (n + cpt - 1) / cpt;
  }
  size_t texel(int r, int c) const { return static_cast<size_t>(r / cpt) * size + c / cpt; }
};

}  // namespace

bool heatmap_has_frame(const Analysis& analysis) { return analysis.build.frame.has_value(); }

int heatmap_position(const Analysis& analysis, int head, Coords coords, int token) {
  if (coords == Coords::Original || !analysis.build.frame) return token;
  return analysis.build.frame->heads[head].slot_of_token[token];
}

WeightScale analysis_weight_scale(const Analysis& analysis) {
  std::vector<const std::vector<float>*> weights;
  for (int h = 0; h < analysis.heads(); ++h) weights.push_back(&analysis.attention.head(0, h).weights);
  return weight_scale(weights);
}

HeatmapImage heatmap_image_build(const Analysis& analysis, int head, Coords coords, float vmax, int max_size) {
  const Grid grid(analysis.n(), max_size);
  HeatmapImage image;
  image.n = grid.n;
  image.size = grid.size;
  image.cells_per_texel = grid.cpt;
  image.texels.assign(static_cast<size_t>(grid.size) * grid.size * 2, 0.f);
  for (size_t i = 0; i < image.texels.size(); i += 2) image.texels[i] = -1.f;

  const RowRuns& mask = analysis.mask(head);
  const std::vector<float>& weights = analysis.attention.head(0, head).weights;
  const float scale = vmax > 0.f ? 1.f / vmax : 0.f;
  auto pos = [&](int token) { return heatmap_position(analysis, head, coords, token); };
  for (int q = 0; q < grid.n; ++q) {
    int64_t cell = mask.row_cell_offset(q);
    const int r = pos(q);
    for (const Run* run = mask.row_begin(q); run != mask.row_end(q); ++run)
      for (int k = run->begin; k < run->end; ++k, ++cell) {
        float& texel = image.texels[grid.texel(r, pos(k)) * 2];
        texel = std::max(texel, weights.empty() ? 1.f : weights[cell] * scale);
      }
  }
  const RowRuns& leaks = analysis.leaks[head];
  for (int q = 0; q < grid.n; ++q)
    for (const Run* run = leaks.row_begin(q); run != leaks.row_end(q); ++run)
      for (int k = run->begin; k < run->end; ++k) image.texels[grid.texel(pos(q), pos(k)) * 2 + 1] = 1.f;
  return image;
}

RgbaImage cells_image_build(const RowRuns& cells, Rgb8 on, Rgb8 off, int max_size) {
  const Grid grid(cells.rows(), max_size);
  RgbaImage image;
  image.n = grid.n;
  image.size = grid.size;
  image.cells_per_texel = grid.cpt;
  image.rgba.resize(static_cast<size_t>(grid.size) * grid.size * 4);
  for (size_t i = 0; i < image.rgba.size(); i += 4) {
    image.rgba[i] = off.r, image.rgba[i + 1] = off.g, image.rgba[i + 2] = off.b, image.rgba[i + 3] = 255;
  }
  for (int q = 0; q < grid.n; ++q)
    for (const Run* run = cells.row_begin(q); run != cells.row_end(q); ++run)
      for (int k = run->begin; k < run->end; ++k) {
        uint8_t* p = &image.rgba[grid.texel(q, k) * 4];
        p[0] = on.r, p[1] = on.g, p[2] = on.b;
      }
  return image;
}

}  // namespace attnscope
