# Writes OUTPUT, the attnscope(1) man page, from the help of BINARY: `attnscope --help` and each
# subcommand's `--help`, set as preformatted text, plus the files and exit codes. Run at build
# time (app/CMakeLists.txt), so the page always lists the flags the binary has.

# Escapes help text for roff: backslashes, hyphens (so options copy as ASCII), leading dots.
function(roff_escape out text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

function(help_of out)
  execute_process(COMMAND ${BINARY} ${ARGN} --help OUTPUT_VARIABLE help RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "${BINARY} ${ARGN} --help failed (${failed})")
  endif()
  string(STRIP "${help}" help)
  set(${out} "${help}" PARENT_SCOPE)
endfunction()

help_of(top)
# The summary is the first line ("attnscope: see what ..."), the subcommands are listed after
# "SUBCOMMANDS:" (CLI11), one per line, indented.
string(REGEX MATCH "^[^\n]*" summary "${top}")
string(REGEX REPLACE "^attnscope: *" "" summary "${summary}")
string(REGEX MATCH "(SUBCOMMANDS|Subcommands):\n(  [^\n]*\n?)+" listing "${top}")
string(REGEX MATCHALL "\n  [a-z][a-z0-9-]*" names "${listing}")
if(NOT names)
  message(FATAL_ERROR "no subcommands found in the help of ${BINARY}")
endif()

roff_escape(summary_roff "${summary}")
roff_escape(top_roff "${top}")
set(page ".TH ATTNSCOPE 1 \"\" \"attnscope ${VERSION}\" \"User Commands\"
.SH NAME
attnscope \\- ${summary_roff}
.SH SYNOPSIS
.B attnscope
[\\fIOPTIONS\\fR] [\\fISUBCOMMAND\\fR [\\fIFLAGS\\fR]]
.SH DESCRIPTION
With no subcommand, or with \\fBgui\\fR, attnscope opens the desktop GUI: a step\\-debugger that
animates every step of shifted sparse attention (LongLoRA S2\\-Attn) and its neighbours, draws each
head's attention heatmap, explains every cell that leaks future tokens and compares variants.
Every other subcommand runs headless on the same core.
.PP
.nf
${top_roff}
.fi
.SH COMMANDS
")
foreach(name IN LISTS names)
  string(STRIP "${name}" name)
  help_of(help ${name})
  roff_escape(help_roff "${help}")
  string(APPEND page ".SS ${name}\n.nf\n${help_roff}\n.fi\n")
endforeach()
string(APPEND page ".SH EXIT STATUS
0 success; 1 a finding (a leak found by \\fBlint\\fR, a mismatch in \\fBverify\\fR); 2 a usage error or
bad input, with a one\\-line message on standard error.
.SH FILES
.TP
.I $XDG_CONFIG_HOME/attnscope/settings.json
The GUI's settings (theme, colormap, classroom mode, window size, last scene, recent files);
\\fI~/.config/attnscope/settings.json\\fR when XDG_CONFIG_HOME is not set. Ignored by
\\fB\\-\\-no\\-settings\\fR and \\fB\\-\\-screenshot\\fR.
.TP
.I <prefix>/share/attnscope/scenes/
The preset scenes, listed in file\\-name order (keys 1\\-9 in the GUI).
.TP
.I <prefix>/lib/attnscope/
The LibTorch reference module, loaded only by \\fBverify\\fR and by \\fBlint\\fR of a .pt file.
.SH ENVIRONMENT
.TP
.B ATTNSCOPE_ASSETS
A folder with a \\fIscenes/\\fR folder to use instead of the installed presets.
")
file(WRITE "${OUTPUT}" "${page}")
