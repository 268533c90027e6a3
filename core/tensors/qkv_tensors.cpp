#include "core/tensors/qkv_tensors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <stdexcept>

#include "core/base/input_error.hpp"
#include "core/base/printable.hpp"
#include "core/tensors/qkv_names.hpp"

namespace attnscope {

namespace {

std::string layout_text(std::optional<QkvLayout> layout) {
  if (!layout) return "layout bnhd (the default; --qkv-layout bhnd for (B, H, N, D))";
  return *layout == QkvLayout::Bnhd ? "layout bnhd (--qkv-layout)" : "layout bhnd (--qkv-layout)";
}

// "q is int64 ('q', shape (2, 8, 4, 8))": the role, then the entry it was read from.
std::string named(const char* label, const TensorEntry& entry) {
  return fmt::format("{} ('{}', shape {})", label, printable_line(entry.name), entry.shape_text());
}

struct LayerPick {
  int index = 0;     // on the leading axis
  std::string text;  // for the description
};

// The sizes one of q, k, v has, and the axes of its entry they are on (b is -1 for rank-3
// tensors, part is the packed axis of 3).
struct Located {
  const TensorEntry* entry = nullptr;
  const char* label = "q";
  bool layer_axis = false;
  int b = -1, n = 0, h = 0, d = 0, part = -1;
  long batch = 1, tokens = 0, heads = 0, size = 0;
};

class Assembly {
 public:
  Assembly(const TensorFile& file, const QkvOptions& options) : file_(file), options_(options) {}

  InputError bad(const std::string& what) const { return InputError("file: " + file_.source() + ": " + what); }

  Located locate(const TensorEntry& entry, const char* label, bool packed, bool names_carry_layers) const {
    Located at;
    at.entry = &entry;
    at.label = label;
    const int rank = static_cast<int>(entry.shape.size());
    const int plain = packed ? 5 : 4;  // the rank with a batch axis and no layer axis
    const std::string accepted = packed
                                     ? "a packed qkv is (B, N, 3, H, D) or (N, 3, H, D)"
                                     : "q, k, v are (B, N, H, D) or (B, H, N, D) (--qkv-layout), or the same without B";
    const std::string layers = names_carry_layers ? "" : ", with a leading layer axis for several layers";
    if (rank < plain - 1 || rank > plain + (names_carry_layers ? 0 : 1))
      throw bad(fmt::format("{} has rank {}; {}{}", named(label, entry), rank, accepted, layers));
    at.layer_axis = rank == plain + 1;
    const int first = at.layer_axis ? 1 : 0;
    at.b = rank >= plain ? first : -1;
    const int after_b = at.b < 0 ? first : first + 1;
    if (packed) {
      at.n = after_b;
      at.part = after_b + 1;
      at.h = after_b + 2;
      if (entry.shape[at.part] != 3)
        throw bad(
            fmt::format("{} has {} on the axis of q, k, v; {}{}", named(label, entry), entry.shape[at.part], accepted,
                        file_.entries().size() == 1 ? "; a file of one tensor holds a packed qkv, else save q, k, v "
                                                      "by name: numpy.savez(path, q=q, k=k, v=v)"
                                                    : ""));
    } else {
      const bool bhnd = options_.layout == QkvLayout::Bhnd;
      at.h = bhnd ? after_b : after_b + 1;
      at.n = bhnd ? after_b + 1 : after_b;
    }
    at.d = rank - 1;
    at.batch = at.b < 0 ? 1 : entry.shape[at.b];
    at.tokens = entry.shape[at.n];
    at.heads = entry.shape[at.h];
    at.size = entry.shape[at.d];
    for (long size : {at.batch, at.tokens, at.heads, at.size}) {
      if (size == 0)
        throw bad(fmt::format("{} has an empty axis; q, k, v need a batch row, a token, a head and a value per head",
                              named(label, entry)));
      if (size > INT_MAX) throw bad(fmt::format("{} has an axis longer than {}", named(label, entry), INT_MAX));
    }
    return at;
  }

  static std::string sizes(const Located& at) {
    return fmt::format("(B={}, N={}, H={}, D={})", at.batch, at.tokens, at.heads, at.size);
  }

  void agree(const Located& q, const Located& other) const {
    const char* differs = q.batch != other.batch     ? "B"
                          : q.tokens != other.tokens ? "N"
                          : q.size != other.size     ? "D"
                                                     : nullptr;
    if (differs)
      throw bad(fmt::format("{} is {} but {} is {}: {} differs; q, k, v must agree in B, N and D",
                            named(q.label, *q.entry), sizes(q), named(other.label, *other.entry), sizes(other),
                            differs));
  }

