#include <stdlib.h>
#include "spawn.h"

void finish(void) {
  if (fork() == 0)
    exit(0);
}

int main(void) {
  spawn_and_forget();
  finish();
  return 0;
}
