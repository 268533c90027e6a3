#pragma once
// Headless figures of an Analysis: PNG, SVG and PDF through cairo, animated GIF through giflib.
// The CLI's `export` and the GUI's Export action both call figure_export, so a figure looks the
// same whichever way it was made. Every file carries its scene and these options, so
// figure_read_source + figure_export regenerates it.
#include <memory>
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/presentation/colormap.hpp"
#include "core/scene/token_text.hpp"

namespace attnscope {

struct LabResult;  // core/analysis/lab.hpp

enum class FigureView {
  Heatmap,  // attention weights (or the binary mask) of the selected heads
  Steps,    // a storyboard: one panel per step with its caption
  Compare,  // the scene's variant beside each `compare` variant, their difference and metrics
  Tokens,   // the token-by-head grid at one step
  Cost,     // allowed cells and attention FLOPs per head of every variant, against full and dense
  Symmetry, // the shifted head under a roll of -G/2 and of +G/2: the same groups, another batch order
  Wrapped,  // the shifted head's wrapped group, zoomed: frame order beside token order
  NextToken,  // per number of stacked layers, the queries that can depend on their next token
  Stack,      // a model stack: each layer's mask and the receptive field through the layers
  Lesson,     // the lesson as a 16:9 deck: a PDF of one page per step or idea, or one PNG per page
};
enum class FigureFormat { Png, Svg, Pdf, Gif };
enum class FigureSize {
  Single,  // 3.5 in wide: one journal column
  Double,  // 7 in wide: a full page width
  Slide,   // 16:9, 10 in wide
};

// Tokens [begin, end); empty (end <= begin) means every token.
struct TokenRange {
  int begin = 0, end = 0;
  bool whole() const { return end <= begin; }
  bool operator==(const TokenRange&) const = default;
};
// "a:b" as given to --rows and --keys; throws SceneError naming `name`.
TokenRange token_range_parse(const std::string& text, const std::string& name);

struct FigureOptions {
  FigureView view = FigureView::Heatmap;
  FigureFormat format = FigureFormat::Png;
  FigureSize size = FigureSize::Double;
  int dpi = 0;  // PNG and GIF pixels per inch, 0: 200 for PNG, 96 for GIF; SVG and PDF are vector
  ColormapName colormap = ColormapName::Viridis;
  ThemeName theme = ThemeName::Light;
  std::vector<int> heads;  // empty: every head
  bool mask_only = false;  // binary allowed/masked cells instead of weights
  int step = -1;           // tokens view: step index; -1 picks the variant's grouped step
  // Heatmap at a routed variant's selection step: the query whose candidates are drawn over its
  // row (scores, forced, winners, what the guard drops); -1: the last query, as the GUI shows it.
  int query = -1;
  int batch = 0;           // which sequence of the batch the weights come from
  std::string title;       // empty: the scene's title, else one made from the scene
  std::string caption;     // empty: the scene's caption
  int gif_frame_ms = 800;  // GIF: each step's frame
  int gif_hold_ms = 2400;  // GIF: the first and last step and steps that move tokens are held
  int gif_tween_frames = 4;  // GIF: in-between frames (60 ms each) sliding tokens to their new places
  // Heatmap: a window of queries × keys, its weights computed for the window alone, so a figure
  // of real weights can be drawn at any N.
  TokenRange rows, keys;
  bool windowed() const { return !rows.whole() || !keys.whole(); }
  // Heatmap and compare: each token's text beside its number where the cells are tall enough
  // (one token per position of the scene).
  TokenText token_text;
  bool operator==(const FigureOptions&) const = default;
};

// Parsers throw SceneError naming the option and listing the accepted values.
FigureView figure_view_parse(const std::string& name);
const char* figure_view_name(FigureView view);
FigureFormat figure_format_parse(const std::string& name);
const char* figure_format_name(FigureFormat format);
// From the file extension (.png .svg .pdf .gif, any case); throws SceneError otherwise.
FigureFormat figure_format_from_path(const std::string& path);
FigureSize figure_size_parse(const std::string& name);
const char* figure_size_name(FigureSize size);

// Analyses of the scene's compare variants that a caller already holds (the GUI's cache); the
// compare view analyses any that are missing.
using ComparedAnalyses = std::vector<std::shared_ptr<const Analysis>>;

// The finished file's bytes. Throws SceneError for options that do not fit the analysis
// (a head or step out of range, a view the format cannot show).
std::string figure_render(const Analysis& analysis, const FigureOptions& options,
                          const ComparedAnalyses& compared = {});

// Renders and writes `path` atomically (temp file + rename): an existing file is replaced whole
// or left as it was. Throws std::runtime_error naming the path when it cannot be written. A deck
// (figure_is_deck) as PNG is one file per page, `path`'s stem followed by the page's number and
// name (lesson.png: lesson-01-step-00-input.png, ...), each written atomically.
void figure_export(const Analysis& analysis, const FigureOptions& options, const std::string& path,
                   const ComparedAnalyses& compared = {});
// Whether the options draw a deck of 16:9 pages: the lesson, and the storyboard (steps) and
// compare views at --size slide (not as GIF, which animates the steps).
bool figure_is_deck(const FigureOptions& options);
// The files figure_export writes for a deck as PNG, in page order.
std::vector<std::string> figure_deck_png_paths(const Analysis& analysis, const FigureOptions& options,
                                               const std::string& path, const ComparedAnalyses& compared = {});

// The lab figure of a training run (`attnscope train --json`, core/analysis/lab.hpp): the file
// embeds the run's JSON instead of a scene, since it draws numbers only a training measures.
std::string figure_render_lab(const LabResult& result, const FigureOptions& options);
// Atomic, as figure_export.
void figure_export_lab(const LabResult& result, const FigureOptions& options, const std::string& path);

// What a figure file embeds: the scene it shows and the options it was drawn with.
struct FigureSource {
  Scene scene;
  FigureOptions options;
};
// Reads the embedded scene of a PNG, SVG, PDF or GIF written by figure_export.
// Throws SceneError when the file has none.
FigureSource figure_read_source(const std::string& path);
// The same from the file's bytes; `path` names the file in messages.
FigureSource figure_source_from_bytes(const std::string& bytes, const std::string& path);

}  // namespace attnscope
