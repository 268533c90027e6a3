# `cmake --install build --prefix P` lays attnscope out as a desktop application:
#   P/bin/attnscope                              the program (finds the rest relative to itself)
#   P/lib/attnscope/                             its core library and the LibTorch reference module
#   P/share/attnscope/scenes/                    the preset scenes
#   P/share/applications/attnscope.desktop       the menu entry
#   P/share/icons/hicolor/*/apps/attnscope.*     the icon, SVG and 48/128/256 px PNG
#   P/share/man/man1/attnscope.1                 the man page, generated from --help
# (lib is <libdir>, e.g. lib/x86_64-linux-gnu when the prefix is /usr.) Fonts and shaders are
# embedded in the binary.
set(ATTNSCOPE_MODULE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/attnscope)

set_target_properties(attnscope PROPERTIES INSTALL_RPATH "$ORIGIN/${ATTNSCOPE_MODULES_FROM_BIN}")
install(TARGETS attnscope RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS attnscope_core attnscope_torch
        LIBRARY DESTINATION ${ATTNSCOPE_MODULE_INSTALL_DIR}
        RUNTIME DESTINATION ${ATTNSCOPE_MODULE_INSTALL_DIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/scenes DESTINATION ${CMAKE_INSTALL_DATADIR}/attnscope
        FILES_MATCHING PATTERN "*.json")
# The lab's text task trains on the README when no --text is given (install_readme_path).
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/attnscope)

if(ATTNSCOPE_BUILD_GUI)
  install(FILES ${PROJECT_SOURCE_DIR}/assets/attnscope.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  set(icon_dir ${CMAKE_INSTALL_DATADIR}/icons/hicolor)
  install(FILES ${PROJECT_SOURCE_DIR}/assets/icons/attnscope.svg DESTINATION ${icon_dir}/scalable/apps)
  foreach(size 48 128 256)
    install(FILES ${PROJECT_SOURCE_DIR}/assets/icons/attnscope-${size}.png
            DESTINATION ${icon_dir}/${size}x${size}/apps RENAME attnscope.png)
  endforeach()
endif()

# The man page is generated from the built binary's --help, so it always matches the flags.
set(ATTNSCOPE_MAN_PAGE ${CMAKE_BINARY_DIR}/attnscope.1)
add_custom_command(
  OUTPUT ${ATTNSCOPE_MAN_PAGE}
  COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:attnscope> -DOUTPUT=${ATTNSCOPE_MAN_PAGE}
          -DVERSION=${PROJECT_VERSION} -P ${PROJECT_SOURCE_DIR}/cmake/man_page.cmake
  DEPENDS attnscope ${PROJECT_SOURCE_DIR}/cmake/man_page.cmake
  COMMENT "Writing the man page from attnscope --help"
  VERBATIM)
add_custom_target(attnscope_man ALL DEPENDS ${ATTNSCOPE_MAN_PAGE})
install(FILES ${ATTNSCOPE_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
