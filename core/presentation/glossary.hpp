#pragma once
// The words attnscope teaches with, defined once: the GUI shows a definition when a term is
// hovered, and docs/glossary.md carries the same text (a test keeps them together).
#include <string>
#include <vector>

namespace attnscope {

struct GlossaryTerm {
  std::string term;
  std::vector<std::string> aliases;  // other spellings that mean the term, lower case
  std::string definition;
};

const std::vector<GlossaryTerm>& glossary();

// The terms a text uses (whole words, any case), in glossary order, each once.
std::vector<const GlossaryTerm*> glossary_terms_in(const std::string& text);

}  // namespace attnscope
