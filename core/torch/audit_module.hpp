#pragma once
// Shared by the two translation units of the audit engine (audit_run.cpp, audit_steps.cpp) and
// the loader's fuzz target: LibTorch's jit headers compile slowly, so nothing else includes it.
#include <torch/script.h>

#include <string>
#include <vector>

#include "core/analysis/audit.hpp"

namespace attnscope {

// How forward's arguments are laid out: every input starts with the (B, N) axes.
struct AuditLayout {
  std::string kind;  // "qkv", "q,k,v" or "x"
  std::vector<std::vector<int64_t>> shapes;
  int batch = 0, n = 0, heads = 0, d = 0;
};

// A module loaded for an audit, with forward's inputs laid out for the options.
struct LoadedModule {
  torch::jit::Module module;
  AuditLayout layout;
};

// Loads options.file in eval mode and resolves forward's layout. Throws InputError when the file
// is not a TorchScript module, has no forward, or forward's arguments do not fit the layout.
LoadedModule audit_load(const AuditOptions& options);

// Runs forward on copies of the inputs (modules may write into them) and checks the output.
at::Tensor audit_forward(torch::jit::Module& module, const std::vector<at::Tensor>& inputs,
                         const std::string& file);

// Records the ops of forward's graph and the steps whose provenance index-valued inputs reveal.
void audit_steps_record(torch::jit::Module& module, const AuditLayout& layout, uint64_t seed,
                        AuditResult& result);

}  // namespace attnscope
