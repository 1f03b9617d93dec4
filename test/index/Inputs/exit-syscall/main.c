#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

void shim_exit_group(int status);
long shim_gettid(void);

int main(void) {
  pid_t pid = fork();
  if (pid == 0)
    shim_exit_group(0); // ends the child
  pid_t other = fork();
  if (other == 0)
    shim_gettid(); // returns: the child runs on
  puts("parent");
  if (pid > 0)
    waitpid(pid, NULL, 0);
  return 0;
}
