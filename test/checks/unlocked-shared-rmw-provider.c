// A file that takes no lock and does not fork: its shared-memory functions
// are called through a table by code elsewhere, which holds the lock by
// contract (httpd's socache and slotmem providers). Nothing is reported...
// RUN: %check_procshare %s procshare-unlocked-shared-rmw -- -std=gnu11
// ...unless the update is in code this file runs in several processes:
// RUN: %check_procshare %s procshare-unlocked-shared-rmw --extra-prefix=CHECK-FORK -- -std=gnu11 -DFORKS

#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

struct cache { long stores; long hits; };
static struct cache *shared;

static void *map(size_t n) {
  return mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

void cache_init(void) { shared = map(sizeof *shared); }

static void cache_store(void) { shared->stores++; }
#ifdef FORKS
// CHECK-FORK: :[[@LINE-2]]:33: warning: 'shared->stores' is in memory shared between processes
#endif
static void cache_hit(void) { shared->hits += 1; }

struct provider { void (*store)(void); void (*hit)(void); };
const struct provider cache_provider = {cache_store, cache_hit};

#ifdef FORKS
void worker(void) {
  if (fork() == 0) {
    cache_store();
    _exit(0);
  }
}
#endif
