#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t p = fork();
  if (p < 0)
    return 1;
  if (p == 0)
    _exit(0);
  waitpid(p, 0, 0);
  return 0;
}
