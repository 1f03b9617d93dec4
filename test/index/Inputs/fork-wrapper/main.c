#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t xfork(void);
pid_t run_detached(const char *cmd);
void work(void);

int main(void) {
  pid_t pid = xfork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    work();
    exit(0);
  }
  pid_t other = xfork();
  if (other == 0)
    work();
  waitpid(pid, NULL, 0);

  // Comes back only in the parent: nothing below is child code.
  pid_t shell = run_detached("true");
  if (shell > 0) {
    waitpid(shell, NULL, 0);
    exit(0);
  }
  return 0;
}
