#pragma once
// A variant is one file in core/variants/ that registers itself here; nothing else needs to
// change to add one.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/cells/row_runs.hpp"
#include "core/scene/frame.hpp"
#include "core/scene/routing_choices.hpp"
#include "core/scene/trace.hpp"
#include "core/tensors/attention_weights.hpp"

namespace attnscope {

struct Scene;
struct Qkv;

struct ParamSpec {
  // Path: a file; a relative path in a scene file is read relative to that file's folder.
  enum class Kind { Int, IntList, Number, Text, Path, Flag };
  std::string name;           // long flag without dashes, and the scene-file key
  Kind kind = Kind::Int;
  std::string default_value;  // as text; empty means "derived" (explained in help)
  std::string help;
  // The shared scene key a derived default comes from ("g" for a block size): once the parameter
  // is set, that key no longer shapes the variant (figures then leave it out of the summary).
  std::string replaces;
  // "key=value": the parameter matters only while parameter `key` has that value (sf's
  // proportion under reading r2).
  std::string applies_if;
};

struct VariantInfo {
  std::string name;
  std::string description;  // one line
  std::string source;       // paper and section, or repository path
  // Shared scene keys the variant reads (e.g. "g", "shift"), then its own parameters.
  std::vector<std::string> uses;
  std::vector<ParamSpec> params;
  int list_order = 100;     // position in `attnscope variants`
  // Variants this one is best compared with, closest first: the GUI's compare defaults.
  std::vector<std::string> relatives;
  // The scene in assets/scenes/ (file stem) that shows this variant: the gallery draws it.
  std::string preset;
  // Why core/torch/ has no LibTorch transcription of this variant; empty when it has one.
  std::string reference_absent;
  // Why tests/golden/ has no hand-derived rows for it (data-dependent masks); empty when it has.
  std::string golden_absent;
};

// Something the variant found about cells besides leaks (a mask file's empty rows, its blocked
// diagonal): the inspector shows it for these cells.
struct CellNote {
  int head = 0;
  std::string text;
  std::vector<std::pair<int, int>> cells;  // (q, k); k = -1: every cell of row q
};

struct VariantBuild {
  std::vector<RowRuns> masks;        // per head, original coordinates
  std::optional<FrameLayout> frame;  // grouped variants: the layout the attention runs in
  Trace trace;
  // Per head, output position -> the query whose attention row lands there; empty means each
  // position gets its own. A roll back that does not undo the roll (odd G with floor division)
  // makes them differ, and analyze() then judges the rows where they land.
  std::vector<std::vector<int>> output_query;
  // Per head, the tokens where a new group or block starts, in original order (figures draw a
  // line before each); empty means none. analyze() fills it from `frame` when a variant with a
  // frame leaves it empty; block-structured variants without a frame set it themselves.
  std::vector<std::vector<int>> boundaries;
  std::string boundary_name = "group";  // what the lines separate: "group" or "block"
  std::vector<CellNote> notes;
  // A model's own weights (the file variant given --attention): every view shows them in place
  // of the softmax of q·kᵀ, and their logarithm as the scores.
  std::shared_ptr<const AttentionWeights> given_weights;
  // The routed variants' scores and choices per head and query, and the settings their
  // explanations read (explanations and captions).
  std::shared_ptr<const RoutingChoices> routing;
};

class Variant {
 public:
  virtual ~Variant() = default;
  virtual const VariantInfo& info() const = 0;
  // Throws SceneError naming the key and the fix.
  virtual void validate(const Scene& scene) const = 0;
  // Data-dependent variants read the scene's q and k; the others ignore them (and get an empty
  // Qkv when only the structure is analysed).
  virtual VariantBuild build(const Scene& scene, const Qkv& qkv) const = 0;
  // True for the data-dependent variants: their masks need q, k, v even without values.
  virtual bool reads_qkv() const { return false; }
  // Why this variant allows cell (q, k) of `head`: the chain of steps that made it visible.
  virtual std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const;
};

bool variant_register(std::unique_ptr<Variant> variant);
const Variant* variant_find(const std::string& name);
std::vector<const Variant*> variant_all();  // in list order
const ParamSpec* variant_param_spec(const std::string& name);  // across all variants
// The variant's own spec of a parameter, or null when it has none of that name.
const ParamSpec* variant_own_param(const Variant& variant, const std::string& name);

}  // namespace attnscope

// Use inside an anonymous namespace in the variant's file, after the class.
#define ATTNSCOPE_REGISTER_VARIANT(Type)        \
  [[maybe_unused]] const bool registered_##Type = \
      ::attnscope::variant_register(std::make_unique<Type>());
