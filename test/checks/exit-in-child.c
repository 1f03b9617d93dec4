// RUN: %check_procshare %s procshare-exit-in-child -- -std=c11 -D_GNU_SOURCE
// RUN: not %procshare --quiet --checks='-*,procshare-exit-in-child' %s -- -std=c11 -D_GNU_SOURCE | FileCheck %s --check-prefix=FIX
// FIX: {{^}}      |     ^~~~
// FIX-NEXT: {{^}}      |     _exit

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void);
#define DIE(code) exit(code)

// ---- Positives -------------------------------------------------------------

void child_exits(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    exit(0);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'exit' in the child created by 'fork' runs the atexit handlers inherited from the parent and flushes the stdio buffers copied from it; end the child with _exit() [procshare-exit-in-child]
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: 'exit' in the child
    // CHECK-NOTES: :[[@LINE-6]]:15: note: 'fork' creates the child here
  }
  if (pid > 0)
    waitpid(pid, NULL, 0);
}

void exit_after_failed_exec(char **argv) {
  pid_t pid = fork();
  if (pid < 0)
    return;
  if (pid == 0) {
    execvp(argv[0], argv);
    perror("execvp");
    exit(127);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'exit' in the child created by 'fork' runs the atexit
  }
  waitpid(pid, NULL, 0);
}

void quick_exit_in_child(void) {
  switch (fork()) {
  case -1:
    return;
  case 0:
    quick_exit(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'quick_exit' in the child created by 'fork' runs the at_quick_exit handlers inherited from the parent; end the child with _exit() [procshare-exit-in-child]
  default:
    break;
  }
}

void exit_in_macro(void) {
  if (fork() == 0) {
    DIE(2); // reported, but no fix-it inside a macro
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'exit' in the child
  }
}

void workers(int n) {
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      work();
      exit(EXIT_SUCCESS);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'exit' in the child
    }
  }
  while (wait(NULL) > 0) {
  }
}

int main(int argc, char **argv) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    return 0;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: returning from main in the child created by 'fork' runs the atexit handlers inherited from the parent and flushes the stdio buffers copied from it; end the child with _exit() [procshare-exit-in-child]
  }
  waitpid(pid, NULL, 0);
  child_exits();
  return argc > 1;
}

// ---- Negatives -------------------------------------------------------------

void child_uses_underscore_exit(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

void exec_then_underscore_exit(char **argv) {
  if (fork() == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
}

// Daemonization: the parent exits and the child carries on as the program.
void daemonize(void) {
  pid_t pid = fork();
  if (pid < 0)
    exit(1);
  if (pid > 0)
    exit(0); // the parent: silent
  setsid();
  if (fork() != 0)
    exit(0);
  if (chdir("/") != 0)
    exit(1); // the daemon itself
}

// A parent that waits for a start-up signal, then exits (lighttpd).
int daemonize_with_pipe(int fd) {
  pid_t pid = fork();
  if (pid < 0)
    exit(1);
  if (pid > 0) {
    char c;
    while (read(fd, &c, 1) < 0) {
    }
    exit(0);
  }
  if (setsid() < 0)
    exit(1);
  return fd;
}

// exit in the parent, or before the fork.
void parent_exits(void) {
  pid_t pid = fork();
  if (pid < 0)
    exit(1);
  if (pid == 0) {
    work();
    _exit(0);
  }
  if (waitpid(pid, NULL, 0) < 0)
    exit(2);
}

// A fork wrapper: the caller decides.
pid_t spawn(void) {
  pid_t pid = fork();
  if (pid < 0)
    exit(1);
  return pid;
}
