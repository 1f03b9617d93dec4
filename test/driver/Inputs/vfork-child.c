#include <unistd.h>
void g(void) { if (vfork() == 0) { getpid(); _exit(1); } }
