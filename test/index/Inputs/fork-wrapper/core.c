// Fork wrappers of the project: one that retries (its caller branches on
// the pid), and one that runs a command and comes back only in the parent.
#include <errno.h>
#include <unistd.h>

pid_t xfork(void) {
  pid_t pid;
  do
    pid = fork();
  while (pid < 0 && errno == EAGAIN);
  return pid;
}

pid_t run_detached(const char *cmd) {
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd, (char *)0);
    _exit(127);
  }
  return pid;
}
