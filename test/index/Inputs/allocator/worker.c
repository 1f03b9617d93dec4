// Counters in memory from the project's allocators, updated by children.
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

void *shm_alloc(size_t n);
void *shm_zalloc(size_t n);
void *pool_alloc(size_t n);

struct stats {
  long hits;
  long misses;
};

int main(void) {
  struct stats *shared = shm_alloc(sizeof *shared);
  struct stats *zeroed = shm_zalloc(sizeof *zeroed);
  struct stats *local = pool_alloc(sizeof *local);
  for (int i = 0; i < 4; i++) {
    pid_t pid = fork();
    if (pid < 0)
      return 1;
    if (pid == 0) {
      shared->hits++;
      zeroed->misses += 2;
      local->hits++; // the child's own heap: nobody else updates it
      __atomic_fetch_add(&shared->misses, 1, __ATOMIC_SEQ_CST);
      _exit(0);
    }
  }
  while (wait(NULL) > 0)
    ;
  return 0;
}
