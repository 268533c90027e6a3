#include "core/tensors/safetensors_writer.hpp"

#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/base/atomic_file.hpp"

namespace attnscope {

static_assert(std::endian::native == std::endian::little, "safetensors stores little-endian bytes");

std::string safetensors_bytes(const std::vector<SafetensorsEntry>& entries,
                              const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const SafetensorsEntry& e : entries) {
    int64_t count = 1;
    for (int64_t s : e.shape) count *= s;
    if (count != static_cast<int64_t>(e.data.size()))
      throw std::invalid_argument("safetensors: " + e.name + " holds " + std::to_string(e.data.size()) +
                                  " numbers, its shape " + std::to_string(count));
    const uint64_t bytes = e.data.size() * sizeof(float);
    header[e.name] = {{"dtype", "F32"}, {"shape", e.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the data then starts 8-byte aligned
  std::string out(8, '\0');
  const uint64_t length = text.size();
  std::memcpy(out.data(), &length, 8);
  out += text;
  for (const SafetensorsEntry& e : entries)
    out.append(reinterpret_cast<const char*>(e.data.data()), e.data.size() * sizeof(float));
  return out;
}

void safetensors_write(const std::string& path, const std::vector<SafetensorsEntry>& entries,
                       const std::map<std::string, std::string>& metadata) {
  atomic_write_file(path, safetensors_bytes(entries, metadata));
}

}  // namespace attnscope
