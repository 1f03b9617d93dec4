// A project's process helpers, each in the shape a rule can pin.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

pid_t xfork(void) {
  pid_t pid;
  do
    pid = fork();
  while (pid < 0);
  return pid;
}

void fatal(const char *msg) { // exits, not declared noreturn
  fprintf(stderr, "%s\n", msg);
  exit(1);
}

void die_now(void) { _exit(1); }

__attribute__((noreturn)) void already_known(void) { _exit(2); }

void *shm_alloc(size_t n) {
  return mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

void *pool_alloc(size_t n) { return malloc(n); } // private: no rule

void mutex_setup(pthread_mutex_t *m) { pthread_mutex_init(m, NULL); }
void mutex_take(pthread_mutex_t *m) { pthread_mutex_lock(m); }
void mutex_give(pthread_mutex_t *m) { pthread_mutex_unlock(m); }

static void *idle(void *arg) { return arg; }
void start_pool(void) {
  pthread_t t;
  pthread_create(&t, NULL, idle, NULL);
}
