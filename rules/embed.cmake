# Turns rules/default.json into a C++ raw string literal so every binary carries
# the default rules and needs no file at run time.
file(READ ${IN} CONTENT)
string(FIND "${CONTENT}" ")procshare_json\"" CLASH)
if(NOT CLASH EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter")
endif()
file(WRITE ${OUT} "// Generated from rules/default.json by rules/embed.cmake; do not edit.\n")
file(APPEND ${OUT} "R\"procshare_json(${CONTENT})procshare_json\"\n")
