#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0)
    exit(0);
  waitpid(pid, NULL, 0);
  return 0;
}
