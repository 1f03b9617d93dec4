// Unit tests of the process-region analysis: which process runs each line.
// RUN: %procshare-dump-regions %s -- -std=c11 | FileCheck %s

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int a, b, c;
pid_t pids[4];
struct job { pid_t pid; } jobs[4];
void work(void);

void eq_zero(void) {
  // CHECK: fork 'fork' at [[@LINE+1]]:13 in eq_zero
  pid_t p = fork();
  if (p == 0) {
    a = 1; // CHECK: line [[@LINE]]: child{{$}}
    _exit(0);
  }
  b = 1; // CHECK: line [[@LINE]]: parent|failure{{$}}
  // CHECK: facts: isolated{{$}}
  // CHECK-NOT: escape
}

void not_p(void) {
  // CHECK: fork 'fork' at [[@LINE+1]]:13 in not_p
  pid_t p = fork();
  if (!p)
    a = 1; // CHECK: line [[@LINE]]: child{{$}}
  else
    b = 1; // CHECK: line [[@LINE]]: parent|failure{{$}}
  c = 1;   // CHECK: line [[@LINE]]: child|parent|failure{{$}}
  // CHECK: escape: falls-into-parent child [[@LINE-4]]:5 parent [[@LINE-1]]:3
}

void greater_zero_else(void) {
  // CHECK: fork 'fork' at [[@LINE+1]]:13 in greater_zero_else
  pid_t p = fork();
  if (p > 0) {
    a = 1; // CHECK: line [[@LINE]]: parent{{$}}
  } else if (p < 0) {
    b = 1; // CHECK: line [[@LINE]]: failure{{$}}
  } else {
    c = 1; // CHECK: line [[@LINE]]: child{{$}}
    exit(0);
  }
}

int early_return(void) {
  // CHECK: fork 'fork' at [[@LINE+1]]:13 in early_return
  pid_t p = fork();
  if (p != 0)
    return p; // CHECK: line [[@LINE]]: parent|failure{{$}}
  a = 1;      // CHECK: line [[@LINE]]: child{{$}}
  _exit(0);
}

void switch_fork(void) {
  // CHECK: fork 'fork' at [[@LINE+1]]:11 in switch_fork
  switch (fork()) {
  case -1:
    a = 1; // CHECK: line [[@LINE]]: failure{{$}}
    break;
  case 0:
    b = 1; // CHECK: line [[@LINE]]: child{{$}}
    _exit(0);
  default:
    c = 1; // CHECK: line [[@LINE]]: parent{{$}}
  }
  wait(NULL); // CHECK: line [[@LINE]]: parent|failure{{$}}
}

void assign_in_condition(void) {
  pid_t p;
  // CHECK: fork 'fork' at [[@LINE+1]]:12 in assign_in_condition
  if ((p = fork()) == 0) {
    a = 1; // CHECK: line [[@LINE]]: child{{$}}
    _exit(0);
  }
  if (p < 0)
    b = 1; // CHECK: line [[@LINE]]: failure{{$}}
}

void fork_in_condition(void) {
  // CHECK: fork 'fork' at [[@LINE+1]]:7 in fork_in_condition
  if (fork() == 0) {
    a = 1; // CHECK: line [[@LINE]]: child{{$}}
    _exit(0);
  }
  b = 1; // CHECK: line [[@LINE]]: parent|failure{{$}}
}

void array_element(int i) {
  // CHECK: fork 'fork' at [[@LINE+1]]:13 in array_element
  pids[i] = fork();
  if (pids[i] == 0) {
    a = 1; // CHECK: line [[@LINE]]: child{{$}}
    _exit(0);
  }
  b = 1; // CHECK: line [[@LINE]]: parent|failure{{$}}
}

void member(int i) {
  // CHECK: fork 'fork' at [[@LINE+1]]:17 in member
  jobs[i].pid = fork();
  if (jobs[i].pid > 0) {
    a = 1; // CHECK: line [[@LINE]]: parent{{$}}
    return;
  }
  b = 1; // CHECK: line [[@LINE]]: child|failure{{$}}
}

void reassigned_index(int i) {
  // CHECK: fork 'fork' at [[@LINE+1]]:13 in reassigned_index
  pids[i] = fork();
  i++; // pids[i] no longer names the fork result
  if (pids[i] == 0)
    a = 1; // CHECK: line [[@LINE]]: child|parent|failure{{$}}
}

void derived_flag(void) {
  // CHECK: fork 'fork' at [[@LINE+1]]:13 in derived_flag
  pid_t p = fork();
  int parent = p > 0;
  if (!parent) {
    a = 1; // CHECK: line [[@LINE]]: child|failure{{$}}
    _exit(1);
  }
  b = 1; // CHECK: line [[@LINE]]: parent{{$}}
}

// CHECK-LABEL: function child_loop: never-returns
static void child_loop(void) {
  for (;;) {
    work();
    if (a > 10)
      _exit(0);
  }
}

// CHECK-LABEL: function ends_in_exec: returns-after-exec-failure
static void ends_in_exec(char **argv) { execv(argv[0], argv); }

void inferred_noreturn(char **argv) {
  // CHECK: fork 'fork' at [[@LINE+1]]:13 in inferred_noreturn
  pid_t p = fork();
  if (p == 0)
    child_loop(); // CHECK: line [[@LINE]]: child{{$}}
  a = 1; // CHECK: line [[@LINE]]: parent|failure{{$}}
  // CHECK-NOT: escape
  // CHECK: fork 'fork' at [[@LINE+1]]:7 in inferred_noreturn
  if (fork() == 0)
    ends_in_exec(argv);
  b = 1; // CHECK: line [[@LINE]]: child|parent|failure{{$}}
  // CHECK: escape: falls-into-parent child [[@LINE-2]]:5 parent [[@LINE-1]]:3 if-exec-fails
}

