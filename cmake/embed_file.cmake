# Writes INPUT's bytes into OUTPUT as a C++ std::string_view named NAME (in attnscope::embedded).
# Run as `cmake -DINPUT=... -DOUTPUT=... -DNAME=... -P embed_file.cmake` from an add_custom_command,
# so an edited shader or font is re-embedded on the next build.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
# 32 bytes per line keeps the generated file readable and the regex fast.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){32})" "\\1\n" bytes "${bytes}")
get_filename_component(source_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${source_name} by cmake/embed_file.cmake; edit the source file instead.\n"
  "#include <string_view>\n"
  "namespace attnscope::embedded {\n"
  "namespace { const unsigned char kBytes[${size} + 1] = {\n${bytes}0};\n}\n"
  "extern const std::string_view ${NAME};\n"
  "const std::string_view ${NAME}{reinterpret_cast<const char*>(kBytes), ${size}};\n"
  "}  // namespace attnscope::embedded\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
