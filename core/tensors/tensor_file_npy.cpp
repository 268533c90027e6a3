// .npy files and .npz archives of them.
#include <algorithm>

#include "core/base/input_error.hpp"
#include "core/base/printable.hpp"
#include "core/tensors/npy_format.hpp"
#include "core/tensors/tensor_contents.hpp"
#include "core/tensors/zip_archive.hpp"

namespace attnscope {

namespace {

TensorEntry npy_entry(const NpyHeader& npy, const std::string& name) { return {name, npy.dtype, npy.shape}; }

// A Fortran-ordered (column-major) array is read whole and reordered on its first read: numpy
// writes one only for a transposed array, and reading runs of it in place would touch every page.
std::function<TensorValues()> reordered(const NpyHeader& npy, std::function<std::string_view()> data) {
  auto floats = std::make_shared<std::vector<float>>();
  return [npy, data, floats] {
    floats->resize(static_cast<size_t>(npy.element_count));
    tensor_values_to_float(npy.dtype, data().data(), npy.element_count, floats->data());
    npy_fortran_to_row_major(npy.shape, *floats);
    return TensorValues{{}, floats->data()};
  };
}

void add_stored(TensorContents& contents, std::string_view bytes, const std::string& source, const std::string& name) {
  const NpyHeader npy = npy_header_parse(bytes, source, "the array");
  const std::string_view data =
      bytes.substr(static_cast<size_t>(npy.data_offset), static_cast<size_t>(npy.data_bytes()));
  if (npy.fortran && npy.shape.size() > 1)
    contents.add(npy_entry(npy, name), reordered(npy, [data] { return data; }));
  else
    contents.add(npy_entry(npy, name), TensorValues{data, nullptr});
}

// A compressed member is inflated into memory on its first read (deflate cannot be read from the
// middle); its header alone is inflated to list it.
void add_deflated(TensorContents& contents, const ZipMember& member, const std::string& source,
                  const std::string& name) {
  const std::string archive = contents.source;
  const auto prefix = [&](int64_t offset, size_t length) {
    const std::string head = zip_inflate(member, archive, static_cast<uint64_t>(offset) + length);
    return head.substr(std::min(head.size(), static_cast<size_t>(offset)));
  };
  const NpyHeader npy = npy_header_parse(prefix, static_cast<int64_t>(member.size), source, "the array");
  auto inflated = std::make_shared<std::string>();
  // Called once, by the entry's first read.
  const auto data = [member, archive, inflated, npy] {
    *inflated = zip_inflate(member, archive);
    return std::string_view(*inflated).substr(static_cast<size_t>(npy.data_offset),
                                              static_cast<size_t>(npy.data_bytes()));
  };
  if (npy.fortran && npy.shape.size() > 1)
    contents.add(npy_entry(npy, name), reordered(npy, data));
  else
    contents.add(npy_entry(npy, name), [data] { return TensorValues{data(), nullptr}; });
}

}  // namespace

void npy_contents(TensorContents& contents, std::string_view bytes, const std::string& entry_name) {
  add_stored(contents, bytes, contents.source, entry_name);
}

void npz_contents(TensorContents& contents, std::string_view bytes) {
  for (const ZipMember& member : zip_members(bytes, contents.source)) {
    const std::string quoted = "member '" + printable_line(member.name) + "'";
    // numpy.savez writes key.npy for every key; np.load lists the key.
    if (member.name.size() <= 4 || member.name.compare(member.name.size() - 4, 4, ".npy") != 0)
      throw InputError("file: " + contents.source + ": " + quoted +
                       " is not a .npy array; save the tensors with numpy.savez or numpy.savez_compressed");
    const std::string name = member.name.substr(0, member.name.size() - 4);
    const std::string source = contents.source + ", " + quoted;
    if (member.deflated)
      add_deflated(contents, member, source, name);
    else
      add_stored(contents, member.data, source, name);
  }
}

}  // namespace attnscope
