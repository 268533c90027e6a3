# core/ is a house of ranked folders: a file includes its own folder and folders of lower rank
# only, so data flows one way (base → … → figure) and a newcomer knows from the folder what a
# file may use. A folder not in the list, a file in core/'s root or an include that runs up the
# house fails configuration with the offending lines.
#
# Runs at configure time (attnscope_check_core_ranks) and as a script for the tests:
#   cmake -DCORE_DIR=<dir containing the ranked folders> -P cmake/core_ranks.cmake
set(ATTNSCOPE_CORE_RANKS
  base          # input errors, printable text, grouped digits, number parsing, atomic files, install layout, progress
  cells         # cell sets as row runs, their memory budget, the dense and full cell counts
  tensors       # tensor files (.npy, .npz, .safetensors, .pt through a registered reader), q/k/v
  scene         # the scene, policies, the variant registry, traces, frames, q/k/v
  reach         # receptive fields over stacked layers
  masks         # users' mask files and tensors, their reading and lint, block masks
  variants      # one file per variant
  analysis      # analyze(), attention, values windows, leaks, metrics, cost, the audit's analysis
  presentation  # what views and figures share: colours, captions, compare, glossary
  torch         # the LibTorch reference and audit engine (a module loaded on demand)
  figure)       # figures drawn by cairo and giflib

function(attnscope_core_rank_violations core_dir out_var)
  set(violations "")
  list(JOIN ATTNSCOPE_CORE_RANKS ", " ranks)
  file(GLOB root_files LIST_DIRECTORIES false "${core_dir}/*.cpp" "${core_dir}/*.hpp" "${core_dir}/*.h")
  foreach(file IN LISTS root_files)
    list(APPEND violations "${file}: every core file lives in a ranked folder (${ranks})")
  endforeach()
  file(GLOB_RECURSE sources "${core_dir}/*.cpp" "${core_dir}/*.hpp" "${core_dir}/*.h")
  foreach(file IN LISTS sources)
    file(RELATIVE_PATH relative "${core_dir}" "${file}")
    if(NOT relative MATCHES "^([^/]+)/")
      continue()
    endif()
    set(folder "${CMAKE_MATCH_1}")
    list(FIND ATTNSCOPE_CORE_RANKS "${folder}" rank)
    if(rank EQUAL -1)
      list(APPEND violations "${file}: core/${folder}/ has no rank: add it to ATTNSCOPE_CORE_RANKS in cmake/core_ranks.cmake")
      continue()
    endif()
    file(STRINGS "${file}" lines)
    set(line_number 0)
    foreach(line IN LISTS lines)
      math(EXPR line_number "${line_number} + 1")
      if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"core/([^/\"]+)/")
        set(included "${CMAKE_MATCH_1}")
        list(FIND ATTNSCOPE_CORE_RANKS "${included}" included_rank)
        if(NOT included STREQUAL folder AND NOT included_rank LESS rank)
          list(APPEND violations "${file}:${line_number}: core/${folder}/ (rank ${rank}) may not include core/${included}/ (rank ${included_rank}): ${line}")
        endif()
      elseif(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"core/[^/\"]+\"")
        list(APPEND violations "${file}:${line_number}: includes a file from core/'s root: ${line}")
      endif()
    endforeach()
  endforeach()
  set(${out_var} "${violations}" PARENT_SCOPE)
endfunction()

function(attnscope_check_core_ranks core_dir)
  attnscope_core_rank_violations("${core_dir}" violations)
  if(violations)
    # One unwrapped line each, so the file and line can be read (and tested) whole.
    foreach(violation IN LISTS violations)
      message(NOTICE "${violation}")
    endforeach()
    list(LENGTH violations count)
    message(FATAL_ERROR "core/ breaks its ranks in ${count} place(s), listed above")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND CORE_DIR)
  attnscope_check_core_ranks("${CORE_DIR}")
  message(STATUS "core ranks: no include runs up the house in ${CORE_DIR}")
endif()
