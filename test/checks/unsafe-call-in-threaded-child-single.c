// RUN: %check_procshare %s procshare-unsafe-call-in-threaded-child -- -std=gnu11 -D_GNU_SOURCE

// A program that starts no thread: its children may call anything.

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void) {
  if (fork() == 0) {
    char *p = malloc(16);
    printf("%p\n", (void *)p);
    setenv("A", "b", 1);
    exit(0);
  }
  return 0;
}
