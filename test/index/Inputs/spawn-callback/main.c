#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t spawn_worker(void (*fn)(void *), void *arg);
void run_now(void (*fn)(void *), void *arg);
pid_t spawn_process(void (*proc)(void *), void *data);

static int result;
static int local_result;

static void child_main(void *arg) {
  (void)arg;
  result = 42;
}

static void child_exit(void *arg) {
  (void)arg;
  exit(3);
}

static volatile int stopping;
static void worker_loop(void *arg) {
  (void)arg;
  for (;;)
    if (stopping)
      exit(0);
}

static void in_this_process(void *arg) {
  (void)arg;
  local_result = 7;
}

int main(void) {
  pid_t pid = spawn_worker(child_main, NULL);
  if (pid < 0)
    return 1;
  waitpid(pid, NULL, 0);
  printf("%d\n", result);

  pid = spawn_worker(child_exit, NULL);
  if (pid > 0)
    waitpid(pid, NULL, 0);

  run_now(in_this_process, NULL);
  printf("%d\n", local_result);
  fflush(NULL);

  // Only the parent comes back: the result is the parent's to keep or not.
  spawn_process(worker_loop, NULL);
  return 0;
}
