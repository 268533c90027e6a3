#pragma once
// The bytes numpy.save writes before the data (format 1.0): magic, version, little-endian header
// length, and a dict padded to 64 bytes. Tests and benchmarks write .npy files with it.
#include <string>
#include <vector>

namespace attnscope::test {

inline std::string npy_header(const std::string& descr, const std::vector<long>& shape,
                              bool fortran = false) {
  std::string dims;
  for (long d : shape) dims += std::to_string(d) + ", ";
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                     ", 'shape': (" + dims + "), }";
  while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  return std::string("\x93NUMPY") + char(1) + char(0) + char(dict.size() & 0xff) +
         char(dict.size() >> 8) + dict;
}

}  // namespace attnscope::test
