// Where the program keeps a job's result: a plain global, or a slot in a
// shared mapping made before the children are forked.
#include <stddef.h>
#include <sys/mman.h>

int g_result;
int *g_shared_result;

void record_result(int value) { g_result = value; }

void init_results(void) {
  g_shared_result = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

void record_shared_result(int value) { *g_shared_result = value; }