  // The layer of a leading layer axis (the same number of layers in q, k and v, one chosen), or
  // of the names, and how the description says it.
  LayerPick pick_layer(const Located (&at)[3], const QkvChoice& choice) const {
    for (int p = 1; p < 3; ++p)
      if (at[p].layer_axis != at[0].layer_axis || (at[0].layer_axis && at[p].entry->shape[0] != at[0].entry->shape[0]))
        throw bad(fmt::format("{} and {} disagree in their leading layer axis; give q, k, v the same number of layers",
                              named(at[0].label, *at[0].entry), named(at[p].label, *at[p].entry)));
    if (at[0].layer_axis) {
      const long layers = at[0].entry->shape[0];
      if (!options_.layer && layers > 1)
        throw bad(fmt::format("{} holds {} layers on its leading axis; choose one with --layer 0..{}",
                              named(at[0].label, *at[0].entry), layers, layers - 1));
      const int layer = options_.layer.value_or(0);
      if (layer < 0 || layer >= layers)
        throw bad(fmt::format("--layer {}, but {} holds layers 0..{} on its leading axis", layer,
                              named(at[0].label, *at[0].entry), layers - 1));
      return {layer, layers > 1 ? fmt::format(", layer {} of {} on the leading axis", layer, layers)
                                : ", the one layer on the leading axis"};
    }
    if (choice.layer)
      return {0, fmt::format(", layer {} (the names carry layers {})", *choice.layer, fmt::join(choice.layers, ", "))};
    if (options_.layer)
      throw bad(
          fmt::format("--layer {}, but the file holds one layer (no layer axis, no layers in the names); "
                      "leave --layer out",
                      *options_.layer));
    return {};
  }

 private:
  const TensorFile& file_;
  const QkvOptions& options_;
};

std::vector<int64_t> row_major_strides(const std::vector<long>& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t a = shape.size(); a-- > 1;) strides[a - 1] = strides[a] * shape[a];
  return strides;
}

std::string index_text(int64_t flat, const std::vector<long>& shape) {
  std::vector<int64_t> index(shape.size());
  for (size_t a = shape.size(); a-- > 0;) {
    index[a] = flat % shape[a];
    flat /= shape[a];
  }
  return fmt::format("[{}]", fmt::join(index, ", "));
}

// One line: the entries, the sizes, the layout, the layer, why, and what the reading does to the
// values (heads shared, dtypes converted).
std::string description(const TensorFile& file, const QkvOptions& options, const QkvChoice& choice, const Located& q,
                        const Located& kv, const std::string& layer_text) {
  const std::string from = choice.packed ? fmt::format("the packed '{}'", printable_line(choice.q->name))
                                         : fmt::format("'{}', '{}', '{}'", printable_line(choice.q->name),
                                                       printable_line(choice.k->name), printable_line(choice.v->name));
  std::string text =
      fmt::format("read q, k, v from {} of {} as (B={}, N={}, H={}, D={}), {}{}{}, {}", from, file.source(), q.batch,
                  q.tokens, q.heads, q.size, choice.packed ? "packed as (B, N, 3, H, D)" : layout_text(options.layout),
                  q.b < 0 ? ", B = 1 for tensors without a batch axis" : "", layer_text, choice.reason);
  if (kv.heads != q.heads)
    text += fmt::format("; k and v have {} heads shared by {} query heads each", kv.heads, q.heads / kv.heads);
  std::vector<std::string_view> converted;
  for (const TensorEntry* entry : {choice.q, choice.k, choice.v}) {
    const std::string_view name = tensor_dtype_name(entry->dtype);
    if (name != "float32" && std::find(converted.begin(), converted.end(), name) == converted.end())
      converted.push_back(name);
  }
  if (!converted.empty()) text += fmt::format("; {} converted to float32", fmt::join(converted, " and "));
  return text;
}

}  // namespace

QkvLayout qkv_layout_parse(const std::string& text) {
  if (text == "bnhd") return QkvLayout::Bnhd;
  if (text == "bhnd") return QkvLayout::Bhnd;
  throw InputError("--qkv-layout '" + printable_line(text) + "': give bnhd for (B, N, H, D) or bhnd for (B, H, N, D)");
}

