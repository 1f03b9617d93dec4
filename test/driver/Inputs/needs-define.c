#include <sys/wait.h>
#include <unistd.h>

int main(void) {
#ifdef PROCSHARE_TEST_FLAG
  fork();
#endif
  wait(0);
  return 0;
}
