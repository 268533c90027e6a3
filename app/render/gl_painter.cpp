#include "app/render/gl_painter.hpp"

#include "app/gui/heatmap_legend.hpp"
#include "app/gui/work_timer.hpp"
#include "app/render/shader_sources.hpp"

namespace attnscope {

namespace {

constexpr uint64_t kEvictAfterFrames = 240;

GLuint texture_create(GLint internal_format, int size_x, int size_y, GLenum format, GLenum type, const void* data) {
  GLuint id = 0;
  glGenTextures(1, &id);
  glBindTexture(GL_TEXTURE_2D, id);
  // Nearest sampling: a cell is a cell, never a blend of its neighbours.
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glTexImage2D(GL_TEXTURE_2D, 0, internal_format, size_x, size_y, 0, format, type, data);
  return id;
}

// An RGBA cell image as a texture whose uv scale crops it to the image's N cells.
template <class Texture, class Image>
Texture texture_from_rgba(const Image& image) {
  Texture t;
  t.id = texture_create(GL_RGBA8, image.size, image.size, GL_RGBA, GL_UNSIGNED_BYTE, image.rgba.data());
  t.uv_scale = static_cast<float>(image.n) / (image.size * image.cells_per_texel);
  return t;
}

// ImGui's quads put uv (0, 0) at the top-left corner: row 0 on top, as in the heatmaps.
void image_draw(ImDrawList* list, GLuint id, float uv_scale, ImVec2 p0, ImVec2 p1) {
  list->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(id)), p0, p1, {0, 0}, {uv_scale, uv_scale});
}

}  // namespace

GlPainter::GlPainter()
    : heatmap_program_({"shaders/heatmap.vert", embedded::kHeatmapVert},
                       {"shaders/heatmap.frag", embedded::kHeatmapFrag}) {
  glGenVertexArrays(1, &vao_);  // core profile: a draw needs a VAO even without attributes
  for (ColormapName name : {ColormapName::Viridis, ColormapName::Magma, ColormapName::Cividis})
    colormaps_[name] = texture_create(GL_RGB8, 256, 1, GL_RGB, GL_UNSIGNED_BYTE, colormap_table(name).data());
  diverging_ = texture_create(GL_RGB8, 256, 1, GL_RGB, GL_UNSIGNED_BYTE, diverging_table().data());
}

GlPainter::~GlPainter() {
  for (auto& [key, t] : heatmaps_) glDeleteTextures(1, &t.id);
  for (auto& [key, t] : diffs_) glDeleteTextures(1, &t.id);
  for (auto& [key, t] : cells_) glDeleteTextures(1, &t.id);
  for (auto& [name, id] : colormaps_) glDeleteTextures(1, &id);
  glDeleteTextures(1, &diverging_);
  glDeleteVertexArrays(1, &vao_);
}

void GlPainter::begin_frame(ImVec2 display_size, ImVec2 framebuffer_scale) {
  ++frame_;
  quads_.clear();
  uploaded_ = 0;
  display_ = display_size;
  scale_ = framebuffer_scale;
  evict();
}

void GlPainter::evict() {
  auto sweep = [&](auto& textures) {
    for (auto it = textures.begin(); it != textures.end();) {
      if (frame_ - it->second.last_used > kEvictAfterFrames) {
        glDeleteTextures(1, &it->second.id);
        it = textures.erase(it);
      } else {
        ++it;
      }
    }
  };
  sweep(heatmaps_);
  sweep(diffs_);
  sweep(cells_);
}

bool GlPainter::upload_allowed(int size) {
  const int64_t texels = int64_t{size} * size;
  if (uploaded_ > 0 && uploaded_ + texels > upload_budget_) return false;
  uploaded_ += texels;
  return true;
}

