#include "child.h"

void spawn(void) {
  if (fork() == 0)
    END_CHILD(1);
}
