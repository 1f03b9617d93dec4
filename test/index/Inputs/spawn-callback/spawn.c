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

// A process table's spawner: the child runs the process's loop through a
// pointer (which never comes back), and the code after the switch is the
// parent's bookkeeping; a logger of another file is called on the way.
void note_started(pid_t pid);

pid_t spawn_process(void (*proc)(void *), void *data) {
  pid_t pid = fork();
  switch (pid) {
  case -1:
    return -1;
  case 0:
    proc(data);
    break;
  default:
    break;
  }
  note_started(pid);
  return pid;
}