bool GlPainter::heatmap(ImDrawList* list, const HeatmapPaint& paint, ImVec2 p0, ImVec2 p1, ImVec2 uv0,
                        ImVec2 uv1) {
  const HeatmapKey key{paint.analysis.get(), paint.head, paint.coords, paint.vmax, paint.cells};
  auto it = heatmaps_.find(key);
  if (it == heatmaps_.end()) {
    // The computed weights when they are there; else the step's image (an analysis without
    // values: its allowed cells, until a job has computed the weights). A large analysis's image
    // comes from its job; a small one's is built here.
    HeatmapImage built;
    const HeatmapImage* image = paint.weights ? paint.weights.get() : paint.image.get();
    if (!image) {
      if (!heatmap_image_in_frame(*paint.analysis)) return false;
      const WorkTimer timer("heatmap image built in the frame");
      built = heatmap_image_build(*paint.analysis, paint.head, paint.coords, paint.vmax, kMaxHeatmapTexels,
                                  paint.cells, paint.smax, false);
      image = &built;
    }
    if (!upload_allowed(image->size)) return false;
    const WorkTimer timer("heatmap image uploaded");
    Texture t;
    t.id = texture_create(GL_RG32F, image->size, image->size, GL_RG, GL_FLOAT, image->texels.data());
    t.uv_scale = static_cast<float>(image->n) / (image->size * image->cells_per_texel);
    t.keep_a = paint.analysis;
    t.weights = paint.weights != nullptr;
    it = heatmaps_.emplace(key, std::move(t)).first;
  }
  Texture& texture = it->second;
  if (paint.weights && !texture.weights && upload_allowed(paint.weights->size)) {
    // Same key, same analysis: the weights replace the allowed cells in place, once.
    const WorkTimer timer("heatmap weights uploaded");
    glBindTexture(GL_TEXTURE_2D, texture.id);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, paint.weights->size, paint.weights->size, GL_RG, GL_FLOAT,
                    paint.weights->texels.data());
    texture.weights = true;
  }
  texture.last_used = frame_;
  const float s = texture.uv_scale;
  quads_.push_back({this, texture.id, paint.colormap, theme_get(paint.theme), p0, p1,
                    {uv0.x * s, uv0.y * s}, {uv1.x * s, uv1.y * s}, paint.leak_fill, paint.drawn});
  list->AddCallback(&GlPainter::draw_quad, &quads_.back());
  list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
  return true;
}

void GlPainter::draw_quad(const ImDrawList*, const ImDrawCmd* cmd) {
  const Quad& q = *static_cast<const Quad*>(cmd->UserCallbackData);
  GlPainter& self = *q.self;
  // The backend sets the scissor per command only for its own draws.
  const ImVec4 clip = cmd->ClipRect;
  const float fb_h = self.display_.y * self.scale_.y;
  glScissor(static_cast<GLint>(clip.x * self.scale_.x), static_cast<GLint>(fb_h - clip.w * self.scale_.y),
            static_cast<GLsizei>((clip.z - clip.x) * self.scale_.x), static_cast<GLsizei>((clip.w - clip.y) * self.scale_.y));
  const GLuint program = self.heatmap_program_.id();
  glUseProgram(program);
  glBindVertexArray(self.vao_);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, q.cells);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, self.colormaps_.at(q.colormap));
  glActiveTexture(GL_TEXTURE2);
  glBindTexture(GL_TEXTURE_2D, self.diverging_);
  glActiveTexture(GL_TEXTURE0);
  glUniform1i(self.heatmap_program_.uniform("u_cells"), 0);
  glUniform1i(self.heatmap_program_.uniform("u_colormap"), 1);
  glUniform1i(self.heatmap_program_.uniform("u_diverging"), 2);
  glUniform1i(self.heatmap_program_.uniform("u_mode"), static_cast<int>(q.drawn));
  glUniform3f(self.heatmap_program_.uniform("u_pattern"), q.theme.axis.r / 255.f, q.theme.axis.g / 255.f,
              q.theme.axis.b / 255.f);
  glUniform3f(self.heatmap_program_.uniform("u_background"), q.theme.background.r / 255.f,
              q.theme.background.g / 255.f, q.theme.background.b / 255.f);
  glUniform3f(self.heatmap_program_.uniform("u_allowed"), q.theme.allowed.r / 255.f, q.theme.allowed.g / 255.f,
              q.theme.allowed.b / 255.f);
  glUniform4f(self.heatmap_program_.uniform("u_rect"), q.p0.x, q.p0.y, q.p1.x, q.p1.y);
  glUniform4f(self.heatmap_program_.uniform("u_uv"), q.uv0.x, q.uv0.y, q.uv1.x, q.uv1.y);
  glUniform2f(self.heatmap_program_.uniform("u_display"), self.display_.x, self.display_.y);
  glUniform3f(self.heatmap_program_.uniform("u_masked"), q.theme.masked.r / 255.f, q.theme.masked.g / 255.f,
              q.theme.masked.b / 255.f);
  glUniform3f(self.heatmap_program_.uniform("u_leak"), q.theme.leak.r / 255.f, q.theme.leak.g / 255.f,
              q.theme.leak.b / 255.f);
  glUniform1i(self.heatmap_program_.uniform("u_leak_fill"), q.leak_fill ? 1 : 0);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

