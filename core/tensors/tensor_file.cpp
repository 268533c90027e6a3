#include "core/tensors/tensor_file.hpp"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "core/base/input_error.hpp"
#include "core/tensors/mapped_file.hpp"
#include "core/tensors/pt_reader.hpp"
#include "core/tensors/tensor_contents.hpp"

namespace attnscope {

namespace {

enum class Format { Npy, Npz, Safetensors, Pt };

Format format_of(const std::string& path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".npy") return Format::Npy;
  if (extension == ".npz") return Format::Npz;
  if (extension == ".safetensors") return Format::Safetensors;
  if (extension == ".pt" || extension == ".pth") return Format::Pt;
  throw InputError("file: '" + path +
                   "' is not .npy, .npz, .safetensors or .pt; save the tensors with "
                   "numpy.save, numpy.savez, safetensors or torch.save");
}

std::string stem(const std::string& path) { return std::filesystem::path(path).stem().string(); }

void fill(TensorContents& contents, Format format, std::string_view bytes) {
  switch (format) {
    case Format::Npy: return npy_contents(contents, bytes, stem(contents.source));
    case Format::Npz: return npz_contents(contents, bytes);
    case Format::Safetensors: return safetensors_contents(contents, bytes);
    case Format::Pt: break;
  }
  throw InputError("file: " + contents.source + ": .pt files are read from disk by LibTorch, not from memory");
}

}  // namespace

int64_t TensorEntry::element_count() const {
  int64_t count = 1;
  for (long d : shape) count *= d;
  return count;
}

std::string TensorEntry::shape_text() const { return fmt::format("({})", fmt::join(shape, ", ")); }

void TensorContents::add(TensorEntry entry, TensorValues values) {
  entries.push_back(std::move(entry));
  slots.push_back(std::make_unique<TensorSlot>());
  slots.back()->values = values;
}

void TensorContents::add(TensorEntry entry, std::function<TensorValues()> load) {
  entries.push_back(std::move(entry));
  slots.push_back(std::make_unique<TensorSlot>());
  slots.back()->load = std::move(load);
}

TensorFile::TensorFile(std::shared_ptr<const TensorContents> contents) : contents_(std::move(contents)) {}

TensorFile TensorFile::open(const std::string& path) {
  const Format format = format_of(path);
  auto contents = std::make_shared<TensorContents>();
  contents->source = path;
  if (format == Format::Pt) {
    auto tensor = std::make_shared<const MaskTensor>(pt_read(path, "use .npy, .npz or .safetensors"));
    pt_contents(*contents, *tensor, stem(path));
    contents->storage = std::move(tensor);
  } else {
    auto mapped = std::make_shared<const MappedFile>(path);
    fill(*contents, format, mapped->bytes());
    contents->mapping = mapped.get();
    contents->storage = std::move(mapped);
  }
  return TensorFile(std::move(contents));
}

TensorFile TensorFile::parse(std::string bytes, const std::string& source) {
  const Format format = format_of(source);
  auto contents = std::make_shared<TensorContents>();
  contents->source = source;
  auto held = std::make_shared<const std::string>(std::move(bytes));
  fill(*contents, format, *held);
  contents->storage = std::move(held);
  return TensorFile(std::move(contents));
}

const std::string& TensorFile::source() const { return contents_->source; }

const std::vector<TensorEntry>& TensorFile::entries() const { return contents_->entries; }

const TensorEntry* TensorFile::find(std::string_view name) const {
  for (const TensorEntry& entry : contents_->entries)
    if (entry.name == name) return &entry;
  return nullptr;
}

void TensorFile::read(const TensorEntry& entry, const TensorRuns& runs, float* out) const {
  const std::vector<TensorEntry>& entries = contents_->entries;
  if (&entry < entries.data() || &entry >= entries.data() + entries.size())
    throw std::invalid_argument("TensorFile::read: an entry of another file");
  if (runs.first < 0 || runs.length < 0 || runs.stride < 0 || runs.count < 0)
    throw std::out_of_range("TensorFile::read: negative runs");
  if (runs.count == 0 || runs.length == 0) return;
  // The last run ends within the entry, checked in a form that cannot overflow.
  const int64_t count = entry.element_count();
  const bool inside = runs.length <= count && runs.first <= count - runs.length &&
                      (runs.stride == 0 || runs.count - 1 <= (count - runs.length - runs.first) / runs.stride);
  if (!inside) throw std::out_of_range(fmt::format("TensorFile::read: runs past the end of '{}'", entry.name));
  TensorSlot& slot = *contents_->slots[static_cast<size_t>(&entry - entries.data())];
  if (slot.load) std::call_once(slot.loaded, [&] { slot.values = slot.load(); });
  const TensorValues& values = slot.values;
  const int64_t size = static_cast<int64_t>(tensor_dtype_size(entry.dtype));
  // Mapped pages are given back every few MiB as the runs advance, so the process never holds
  // more of the file than that at once (MappedFile::release).
  constexpr int64_t kReleaseBytes = int64_t{16} << 20;
  int64_t released_to = runs.first;  // element index up to which pages were given back
  for (int64_t r = 0; r < runs.count; ++r) {
    const int64_t first = runs.first + r * runs.stride;
    float* to = out + r * runs.length;
    if (values.floats)
      std::memcpy(to, values.floats + first, static_cast<size_t>(runs.length) * sizeof(float));
    else
      tensor_values_to_float(entry.dtype, values.raw.data() + first * size, runs.length, to);
    const int64_t end = first + runs.length;
    if (contents_->mapping && !values.floats && ((end - released_to) * size >= kReleaseBytes || r + 1 == runs.count)) {
      contents_->mapping->release(values.raw.substr(static_cast<size_t>(released_to * size),
                                                    static_cast<size_t>((end - released_to) * size)));
      released_to = end;
    }
  }
}

std::vector<float> TensorFile::read(const TensorEntry& entry) const {
  std::vector<float> values(static_cast<size_t>(entry.element_count()));
  read(entry, {0, entry.element_count(), 0, 1}, values.data());
  return values;
}

}  // namespace attnscope
