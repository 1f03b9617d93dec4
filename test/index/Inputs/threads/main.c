#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void start_workers(void);
void start_nothing(void);
int run_job(const char *name);
int run_job_early(const char *name);

int main(void) {
  run_job_early("true");
  start_nothing();
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    char *buf = malloc(64); // no thread yet: start_nothing starts none
    (void)buf;
    _exit(0);
  }
  start_workers();
  pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    char *buf = malloc(64);
    (void)buf;
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  return run_job("true");
}
