#include <sys/wait.h>
#include <unistd.h>

void finish_child(void); /* another file; the rules say it never returns */

int run(char **argv) {
  pid_t p = fork();
  if (p < 0)
    return 1;
  if (p == 0) {
    execvp(argv[0], argv);
  }
  int status;
  waitpid(p, &status, 0);
  return status;
}

void spawn(void) {
  if (fork() == 0) {
    finish_child();
  }
  wait(0);
}
