#pragma once
// Golden rows use the CLI's alphabet: '#' allowed, 'X' allowed but leaking, '.' masked. Built
// cell by cell from the analysis, independently of the CLI's own renderer.
#include <string>

#include "core/analysis/analysis.hpp"

namespace attnscope::test {

inline std::string golden_row_text(const Analysis& a, int head, int q) {
  std::string row(a.n(), '.');
  for (int k = 0; k < a.n(); ++k) {
    if (a.leaks_at(head, q, k)) row[k] = 'X';
    else if (a.allowed(head, q, k)) row[k] = '#';
  }
  return row;
}

}  // namespace attnscope::test
