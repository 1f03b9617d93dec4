#include <sys/wait.h>
#include <unistd.h>

int counter;

int main(void) {
  undeclared_function_call(42);
  pid_t p = fork();
  if (p < 0)
    return 1;
  if (p == 0) {
    counter++;
  }
  waitpid(p, 0, 0);
  return counter
}