bool GlPainter::diff(ImDrawList* list, const DiffPaint& paint, ImVec2 p0, ImVec2 p1) {
  const DiffKey key{paint.a.get(), paint.b.get(), paint.head, paint.theme};
  auto it = diffs_.find(key);
  if (it == diffs_.end()) {
    // A large scene's overlay comes from its job; a small one's is built here.
    DiffOverlay built;
    const DiffOverlay* overlay = paint.overlay.get();
    if (!overlay) {
      if (!heatmap_image_in_frame(*paint.a)) return false;
      const WorkTimer timer("compare overlay built in the frame");
      built.image = diff_overlay_build(paint.a->mask(paint.head), paint.b->mask(paint.head), diff_color(DiffOp::AMinusB),
                                       diff_color(DiffOp::BMinusA), diff_color(DiffOp::Both),
                                       theme_get(paint.theme).masked);
      overlay = &built;
    }
    if (!upload_allowed(overlay->image.size)) return false;
    const WorkTimer timer("compare overlay uploaded");
    Texture t = texture_from_rgba<Texture>(overlay->image);
    t.keep_a = paint.a;
    t.keep_b = paint.b;
    it = diffs_.emplace(key, std::move(t)).first;
  }
  it->second.last_used = frame_;
  image_draw(list, it->second.id, it->second.uv_scale, p0, p1);
  return true;
}

void GlPainter::cells(ImDrawList* list, const CellsPaint& paint, ImVec2 p0, ImVec2 p1) {
  auto packed = [](Rgb8 c) { return uint32_t{c.r} << 16 | uint32_t{c.g} << 8 | c.b; };
  const CellsKey key{paint.cells.get(), packed(paint.on), packed(paint.off), paint.max_size, paint.marked.get(),
                     packed(paint.mark)};
  auto it = cells_.find(key);
  if (it == cells_.end()) {
    Texture t;
    if (paint.image) {
      const WorkTimer timer("cells image uploaded");
      t = texture_from_rgba<Texture>(*paint.image);
    } else {
      // A thumbnail's few texels cost well under a millisecond; anything larger comes built (a
      // frame-budget test looks for this name).
      const WorkTimer timer(paint.max_size <= kThumbnailMaxTexels ? "thumbnail built and uploaded"
                                                                  : "cells image built in the frame");
      t = texture_from_rgba<Texture>(paint.marked ? cells_image_build(*paint.cells, paint.on, paint.off, *paint.marked,
                                                                      paint.mark, paint.max_size)
                                                  : cells_image_build(*paint.cells, paint.on, paint.off, paint.max_size));
    }
    t.keep_cells = paint.cells;
    t.keep_marked = paint.marked;
    it = cells_.emplace(key, std::move(t)).first;
  }
  it->second.last_used = frame_;
  image_draw(list, it->second.id, it->second.uv_scale, p0, p1);
}

}  // namespace attnscope
