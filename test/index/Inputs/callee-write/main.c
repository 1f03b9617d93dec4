#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

extern int g_result;
extern int *g_shared_result;
void record_result(int value);
void init_results(void);
void record_shared_result(int value);

static int compute(void) { return 6 * 7; }

int main(void) {
  init_results();
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    record_result(compute());
    record_shared_result(compute());
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  printf("%d %d\n", g_result, *g_shared_result);
  return 0;
}
