#include "core/tensors/zip_archive.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

constexpr uint32_t kEndOfDirectory = 0x06054b50, kZip64Locator = 0x07064b50, kZip64EndOfDirectory = 0x06064b50,
                   kDirectoryEntry = 0x02014b50, kLocalHeader = 0x04034b50;
constexpr size_t kEndOfDirectorySize = 22, kDirectoryEntrySize = 46, kLocalHeaderSize = 30;
// Deflate cannot shrink data by more than about 1032 to 1; a member that says it inflates to more
// is damaged, and is refused before its size is allocated.
constexpr uint64_t kMaxDeflateRatio = 1032;

// Little-endian integers at `at` of `bytes`; the caller has checked the range.
uint64_t le(std::string_view bytes, size_t at, int width) {
  uint64_t value = 0;
  for (int i = 0; i < width; ++i) value |= uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  return value;
}

class Reader {
 public:
  Reader(std::string_view archive, const std::string& source) : archive_(archive), source_(source) {}

  InputError bad(const std::string& why) const {
    return InputError("file: " + source_ + " is not a ZIP archive we can read (" + why +
                      "); save it again with numpy.savez");
  }

  // `length` bytes at `offset`, or an error saying `what` lies past the end.
  std::string_view range(uint64_t offset, uint64_t length, const char* what) const {
    if (offset > archive_.size() || length > archive_.size() - offset)
      throw bad(fmt::format("{} lies past the end of the file", what));
    return archive_.substr(offset, length);
  }

  std::vector<ZipMember> members() const {
    const size_t end = end_of_directory();
    uint64_t count = le(archive_, end + 10, 2), directory_size = le(archive_, end + 12, 4),
             directory_offset = le(archive_, end + 16, 4);
    if (end >= 20 && le(archive_, end - 20, 4) == kZip64Locator) {
      const std::string_view record = range(le(archive_, end - 12, 8), 56, "the ZIP64 end of directory");
      if (le(record, 0, 4) != kZip64EndOfDirectory) throw bad("a ZIP64 locator that points at no ZIP64 record");
      count = le(record, 32, 8);
      directory_size = le(record, 40, 8);
      directory_offset = le(record, 48, 8);
    }
    const std::string_view directory = range(directory_offset, directory_size, "the central directory");
    // Each entry takes at least 46 bytes of the directory, which bounds the count before any
    // memory is reserved for it.
    if (count > directory.size() / kDirectoryEntrySize)
      throw bad(fmt::format("{} members in a directory of {} bytes", count, directory.size()));
    std::vector<ZipMember> members;
    size_t at = 0;
    for (uint64_t i = 0; i < count; ++i) members.push_back(member(directory, at));
    return members;
  }

 private:
  // The end of central directory record: the last one in the file's final 64 KiB + 22 bytes (a
  // comment of up to 64 KiB may follow it).
  size_t end_of_directory() const {
    if (archive_.size() < kEndOfDirectorySize) throw bad("too short for a ZIP archive");
    const size_t lowest =
        archive_.size() > kEndOfDirectorySize + 0xffff ? archive_.size() - kEndOfDirectorySize - 0xffff : 0;
    for (size_t at = archive_.size() - kEndOfDirectorySize + 1; at-- > lowest;)
      if (le(archive_, at, 4) == kEndOfDirectory) return at;
    throw bad("no end of central directory");
  }

