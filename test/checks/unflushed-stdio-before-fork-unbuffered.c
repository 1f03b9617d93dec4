// RUN: %check_procshare %s procshare-unflushed-stdio-before-fork -- -std=c11 -D_GNU_SOURCE

// A program that sets stdout's buffering itself (daemons make it unbuffered
// or line-buffered) is trusted with it everywhere in the file: silent.

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void work(void);

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("starting\n");
  if (fork() == 0) {
    work();
    exit(0);
  }
  return 0;
}
