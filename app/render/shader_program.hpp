#pragma once
// A linked GLSL program. Every program is built at start-up, so a shader error stops the GUI
// immediately with the compiler's log and the shader's file name.
#include <string>
#include <string_view>

#include "app/render/gl.hpp"

namespace attnscope {

struct ShaderSource {
  std::string_view file;  // e.g. "shaders/heatmap.frag", for error messages
  std::string_view text;
};

class ShaderProgram {
 public:
  // Throws std::runtime_error naming the file and quoting the info log.
  ShaderProgram(const ShaderSource& vertex, const ShaderSource& fragment);
  ~ShaderProgram();
  ShaderProgram(const ShaderProgram&) = delete;
  ShaderProgram& operator=(const ShaderProgram&) = delete;

  GLuint id() const { return id_; }
  GLint uniform(const char* name) const { return glGetUniformLocation(id_, name); }

 private:
  GLuint id_ = 0;
};

}  // namespace attnscope
