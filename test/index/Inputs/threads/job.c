// Runs a job in a child that allocates before exec.
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int run_job(const char *name) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    char *arg = strdup(name);
    execlp(arg, arg, (char *)0);
    _exit(127);
  }
  return waitpid(pid, NULL, 0);
}

int run_job_early(const char *name) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    char *arg = strdup(name);
    execlp(arg, arg, (char *)0);
    _exit(127);
  }
  return waitpid(pid, NULL, 0);
}
