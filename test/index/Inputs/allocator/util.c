// A project allocator over a shared mapping, and one over the heap.
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *shm_alloc(size_t n) {
  void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

void *pool_alloc(size_t n) { return calloc(1, n); }
