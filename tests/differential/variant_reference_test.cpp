// Each variant either has a LibTorch transcription in core/torch/ or says in its description why
// not; `attnscope variants --json` reports the same, so the two cannot drift apart.
#include <gtest/gtest.h>

#include "core/scene/variant.hpp"
#include "core/torch/reference.hpp"

namespace attnscope {
namespace {

TEST(VariantReference, PresentOrDeclaredAbsent) {
  for (const Variant* v : variant_all()) {
    const VariantInfo& info = v->info();
    EXPECT_EQ(reference_available(info.name), info.reference_absent.empty())
        << info.name << (reference_available(info.name) ? ": has a reference, drop reference_absent"
                                                         : ": add a reference or say why in reference_absent");
  }
}

TEST(VariantReference, EveryReferenceIsARegisteredVariant) {
  for (const std::string& name : reference_variants()) EXPECT_NE(variant_find(name), nullptr) << name;
}

}  // namespace
}  // namespace attnscope
