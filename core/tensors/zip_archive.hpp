#pragma once
// The members of a ZIP archive (what numpy.savez and numpy.savez_compressed write), found through
// its central directory, ZIP64 included; stored members are views of the archive's bytes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnscope {

struct ZipMember {
  std::string name;
  bool deflated = false;  // else stored
  uint32_t crc = 0;
  uint64_t size = 0;      // uncompressed
  std::string_view data;  // as stored in the archive (compressed when deflated)
};

// Throws InputError naming `source` when the bytes are not a ZIP archive we can read (no end of
// central directory, members past the end, encryption, a method other than stored or deflate).
std::vector<ZipMember> zip_members(std::string_view archive, const std::string& source);

// The first `length` bytes of a deflated member, or all of them (then checked against its CRC).
// Throws InputError naming `source` and the member when the stream is damaged.
std::string zip_inflate(const ZipMember& member, const std::string& source, uint64_t length);
std::string zip_inflate(const ZipMember& member, const std::string& source);

}  // namespace attnscope
