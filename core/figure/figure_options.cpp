// Names of the figure options as the CLI and the embedded sources spell them.
#include <algorithm>
#include <cctype>
#include <climits>

#include <fmt/format.h>

#include "core/figure/figure.hpp"

namespace attnscope {

FigureView figure_view_parse(const std::string& name) {
  if (name == "heatmap") return FigureView::Heatmap;
  if (name == "steps") return FigureView::Steps;
  if (name == "compare") return FigureView::Compare;
  if (name == "tokens") return FigureView::Tokens;
  if (name == "cost") return FigureView::Cost;
  if (name == "symmetry") return FigureView::Symmetry;
  if (name == "wrapped") return FigureView::Wrapped;
  if (name == "next-token") return FigureView::NextToken;
  if (name == "stack") return FigureView::Stack;
  if (name == "lesson") return FigureView::Lesson;
  throw SceneError("view: unknown view '" + name +
                   "'; use heatmap, steps, compare, tokens, cost, symmetry, wrapped, next-token, stack or lesson (lab draws a training run: --view lab --lab-result run.json)");
}

const char* figure_view_name(FigureView view) {
  switch (view) {
    case FigureView::Heatmap: return "heatmap";
    case FigureView::Steps: return "steps";
    case FigureView::Compare: return "compare";
    case FigureView::Tokens: return "tokens";
    case FigureView::Cost: return "cost";
    case FigureView::Symmetry: return "symmetry";
    case FigureView::Wrapped: return "wrapped";
    case FigureView::NextToken: return "next-token";
    case FigureView::Stack: return "stack";
    case FigureView::Lesson: return "lesson";
  }
  return "heatmap";
}

FigureFormat figure_format_parse(const std::string& name) {
  if (name == "png") return FigureFormat::Png;
  if (name == "svg") return FigureFormat::Svg;
  if (name == "pdf") return FigureFormat::Pdf;
  if (name == "gif") return FigureFormat::Gif;
  throw SceneError("format: unknown format '" + name + "'; use png, svg, pdf or gif");
}

const char* figure_format_name(FigureFormat format) {
  switch (format) {
    case FigureFormat::Png: return "png";
    case FigureFormat::Svg: return "svg";
    case FigureFormat::Pdf: return "pdf";
    case FigureFormat::Gif: return "gif";
  }
  return "png";
}

FigureFormat figure_format_from_path(const std::string& path) {
  const size_t dot = path.find_last_of('.');
  const size_t slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    throw SceneError("format: cannot tell the format of '" + path +
                     "' from its name; add --format png|svg|pdf|gif or a file extension");
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  try {
    return figure_format_parse(ext);
  } catch (const SceneError&) {
    throw SceneError("format: '." + ext + "' is not a figure format; use .png, .svg, .pdf or .gif, or --format");
  }
}

FigureSize figure_size_parse(const std::string& name) {
  if (name == "single") return FigureSize::Single;
  if (name == "double") return FigureSize::Double;
  if (name == "slide") return FigureSize::Slide;
  throw SceneError("size: unknown size '" + name + "'; use single (3.5 in), double (7 in) or slide (16:9)");
}

TokenRange token_range_parse(const std::string& text, const std::string& name) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos)
    throw SceneError(fmt::format("{0}: '{1}' is not a range of tokens; give first:end, e.g. --{0} 0:64",
                                 name, text));
  const int64_t begin = parse_int(text.substr(0, colon), name), end = parse_int(text.substr(colon + 1), name);
  if (begin < 0 || end <= begin || end > INT32_MAX)
    throw SceneError(fmt::format("{0}: {1} holds no tokens; give first:end with 0 <= first < end, e.g. "
                                 "--{0} 0:64",
                                 name, text));
  return {static_cast<int>(begin), static_cast<int>(end)};
}

const char* figure_size_name(FigureSize size) {
  switch (size) {
    case FigureSize::Single: return "single";
    case FigureSize::Double: return "double";
    case FigureSize::Slide: return "slide";
  }
  return "double";
}

}  // namespace attnscope
