// RUN: %check_procshare %s procshare-thread-lock-across-processes -- -std=gnu11 -D_GNU_SOURCE
// Threads started in another file: a start routine (`void *f(void *)`)
// handed to that file says the locks here may serve each process's threads
// (haproxy's run_thread_poll_loop). Silent.

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

void start_threads(void *(*routine)(void *)); // in another file

static void *poll_loop(void *arg) {
  static pthread_mutex_t init_mutex = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_lock(&init_mutex);
  pthread_mutex_unlock(&init_mutex);
  return arg;
}

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    start_threads(poll_loop);
    poll_loop(NULL);
    _exit(0);
  }
  poll_loop(NULL);
  waitpid(pid, NULL, 0);
  return 0;
}
