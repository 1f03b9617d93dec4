#include <stdio.h>
#include <unistd.h>

void note_started(pid_t pid) { fprintf(stderr, "started %d\n", (int)pid); }
