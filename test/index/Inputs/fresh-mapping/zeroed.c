// A wrapper of the fresh allocator in a third file: it maps anew too.
#include <stddef.h>
#include <string.h>

void *map_anon_shared(size_t n);

void *map_zeroed(size_t n) {
  void *p = map_anon_shared(n);
  if (p)
    memset(p, 0, n);
  return p;
}
