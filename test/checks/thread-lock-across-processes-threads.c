// RUN: %check_procshare %s procshare-thread-lock-across-processes -- -std=gnu11 -D_GNU_SOURCE
// Locks used by the threads of one process stay silent, even in a program
// that forks: each process's threads share that process's lock.

#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static int queued;

static void *consumer(void *arg) {
  (void)arg;
  pthread_mutex_lock(&queue_lock);
  queued--;
  pthread_mutex_unlock(&queue_lock);
  return NULL;
}

static void produce(void) {
  pthread_mutex_lock(&queue_lock);
  queued++;
  pthread_mutex_unlock(&queue_lock);
}

// Every process (the parent and each child) runs a consumer thread beside
// its own producer: queue_lock serves that process's threads.
static void run_process(void) {
  pthread_t t;
  pthread_create(&t, NULL, consumer, NULL);
  produce();
  pthread_join(t, NULL);
}

int main(void) {
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    run_process();
    _exit(0);
  }
  run_process();
  waitpid(pid, NULL, 0);

  // A lock declared in the child, for the child's threads.
  if (fork() == 0) {
    pthread_mutex_t local;
    pthread_mutex_init(&local, NULL);
    pthread_mutex_lock(&local);
    pthread_mutex_unlock(&local);
    _exit(0);
  }
  return 0;
}
