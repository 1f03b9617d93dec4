#include <unistd.h>
#include <stdlib.h>
void f(char **argv) { if (fork() == 0) { exit(1); } }
