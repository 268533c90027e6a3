#pragma once
// A JSON document whose long arrays are written straight to the output when it is printed.
// Leak and provenance runs of 32 heads at N = 131072 can be ten million runs: a few hundred MB
// as text, but gigabytes as nlohmann nodes, so they are never built as a document.
#include <nlohmann/json.hpp>

#include <functional>
#include <ostream>
#include <vector>

namespace attnscope {

class StreamedJson {
 public:
  using Writer = std::function<void(std::ostream&)>;

  // A placeholder for the document; print() calls `write` in its place. `write` must print one
  // JSON value and may refer to data that lives until print() returns.
  nlohmann::json defer(Writer write);
  // indent < 0: one line. Deferred values are always printed on one line.
  void print(const nlohmann::json& doc, std::ostream& out, int indent = -1) const;

 private:
  std::vector<Writer> writers_;
};

// A document together with the writers of its deferred values.
struct StreamedDocument {
  nlohmann::json doc;
  StreamedJson streamed;
  void print(std::ostream& out, int indent = -1) const { streamed.print(doc, out, indent); }
};

}  // namespace attnscope
