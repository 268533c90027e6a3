#include "app/cli/streamed_json.hpp"

#include <string>

namespace attnscope {

namespace {

// Deferred values are binary nodes, which no document built from scenes or analyses holds; the
// subtype is the writer's index.
void print_node(const nlohmann::json& node, const std::vector<StreamedJson::Writer>& writers,
                std::ostream& out, int indent, int depth) {
  const auto newline = [&](int level) {
    if (indent >= 0) out << '\n' << std::string(static_cast<size_t>(indent * level), ' ');
  };
  if (node.is_binary()) {
    writers.at(static_cast<size_t>(node.get_binary().subtype()))(out);
  } else if (node.is_object() && !node.empty()) {
    out << '{';
    bool first = true;
    for (const auto& [key, value] : node.items()) {
      if (!first) out << ',';
      first = false;
      newline(depth + 1);
      out << nlohmann::json(key).dump() << (indent >= 0 ? ": " : ":");
      print_node(value, writers, out, indent, depth + 1);
    }
    newline(depth);
    out << '}';
  } else if (node.is_array() && !node.empty()) {
    out << '[';
    bool first = true;
    for (const auto& value : node) {
      if (!first) out << ',';
      first = false;
      newline(depth + 1);
      print_node(value, writers, out, indent, depth + 1);
    }
    newline(depth);
    out << ']';
  } else {
    out << node.dump();
  }
}

}  // namespace

nlohmann::json StreamedJson::defer(Writer write) {
  writers_.push_back(std::move(write));
  return nlohmann::json::binary({}, static_cast<std::uint64_t>(writers_.size() - 1));
}

void StreamedJson::print(const nlohmann::json& doc, std::ostream& out, int indent) const {
  print_node(doc, writers_, out, indent, 0);
}

}  // namespace attnscope
