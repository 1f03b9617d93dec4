// A server module: the server (not in this project) forks its worker
// processes and calls handle_request in them. The statistics live in a
// shared mapping the module makes when it is loaded, before the fork.
#include <stddef.h>
#include <sys/mman.h>

struct stats {
  long requests;
  long reloads;
};

struct stats *g_stats;

void module_init(void) {
  g_stats = mmap(NULL, sizeof *g_stats, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

void handle_request(void) { g_stats->requests++; }

void handle_reload(void) { g_stats->reloads++; }
