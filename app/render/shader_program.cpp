#include "app/render/shader_program.hpp"

#include <stdexcept>
#include <vector>

namespace attnscope {

namespace {

std::string info_log(GLuint object, bool program) {
  GLint length = 0;
  program ? glGetProgramiv(object, GL_INFO_LOG_LENGTH, &length) : glGetShaderiv(object, GL_INFO_LOG_LENGTH, &length);
  std::vector<char> log(static_cast<size_t>(std::max(length, 1)));
  program ? glGetProgramInfoLog(object, length, nullptr, log.data())
          : glGetShaderInfoLog(object, length, nullptr, log.data());
  return std::string(log.data());
}

GLuint compile(GLenum type, const ShaderSource& source) {
  const GLuint shader = glCreateShader(type);
  const char* text = source.text.data();
  const GLint length = static_cast<GLint>(source.text.size());
  glShaderSource(shader, 1, &text, &length);
  glCompileShader(shader);
  GLint ok = GL_FALSE;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    const std::string log = info_log(shader, false);
    glDeleteShader(shader);
    throw std::runtime_error(std::string(source.file) + ": compile error:\n" + log);
  }
  return shader;
}

}  // namespace

ShaderProgram::ShaderProgram(const ShaderSource& vertex, const ShaderSource& fragment) {
  const GLuint vs = compile(GL_VERTEX_SHADER, vertex);
  GLuint fs = 0;
  try {
    fs = compile(GL_FRAGMENT_SHADER, fragment);
  } catch (...) {
    glDeleteShader(vs);
    throw;
  }
  id_ = glCreateProgram();
  glAttachShader(id_, vs);
  glAttachShader(id_, fs);
  glLinkProgram(id_);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = GL_FALSE;
  glGetProgramiv(id_, GL_LINK_STATUS, &ok);
  if (!ok) {
    const std::string log = info_log(id_, true);
    glDeleteProgram(id_);
    throw std::runtime_error(std::string(vertex.file) + " + " + std::string(fragment.file) + ": link error:\n" + log);
  }
}

ShaderProgram::~ShaderProgram() {
  if (id_) glDeleteProgram(id_);
}

}  // namespace attnscope
