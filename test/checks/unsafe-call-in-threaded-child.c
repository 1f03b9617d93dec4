// RUN: %check_procshare %s procshare-unsafe-call-in-threaded-child -- -std=gnu11 -D_GNU_SOURCE

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

void *worker(void *arg);
void elsewhere(void); // defined in another file: not judged
static pthread_t pool[4];

// ---- Positives -------------------------------------------------------------

void start_then_fork(char **argv) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    char *copy = strdup(argv[0]);
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'strdup' is not async-signal-safe, but the child of a process with threads may call only async-signal-safe functions until exec*() or _exit(): a lock another thread held at 'fork' stays locked in the child; prepare what the child needs before 'fork', or use posix_spawn() [procshare-unsafe-call-in-threaded-child]
    // CHECK-NOTES: :[[@LINE-2]]:18: warning: 'strdup' is not
    // CHECK-NOTES: :[[@LINE-6]]:3: note: a thread may have been started here before the fork
    // CHECK-NOTES: :[[@LINE-6]]:15: note: 'fork' creates the child here
    execlp(copy, copy, (char *)0);
    _exit(127);
  }
}

static void child_setup(void) {
  setenv("MODE", "child", 1);
}

static void spawn(void) {
  if (fork() == 0) {
    child_setup();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'child_setup' calls 'setenv', which is not async-signal-safe, but the child of a process with threads
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: 'child_setup' calls 'setenv'
    // CHECK-NOTES: :[[@LINE-8]]:3: note: 'setenv' is called here
    execl("/bin/true", "true", (char *)0);
    _exit(127);
  }
}

static void start_pool(void) {
  for (int i = 0; i < 4; i++)
    pthread_create(&pool[i], NULL, worker, NULL);
}

int main(void) {
  start_pool(); // threads started by a callee, before spawn's fork
  spawn();
  if (fork() == 0) {
    syslog(LOG_INFO, "child");
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'syslog' is not async-signal-safe
    _exit(0);
  }
  if (fork() == 0) {
    if (getpid() > 1)
      printf("child\n");
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'printf' is not async-signal-safe
    else
      free(malloc(1));
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'malloc' is not async-signal-safe
    _exit(0);
  }
  return 0;
}

// ---- Negatives -------------------------------------------------------------

void only_safe_calls(int fd, char **argv) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  char *path = strdup(argv[0]); // prepared before the fork
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd, 1);
    close(fd);
    elsewhere();
    execv(path, argv);
    _exit(127);
  }
  free(path); // the parent
}

void joined_before_fork(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_join(t, NULL);
  if (fork() == 0) {
    printf("no thread is left\n");
    _exit(0);
  }
}

void thread_after_fork(void) {
  if (fork() == 0) {
    printf("single-threaded child\n");
    _exit(0);
  }
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
}

void vfork_is_vfork_misuse(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  if (vfork() == 0) {
    execl("/bin/true", "true", (char *)0);
    _exit(127);
  }
}
