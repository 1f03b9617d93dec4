// RUN: %check_procshare %s procshare-vfork-misuse -- -std=gnu11 -D_GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int launched;

// ---- Positives -------------------------------------------------------------

void dup_in_child(int fd, char **argv) {
  pid_t pid = vfork();
  if (pid == 0) {
    dup2(fd, 1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: call to 'dup2' in the child of 'vfork', which borrows the parent's memory and stack until it execs or exits; call only exec*() and _exit() there, or use posix_spawn() [procshare-vfork-misuse]
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: call to 'dup2'
    // CHECK-NOTES: :[[@LINE-5]]:15: note: 'vfork' creates the child here
    execvp(argv[0], argv);
    _exit(127);
  }
  waitpid(pid, NULL, 0);
}

void store_in_child(char **argv) {
  if (vfork() == 0) {
    launched = 1;
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: the child of 'vfork' writes to memory it borrows from the parent; only the pid may be stored before exec*() or _exit(), or use posix_spawn() [procshare-vfork-misuse]
    execv(argv[0], argv);
    _exit(127);
  }
}

int return_in_child(void) {
  pid_t pid = vfork();
  if (pid == 0)
    return 0;
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: returning from 'return_in_child' in the child of 'vfork' pops the stack frame the parent still needs; end the child with _exit() [procshare-vfork-misuse]
  return pid;
}

void exit_in_child(char **argv) {
  if (vfork() == 0) {
    execv(argv[0], argv);
    exit(127);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: call to 'exit' in the child of 'vfork'
  }
}

void local_in_child(const char *path) {
  if (vfork() == 0) {
    char *argv[] = {"sh", "-c", (char *)path, NULL};
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child of 'vfork' writes to memory it borrows from the parent
    execv("/bin/sh", argv);
    _exit(127);
  }
}

// ---- Negatives -------------------------------------------------------------

void exec_only(char **argv) {
  pid_t pid;
  if ((pid = vfork()) == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
  if (pid > 0)
    waitpid(pid, NULL, 0);
}

void exec_with_computed_args(char *const argv[], char *const envp[]) {
  switch (vfork()) {
  case -1:
    perror("vfork"); // the parent: the fork failed
    return;
  case 0:
    execve(argv[0], argv, envp);
    _Exit(127);
  default:
    launched++;
  }
}

// fork() children may do what they like: not this check's business.
void fork_child(void) {
  if (fork() == 0) {
    launched = 2;
    exit(0);
  }
}