  ZipMember member(std::string_view directory, size_t& at) const {
    const std::string_view entry = directory.substr(at);
    if (entry.size() < kDirectoryEntrySize || le(entry, 0, 4) != kDirectoryEntry)
      throw bad("a damaged central directory");
    const size_t name_length = le(entry, 28, 2), extra_length = le(entry, 30, 2), comment_length = le(entry, 32, 2);
    if (kDirectoryEntrySize + name_length + extra_length + comment_length > entry.size())
      throw bad("a central directory entry past its end");
    at += kDirectoryEntrySize + name_length + extra_length + comment_length;
    ZipMember m;
    m.name = std::string(entry.substr(kDirectoryEntrySize, name_length));
    const uint64_t flags = le(entry, 8, 2), method = le(entry, 10, 2);
    if (flags & 1) throw bad(fmt::format("member '{}' is encrypted", m.name));
    if (method != 0 && method != 8)
      throw bad(
          fmt::format("member '{}' is compressed with method {}; numpy writes stored or deflate", m.name, method));
    m.deflated = method == 8;
    m.crc = static_cast<uint32_t>(le(entry, 16, 4));
    uint64_t compressed = le(entry, 20, 4), offset = le(entry, 42, 4);
    m.size = le(entry, 24, 4);
    zip64_sizes(entry.substr(kDirectoryEntrySize + name_length, extra_length), m.size, compressed, offset);
    if (!m.deflated && compressed != m.size)
      throw bad(fmt::format("stored member '{}' of {} bytes takes {}", m.name, m.size, compressed));
    if (m.deflated && m.size > compressed * kMaxDeflateRatio + 1024)
      throw bad(fmt::format("member '{}' says it inflates to {} bytes from {}, more than deflate can", m.name, m.size,
                            compressed));
    // The local header's name and extra field may differ in length from the directory's.
    const std::string_view local = range(offset, kLocalHeaderSize, "a member's local header");
    if (le(local, 0, 4) != kLocalHeader) throw bad(fmt::format("member '{}' has no local header", m.name));
    const uint64_t data_offset = offset + kLocalHeaderSize + le(local, 26, 2) + le(local, 28, 2);
    m.data = range(data_offset, compressed, "a member's data");
    return m;
  }

  // A ZIP64 extra field (id 1) holds, in this order, the uncompressed size, compressed size and
  // header offset that did not fit the directory entry's 32-bit fields (those set to 0xffffffff).
  void zip64_sizes(std::string_view extra, uint64_t& size, uint64_t& compressed, uint64_t& offset) const {
    for (size_t at = 0; at + 4 <= extra.size();) {
      const uint64_t id = le(extra, at, 2), length = le(extra, at + 2, 2);
      if (at + 4 + length > extra.size()) throw bad("an extra field past its entry");
      if (id == 1) {
        size_t field = at + 4;
        for (uint64_t* value : {&size, &compressed, &offset}) {
          if (*value != 0xffffffff) continue;
          if (field + 8 > at + 4 + length) throw bad("a ZIP64 extra field shorter than its sizes");
          *value = le(extra, field, 8);
          field += 8;
        }
      }
      at += 4 + length;
    }
  }

  std::string_view archive_;
  const std::string& source_;
};

}  // namespace

std::vector<ZipMember> zip_members(std::string_view archive, const std::string& source) {
  return Reader(archive, source).members();
}

std::string zip_inflate(const ZipMember& member, const std::string& source, uint64_t length) {
  const bool whole = length >= member.size;
  std::string out(whole ? member.size : length, '\0');
  const auto damaged = [&](const std::string& why) {
    return InputError(
        fmt::format("file: {}: member '{}' does not inflate ({}); save it again with "
                    "numpy.savez_compressed",
                    source, member.name, why));
  };
  z_stream stream{};
  // Raw deflate (no zlib header): ZIP members carry only the compressed stream.
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) throw std::bad_alloc();
  // zlib counts in 32-bit units, so large members are fed and drained a gigabyte at a time.
  constexpr uint64_t kStep = uint64_t{1} << 30;
  uint64_t in_done = 0, out_done = 0;
  int status = Z_OK;
  while (out_done < out.size()) {
    if (stream.avail_in == 0 && in_done < member.data.size()) {
      const uint64_t step = std::min<uint64_t>(kStep, member.data.size() - in_done);
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(member.data.data() + in_done));
      stream.avail_in = static_cast<uInt>(step);
      in_done += step;
    }
    const uint64_t step = std::min<uint64_t>(kStep, out.size() - out_done);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + out_done);
    stream.avail_out = static_cast<uInt>(step);
    status = inflate(&stream, Z_NO_FLUSH);
    out_done += step - stream.avail_out;
    // The end of the stream, or no progress because the input ran out (a truncated member).
    if (status == Z_STREAM_END || (status == Z_BUF_ERROR && in_done == member.data.size())) break;
    if (status != Z_OK && status != Z_BUF_ERROR) break;
  }
  const std::string message = stream.msg ? stream.msg : fmt::format("zlib error {}", status);
  inflateEnd(&stream);
  if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) throw damaged(message);
  if (out_done < out.size()) throw damaged(fmt::format("{} bytes where the archive says {}", out_done, member.size));
  if (whole && crc32_z(0, reinterpret_cast<const Bytef*>(out.data()), out.size()) != member.crc)
    throw damaged("its CRC does not match");
  return out;
}

std::string zip_inflate(const ZipMember& member, const std::string& source) {
  return zip_inflate(member, source, member.size);
}

}  // namespace attnscope
