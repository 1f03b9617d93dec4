#include <sys/wait.h>
#include <unistd.h>

int counter;

int main(void) {
  pid_t p = fork();
  if (p < 0)
    return 1;
  if (p == 0) {
    counter++;
  }
  waitpid(p, 0, 0);
  return counter;
}
