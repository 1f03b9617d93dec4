# Makes the man page procshare(1) from docs/cli.md with go-md2man (Debian's
# go-md2man package: a maintained Markdown-to-roff converter, so no roff is
# written by hand here). IN: docs/cli.md; OUT: the page; MD2MAN: go-md2man;
# VERSION: procshare's version.
file(READ ${IN} CLI)
# cli.md's title becomes NAME; its sections (##) become the page's (#).
string(REGEX REPLACE "^# [^\n]*\n" "" CLI "${CLI}")
string(REGEX REPLACE "\n### " "\n## " CLI "${CLI}")
string(REGEX REPLACE "\n## " "\n# " CLI "${CLI}")
get_filename_component(DIR ${OUT} DIRECTORY)
set(MD ${DIR}/procshare.1.md)
file(WRITE ${MD} "% PROCSHARE 1 \"\" \"procshare ${VERSION}\" \"User Commands\"\n\n"
                 "# NAME\n\nprocshare - find process-sharing bugs after fork() in C and C++\n\n"
                 "# DESCRIPTION\n${CLI}\n"
                 "# SEE ALSO\n\nclang-tidy(1); the check pages: `procshare --explain=<check>`, "
                 "and the documentation in /usr/share/doc/procshare.\n")
execute_process(COMMAND ${MD2MAN} -in ${MD} -out ${OUT} RESULT_VARIABLE RC)
if(NOT RC EQUAL 0)
  message(FATAL_ERROR "go-md2man failed on ${MD}")
endif()
