#include <stdlib.h>
#include <unistd.h>
#define END_CHILD(status) exit(status)
