#include "core/tensors/qkv_names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "core/base/input_error.hpp"
#include "core/base/printable.hpp"

namespace attnscope {

namespace {

enum Part { Q, K, V, Packed, kParts };
constexpr const char* kPartNames[kParts] = {"q", "k", "v", "qkv"};

struct NameParts {
  std::optional<Part> part;
  std::optional<int> layer;
};

NameParts name_parts(const std::string& name) {
  std::vector<std::string> components;
  size_t start = 0;
  for (size_t i = 0; i <= name.size(); ++i)
    if (i == name.size() || name[i] == '.' || name[i] == '/') {
      components.push_back(name.substr(start, i - start));
      start = i + 1;
    }
  NameParts parts;
  const std::string& last = components.back();
  if (last == "q" || last == "query")
    parts.part = Q;
  else if (last == "k" || last == "key")
    parts.part = K;
  else if (last == "v" || last == "value")
    parts.part = V;
  else if (last == "qkv")
    parts.part = Packed;
  for (size_t i = components.size() - 1; i-- > 0;) {
    const std::string& c = components[i];
    // Up to 9 digits, so the number fits an int.
    if (!c.empty() && c.size() <= 9 &&
        std::all_of(c.begin(), c.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      parts.layer = std::stoi(c);
      break;
    }
  }
  return parts;
}

std::string quoted(const TensorEntry* entry) { return "'" + printable_line(entry->name) + "'"; }

std::string layer_list(const std::vector<int>& layers) { return fmt::format("{}", fmt::join(layers, ", ")); }

// The entries --qkv-key gives: "q=A,k=B,v=C" or "qkv=A".
QkvChoice chosen_by_option(const TensorFile& file, const std::string& names) {
  const auto bad = [&](const std::string& why) {
    return InputError("--qkv-key '" + printable_line(names) + "': " + why +
                      "; give q=NAME,k=NAME,v=NAME or qkv=NAME for a packed (B, N, 3, H, D) tensor");
  };
  std::map<std::string, const TensorEntry*> given;
  size_t start = 0;
  while (start <= names.size()) {
    const size_t end = std::min(names.find(',', start), names.size());
    const std::string item = names.substr(start, end - start);
    const size_t eq = item.find('=');
    if (eq == std::string::npos) throw bad("'" + item + "' is not PART=NAME");
    const std::string part = item.substr(0, eq), name = item.substr(eq + 1);
    if (part != "q" && part != "k" && part != "v" && part != "qkv") throw bad("'" + part + "' is not q, k, v or qkv");
    if (given.count(part)) throw bad(part + " is given twice");
    const TensorEntry* entry = file.find(name);
    if (!entry)
      throw InputError("file: " + file.source() + " has no entry '" + printable_line(name) + "' (from --qkv-key " +
                       part + "=" + printable_line(name) + "); entries found: " + qkv_entry_list(file));
    given[part] = entry;
    start = end + 1;
  }
  QkvChoice choice;
  choice.reason = "because --qkv-key names them";
  if (given.count("qkv")) {
    if (given.size() != 1) throw bad("qkv is given with q, k or v");
    choice.q = choice.k = choice.v = given["qkv"];
    choice.packed = true;
    return choice;
  }
  for (const char* part : {"q", "k", "v"})
    if (!given.count(part)) throw bad(std::string("no ") + part + " is given");
  choice.q = given["q"];
  choice.k = given["k"];
  choice.v = given["v"];
  return choice;
}

}  // namespace

std::string qkv_entry_list(const TensorFile& file) {
  constexpr size_t kShown = 12;
  std::vector<std::string> items;
  for (const TensorEntry& entry : file.entries()) {
    if (items.size() == kShown) break;
    items.push_back(fmt::format("{} ({}, {})", quoted(&entry), tensor_dtype_name(entry.dtype), entry.shape_text()));
  }
  std::string list = items.empty() ? "none" : fmt::format("{}", fmt::join(items, ", "));
  if (file.entries().size() > kShown) list += fmt::format(" and {} more", file.entries().size() - kShown);
  return list;
}

QkvChoice qkv_choose(const TensorFile& file, const std::string& names, std::optional<int> layer) {
  if (!names.empty()) return chosen_by_option(file, names);
  // The recognised entries per group (by layer; nullopt: names without a layer).
  std::map<std::optional<int>, std::array<std::vector<const TensorEntry*>, kParts>> groups;
  for (const TensorEntry& entry : file.entries()) {
    const NameParts parts = name_parts(entry.name);
    if (parts.part) groups[parts.layer][*parts.part].push_back(&entry);
  }
  QkvChoice choice;
  if (groups.empty()) {
    if (file.entries().size() == 1) {
      choice.q = choice.k = choice.v = &file.entries()[0];
      choice.packed = true;
      choice.reason = "because it is the file's only tensor";
      return choice;
    }
    throw InputError("file: " + file.source() + " has no q, k, v; entries found: " + qkv_entry_list(file) +
                     "; name them q, k, v (or query, key, value, or one packed qkv) or give --qkv-key "
                     "q=NAME,k=NAME,v=NAME");
  }
  for (const auto& [group_layer, parts] : groups)
    if (group_layer) choice.layers.push_back(*group_layer);
  const bool unlayered = groups.count(std::nullopt) > 0;
  const std::string layers_found = layer_list(choice.layers) + (unlayered ? " and names without a layer" : "");
  if (layer && !choice.layers.empty()) {
    if (!groups.count(*layer))
      throw InputError(fmt::format("file: {} has no q, k, v of layer {} (--layer); the names carry layers {}",
                                   file.source(), *layer, layers_found));
    choice.layer = layer;
  } else if (groups.size() > 1) {
    throw InputError(fmt::format("file: {} holds q, k, v of several layers ({}); choose one with --layer",
                                 file.source(), layers_found));
  } else {
    choice.layer = groups.begin()->first;
  }
  const auto& parts = groups.at(choice.layer);
  const std::string where = choice.layer ? fmt::format(" of layer {}", *choice.layer) : "";
  for (int part = Q; part < kParts; ++part)
    if (parts[part].size() > 1)
      throw InputError("file: " + file.source() + ": both " + quoted(parts[part][0]) + " and " +
                       quoted(parts[part][1]) + " could be " + kPartNames[part] + where +
                       "; choose with --qkv-key q=NAME,k=NAME,v=NAME");
  const bool split = !parts[Q].empty() || !parts[K].empty() || !parts[V].empty();
  if (split && !parts[Packed].empty())
    throw InputError("file: " + file.source() + " holds both q, k, v and a packed " + quoted(parts[Packed][0]) + where +
                     "; choose with --qkv-key q=NAME,k=NAME,v=NAME or qkv=NAME");
  if (!split) {
    choice.q = choice.k = choice.v = parts[Packed][0];
    choice.packed = true;
    choice.reason = "because it is named qkv";
    return choice;
  }
  for (int part = Q; part <= V; ++part)
    if (parts[part].empty())
      throw InputError("file: " + file.source() + " has no " + kPartNames[part] + where +
                       "; entries found: " + qkv_entry_list(file) + "; name it " + kPartNames[part] +
                       " or give --qkv-key q=NAME,k=NAME,v=NAME");
  choice.q = parts[Q][0];
  choice.k = parts[K][0];
  choice.v = parts[V][0];
  choice.reason = "because the file names them so";
  return choice;
}

}  // namespace attnscope