QkvTensors qkv_tensors(const TensorFile& file, const QkvOptions& options) {
  const QkvChoice choice = qkv_choose(file, options.names, options.layer);
  const Assembly assembly(file, options);
  const bool packed = choice.packed;
  const char* labels[3] = {"q", "k", "v"};
  const TensorEntry* entries[3] = {choice.q, choice.k, choice.v};
  for (int p = 0; p < (packed ? 1 : 3); ++p)
    if (!tensor_dtype_floating(entries[p]->dtype))
      throw assembly.bad(
          fmt::format("{} is {} ('{}', shape {}); q, k, v must be floating point: save them as float32, "
                      "float16 or bfloat16",
                      packed ? "qkv" : labels[p], tensor_dtype_name(entries[p]->dtype),
                      printable_line(entries[p]->name), entries[p]->shape_text()));
  if (packed && options.layout == QkvLayout::Bhnd)
    throw assembly.bad(fmt::format("{} is a packed qkv, always (B, N, 3, H, D); leave out --qkv-layout bhnd",
                                   named("qkv", *choice.q)));
  const bool names_carry_layers = !choice.layers.empty();
  Located at[3];
  for (int p = 0; p < 3; ++p)
    at[p] = assembly.locate(*entries[p], packed ? "qkv" : labels[p], packed, names_carry_layers);

  const LayerPick layer = assembly.pick_layer(at, choice);
  if (!packed) {
    assembly.agree(at[0], at[1]);
    assembly.agree(at[0], at[2]);
    if (at[1].heads != at[2].heads)
      throw assembly.bad(fmt::format("{} has {} heads but {} has {}; k and v must have the same number of heads",
                                     named("k", *entries[1]), at[1].heads, named("v", *entries[2]), at[2].heads));
    if (at[0].heads % at[1].heads != 0)
      throw assembly.bad(
          fmt::format("k and v have {} heads ({}), which does not divide q's {} ({}); each key/value "
                      "head must serve the same number of query heads",
                      at[1].heads, entries[1]->shape_text(), at[0].heads, entries[0]->shape_text()));
  }

  QkvTensors t(file);
  t.batch_ = static_cast<int>(at[0].batch);
  t.n_ = static_cast<int>(at[0].tokens);
  t.heads_ = static_cast<int>(at[0].heads);
  t.kv_heads_ = static_cast<int>(at[1].heads);
  t.d_ = static_cast<int>(at[0].size);
  QkvTensors::Part* parts[3] = {&t.q_, &t.k_, &t.v_};
  for (int p = 0; p < 3; ++p) {
    const std::vector<int64_t> strides = row_major_strides(entries[p]->shape);
    QkvTensors::Part& part = *parts[p];
    part.entry = entries[p];
    part.label = at[p].label;
    part.base = (at[p].layer_axis ? layer.index * strides[0] : 0) + (packed ? p * strides[at[p].part] : 0);
    part.batch_stride = at[p].b < 0 ? 0 : strides[at[p].b];
    part.token_stride = strides[at[p].n];
    part.head_stride = strides[at[p].h];
  }

  t.description_ = description(file, options, choice, at[0], at[1], layer.text);
  return t;
}

void QkvTensors::read_part(const Part& part, int b, int head, float* out) const {
  const TensorRuns runs{part.base + b * part.batch_stride + head * part.head_stride, d_, part.token_stride, n_};
  file_.read(*part.entry, runs, out);
  const int64_t count = int64_t{n_} * d_;
  for (int64_t i = 0; i < count; ++i) {
    if (std::isfinite(out[i])) continue;
    const int64_t flat = runs.first + (i / d_) * runs.stride + i % d_;
    throw InputError(fmt::format("file: {}: {} has {} at {}; q, k, v must be finite: check what wrote them",
                                 file_.source(), named(part.label, *part.entry), out[i],
                                 index_text(flat, part.entry->shape)));
  }
}

void QkvTensors::head(int b, int h, float* q, float* k, float* v) const {
  if (b < 0 || b >= batch_ || h < 0 || h >= heads_)
    throw std::out_of_range(fmt::format("QkvTensors::head({}, {}) of (B={}, H={})", b, h, batch_, heads_));
  const int kv = h / (heads_ / kv_heads_);
  read_part(q_, b, h, q);
  read_part(k_, b, kv, k);
  read_part(v_, b, kv, v);
}

QkvHead QkvTensors::head(int b, int h) const {
  const size_t count = static_cast<size_t>(n_) * d_;
  QkvHead out{std::vector<float>(count), std::vector<float>(count), std::vector<float>(count)};
  head(b, h, out.q.data(), out.k.data(), out.v.data());
  return out;
}

}  // namespace attnscope
