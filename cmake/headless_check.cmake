# core/ is shared by the GUI, the CLI and the tests; a GL/GLFW/ImGui include there would make
# the CLI and CI depend on a display stack, so configuring fails instead.
function(attnscope_check_core_headless core_dir)
  file(GLOB_RECURSE sources "${core_dir}/*.hpp" "${core_dir}/*.cpp" "${core_dir}/*.h")
  foreach(source IN LISTS sources)
    file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](GL/|GLFW/|imgui|backends/|glad)")
    if(includes)
      message(FATAL_ERROR "core/ must stay headless, but ${source} includes: ${includes}")
    endif()
  endforeach()
endfunction()
