#include "core/variants/duo_gates.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/base/parse_numbers.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

std::vector<std::vector<double>> duo_gates_read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw SceneError(fmt::format("gates: cannot open '{}'; give a full_attention_heads.tsv file", path));
  std::vector<std::vector<double>> layers;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::istringstream fields(line);
    std::vector<double> row;
    std::string field;
    while (fields >> field) {
      const auto alpha = number_in(field);
      if (!alpha) throw SceneError(fmt::format("gates: line {} of '{}' has '{}', not a number", number, path, field));
      row.push_back(std::clamp(*alpha, 0.0, 1.0));
    }
    if (!layers.empty() && row.size() != layers.front().size())
      throw SceneError(fmt::format("gates: line {} of '{}' has {} values where line 1 has {}; one α per KV head "
                                   "on every line",
                                   number, path, row.size(), layers.front().size()));
    layers.push_back(std::move(row));
  }
  if (layers.empty()) throw SceneError(fmt::format("gates: '{}' holds no layer", path));
  return layers;
}

}  // namespace attnscope
