// Runs a function in a forked child, which ends when it returns; and one
// that runs it right away, in the caller's process.
#include <unistd.h>

pid_t spawn_worker(void (*fn)(void *), void *arg) {
  pid_t pid = fork();
  if (pid == 0) {
    fn(arg);
    _exit(0);
  }
  return pid;
}

void run_now(void (*fn)(void *), void *arg) { fn(arg); }
