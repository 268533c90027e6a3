#pragma once
// The program's version for --version: "attnscope 0.1.0 (git 1a2b3c4d5e6f)", or without the
// revision when built outside a git checkout. Written at build time by cmake/version.cmake.

namespace attnscope {

const char* version_text();

}  // namespace attnscope
