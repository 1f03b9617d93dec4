// A file mapped MAP_SHARED in code that never forks only persists its data
// (memcached's restartable cache): not shared between processes here.
// RUN: %procshare --quiet --checks='-*,procshare-unlocked-shared-rmw' %s -- -std=c11 | count 0

#include <sys/mman.h>

struct item { struct item *next; long hits; };

void fixup(int fd, long delta) {
  struct item *it = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  it->next = (struct item *)((long)it->next + delta);
  it->hits++;
}
