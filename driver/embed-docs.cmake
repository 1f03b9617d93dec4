# Turns the docs pages of the checks into a C++ table of raw string literals,
# so `procshare --explain CHECK` prints the page without the source tree.
# IN_DIR: docs/checks; OUT: the .inc to write.
file(GLOB PAGES ${IN_DIR}/*.md)
list(SORT PAGES)
file(WRITE ${OUT} "// Generated from docs/checks/*.md by driver/embed-docs.cmake; do not edit.\n")
foreach(PAGE ${PAGES})
  file(READ ${PAGE} CONTENT)
  string(FIND "${CONTENT}" ")procshare_doc\"" CLASH)
  if(NOT CLASH EQUAL -1)
    message(FATAL_ERROR "${PAGE} contains the raw-string delimiter")
  endif()
  get_filename_component(NAME ${PAGE} NAME)
  file(APPEND ${OUT} "{\"checks/${NAME}\", R\"procshare_doc(${CONTENT})procshare_doc\"},\n")
endforeach()
