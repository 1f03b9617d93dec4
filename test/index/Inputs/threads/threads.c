// Starts the program's worker threads; and a function that starts none.
#include <pthread.h>

static void *loop(void *arg) { return arg; }

void start_workers(void) {
  pthread_t t;
  pthread_create(&t, NULL, loop, NULL);
}

void start_nothing(void) {}
