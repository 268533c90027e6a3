// The public entry points: pick the view, encode the format, write atomically, read back.
#include "core/figure/figure.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/analysis/lab.hpp"
#include "core/base/atomic_file.hpp"
#include "core/base/progress_scope.hpp"
#include "core/figure/formats.hpp"
#include "core/figure/source.hpp"
#include "core/figure/views.hpp"

namespace attnscope {

namespace {

int dpi_for(const FigureOptions& o) {
  if (o.dpi < 0 || o.dpi > 2400) throw SceneError(fmt::format("dpi: {} is out of range; use 1..2400", o.dpi));
  if (o.dpi > 0) return o.dpi;
  // Slides' 720 × 405 pt pages come out at 1920 × 1080 pixels, a projector's size.
  if (o.format != FigureFormat::Gif && (o.view == FigureView::Lesson || o.size == FigureSize::Slide)) return 192;
  return o.format == FigureFormat::Gif ? 96 : 200;
}

figure::Figure still(const Analysis& a, const FigureOptions& o, const ComparedAnalyses& compared) {
  switch (o.view) {
    case FigureView::Heatmap: return figure::view_heatmap(a, o);
    case FigureView::Compare: return figure::view_compare(a, o, compared);
    case FigureView::Steps: return figure::view_steps(a, o);
    case FigureView::Tokens: return figure::view_tokens(a, o, o.step >= 0 ? o.step : figure::default_token_step(a));
    case FigureView::Cost: return figure::view_cost(a, o);
    case FigureView::Symmetry: return figure::view_symmetry(a, o);
    case FigureView::Wrapped: return figure::view_wrapped(a, o);
    case FigureView::NextToken: return figure::view_next_token(a, o);
    case FigureView::Stack: return figure::view_stack(a, o);
    case FigureView::Lesson: break;  // many pages: figure_render and figure_export draw the deck
  }
  return figure::view_heatmap(a, o);
}

}  // namespace

std::string figure_render(const Analysis& a, const FigureOptions& o, const ComparedAnalyses& compared) {
  if (o.windowed() && o.view != FigureView::Heatmap)
    throw SceneError(fmt::format("rows: --rows and --keys draw a window of the heatmap; use them with "
                                 "--view heatmap, not {}",
                                 figure_view_name(o.view)));
  const std::string source = figure::source_json(a.scene, o);
  if (figure_is_deck(o)) {
    if (o.format != FigureFormat::Pdf)
      throw SceneError(fmt::format("format: {} is a deck of 16:9 pages: one PDF (--format pdf) or one PNG per "
                                   "page (--format png, written by export); not {}",
                                   o.view == FigureView::Lesson ? std::string("the lesson")
                                                                : fmt::format("--view {} --size slide", figure_view_name(o.view)),
                                   figure_format_name(o.format)));
    std::vector<figure::Figure> pages;
    for (figure::DeckPage& page : figure::view_deck(a, o, compared)) pages.push_back(std::move(page.figure));
    return figure::encode_pdf_pages(pages, source);
  }
  // The step views animate; the others make a one-frame GIF of the same figure.
  if (o.format == FigureFormat::Gif && (o.view == FigureView::Steps || o.view == FigureView::Tokens))
    return figure::encode_gif(figure::view_step_frames(a, o), dpi_for(o), source);
  // Progress (ProgressScope): the model of the figure first, then its encoding.
  const figure::Figure fig = [&] {
    const ProgressSpan model(0, 0.6);
    return still(a, o, compared);
  }();
  const ProgressSpan encoding(0.6, 1);
  switch (o.format) {
    case FigureFormat::Png: return figure::encode_png(fig, dpi_for(o), source);
    case FigureFormat::Svg: return figure::encode_svg(fig, source);
    case FigureFormat::Pdf: return figure::encode_pdf(fig, source);
    case FigureFormat::Gif: return figure::encode_gif({{fig, 0}}, dpi_for(o), source);
  }
  throw SceneError("format: unknown figure format");
}

namespace {

void write_figure(const std::string& path, const std::string& bytes) {
  try {
    atomic_write_file(path, bytes);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("out: ") + e.what());
  }
}

}  // namespace

namespace {

// lesson.png, page 2 "step-01-chunk" -> lesson-02-step-01-chunk.png
std::string deck_page_path(const std::string& path, size_t index, const std::string& name) {
  const std::filesystem::path p(path);
  const std::string stem = (p.parent_path() / p.stem()).string();
  return fmt::format("{}-{:02}-{}{}", stem, index + 1, name, p.has_extension() ? p.extension().string() : ".png");
}

}  // namespace

void figure_export(const Analysis& a, const FigureOptions& o, const std::string& path,
                   const ComparedAnalyses& compared) {
  if (figure_is_deck(o) && o.format == FigureFormat::Png) {
    const std::string source = figure::source_json(a.scene, o);
    const std::vector<figure::DeckPage> pages = figure::view_deck(a, o, compared);
    for (size_t i = 0; i < pages.size(); ++i)
      write_figure(deck_page_path(path, i, pages[i].name), figure::encode_png(pages[i].figure, dpi_for(o), source));
    return;
  }
  write_figure(path, figure_render(a, o, compared));
}

std::vector<std::string> figure_deck_png_paths(const Analysis& a, const FigureOptions& o, const std::string& path,
                                               const ComparedAnalyses& compared) {
  std::vector<std::string> paths;
  const std::vector<figure::DeckPage> pages = figure::view_deck(a, o, compared);
  for (size_t i = 0; i < pages.size(); ++i) paths.push_back(deck_page_path(path, i, pages[i].name));
  return paths;
}

std::string figure_render_lab(const LabResult& result, const FigureOptions& o) {
  const figure::Figure fig = figure::view_lab(result, o);
  const std::string source = lab_result_json(result).dump();
  switch (o.format) {
    case FigureFormat::Png: return figure::encode_png(fig, dpi_for(o), source);
    case FigureFormat::Svg: return figure::encode_svg(fig, source);
    case FigureFormat::Pdf: return figure::encode_pdf(fig, source);
    case FigureFormat::Gif: return figure::encode_gif({{fig, 0}}, dpi_for(o), source);
  }
  throw SceneError("format: unknown figure format");
}

void figure_export_lab(const LabResult& result, const FigureOptions& o, const std::string& path) {
  write_figure(path, figure_render_lab(result, o));
}

FigureSource figure_read_source(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SceneError(fmt::format("from: cannot open '{}'", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return figure_source_from_bytes(buffer.str(), path);
}

FigureSource figure_source_from_bytes(const std::string& bytes, const std::string& path) {
  for (auto reader : {figure::png_source, figure::svg_source, figure::pdf_source, figure::gif_source}) {
    const std::string text = reader(bytes);
    if (!text.empty()) return figure::source_parse(text);
  }
  throw SceneError(fmt::format("from: '{}' carries no attnscope scene; only figures written by "
                               "'attnscope export' can be reopened",
                               path));
}

}  // namespace attnscope
