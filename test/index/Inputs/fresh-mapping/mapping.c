// Allocators of shared memory: one maps anew at each call, one hands out
// again the mapping its first call made.
#include <stddef.h>
#include <sys/mman.h>

void *map_anon_shared(size_t n) {
  void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static void *kept;

void *shared_once(size_t n) {
  if (!kept)
    kept = map_anon_shared(n);
  return kept;
}
