#include <unistd.h>
int forks_and_forgets(void) {
  fork();
  return 0;
}