__attribute__((noreturn)) void die(void);

void declared_noreturn(void) {
  // CHECK: fork 'fork' at [[@LINE+1]]:7 in declared_noreturn
  if (fork() == 0)
    die();
  a = 1; // CHECK: line [[@LINE]]: parent|failure{{$}}
  // CHECK: facts: isolated{{$}}
  // CHECK-NOT: escape
}

void unknown_last_call(void) {
  // CHECK: fork 'fork' at [[@LINE+1]]:7 in unknown_last_call
  if (fork() == 0)
    work();
  a = 1; // CHECK: line [[@LINE]]: child|parent|failure{{$}}
  // CHECK-NOT: {{^}}  escape:
  // CHECK: escape-after-unknown-call: falls-into-parent
}

// CHECK-LABEL: function wrapper: fork-wrapper
pid_t wrapper(void) {
  // CHECK: fork 'fork' at [[@LINE+1]]:13 in wrapper
  pid_t p = fork();
  if (p == 0)
    a = 0;
  return p;
  // CHECK: facts: isolated returns-pid{{$}}
}

void calls_wrapper(void) {
  // CHECK: fork 'wrapper' at [[@LINE+1]]:13 in calls_wrapper
  pid_t p = wrapper();
  if (p == 0)
    _exit(0);
  a = 1; // CHECK: line [[@LINE]]: parent|failure{{$}}
}

void in_loop(int n) {
  for (int i = 0; i < n; i++) {
    // CHECK: fork 'fork' at [[@LINE+1]]:9 in in_loop
    if (fork() == 0)
      a = i;
  }
  // CHECK: facts: isolated reforks{{$}}
  // CHECK: escape: loops-to-fork
}

void before_and_after(int daemon_mode) {
  a = 0; // not listed: before any fork
  if (daemon_mode) {
    // CHECK: fork 'fork' at [[@LINE+1]]:15 in before_and_after
    pid_t p = fork();
    if (p > 0)
      exit(0);
  }
  b = 1; // CHECK: line [[@LINE]]: pre|child|failure{{$}}
  // CHECK: facts: isolated{{$}}
  // CHECK-NOT: escape
}

pid_t other_fork(void);

void pid_from_two_branches(int pty) {
  pid_t pid;
  if (pty)
    pid = other_fork();
  else
    // CHECK: fork 'fork' at [[@LINE+1]]:11 in pid_from_two_branches
    pid = fork();
  // The branch without a fork keeps only the pre-fork role; the pid is
  // still known to come from fork() on the other.
  switch (pid) {
  case 0:
    a = 1; // CHECK: line [[@LINE]]: pre|child{{$}}
    _exit(0);
  default:
    b = 1; // CHECK: line [[@LINE]]: pre|parent|failure{{$}}
  }
}

void exec_result_known(char **argv) {
  // CHECK: fork 'fork' at [[@LINE+1]]:7 in exec_result_known
  if (fork() == 0) {
    if (execv(argv[0], argv) != -1)
      a = 1; // CHECK-NOT: line [[@LINE]]:
    b = 1;   // CHECK: line [[@LINE]]: child{{$}}
    _exit(1);
  }
}

// The child returns the pid only if fn() returns: not a fork wrapper.
// CHECK-NOT: function spawn_with_callback: {{.*}}fork-wrapper
pid_t spawn_with_callback(void (*fn)(void)) {
  // CHECK: fork 'fork' at [[@LINE+1]]:13 in spawn_with_callback
  pid_t p = fork();
  if (p == 0)
    fn();
  return p;
  // CHECK: facts: isolated{{$}}
}

// A round that forks only sometimes: `pid` is -1 on the path that did not
// fork (the parent has already waited for the last round's child) and the
// child's pid on the other, so `if (pid > 0)` waits on exactly the path that
// forked. The parent never forks again with a child running.
int maybe(void);
void fork_in_some_rounds(int n) {
  for (int i = 0; i < n; i++) {
    pid_t pid = -1;
    if (maybe()) {
      // CHECK: fork 'fork' at [[@LINE+1]]:13 in fork_in_some_rounds
      pid = fork();
      if (pid == 0)
        _exit(0);
    }
    a = 1; // CHECK: line [[@LINE]]: pre|parent|failure{{$}}
    if (pid > 0)
      waitpid(pid, NULL, 0);
    b = 1;
  }
  // CHECK: parent: waits-before-return unwaited at [[@LINE-9]] [[@LINE-8]] [[@LINE-5]] [[@LINE-4]] [[@LINE-3]]{{$}}
}

// A static local is initialised once, before the first call: reached again
// it keeps what it holds (the child's flag from the round before), so the
// branch on it is not decided by its initialiser.
void static_local_not_reset(int n) {
  // CHECK: fork 'fork' at [[@LINE+7]]:9 in static_local_not_reset
  for (int i = 0; i < n; i++) {
    static int in_child = 0;
    if (in_child) {
      a = 1; // CHECK: line [[@LINE]]: pre|child|parent|failure{{$}}
      _exit(0);
    }
    if (fork() == 0)
      in_child = 1;
  }
}
