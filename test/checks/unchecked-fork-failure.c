// RUN: %check_procshare %s procshare-unchecked-fork-failure -- -std=c11 -D_GNU_SOURCE

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void);
static pid_t helper_pid;
static pid_t checked_pid;
static pid_t guarded_pid;

// ---- Positives -------------------------------------------------------------

void kill_unchecked(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  sleep(1);
  kill(pid, SIGTERM);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'kill' may be given -1 from a failed 'fork': it then acts on every process the user may signal; check the result of 'fork' for -1 before using it [procshare-unchecked-fork-failure]
  // CHECK-NOTES: :[[@LINE-2]]:3: warning: 'kill' may be given -1
  // CHECK-NOTES: :[[@LINE-9]]:15: note: 'fork' returns -1 here when it fails, and nothing on the way rules that out
  waitpid(pid, NULL, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'waitpid' may be given -1 from a failed 'fork': it then waits for any child instead; check the result of 'fork' for -1 before using it [procshare-unchecked-fork-failure]
}

void error_reported_but_not_handled(void) {
  pid_t pid = fork();
  if (pid == -1)
    perror("fork"); // goes on
  if (pid == 0) {
    work();
    _exit(0);
  }
  killpg(pid, SIGKILL);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'killpg' may be given -1 from a failed 'fork'
}

void start_helper(void) {
  helper_pid = fork();
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'helper_pid' keeps the result of 'fork' without a check for -1, and it is later given to 'kill'; a failed 'fork' leaves -1 there, and kill(-1, ...) acts on every process the user may signal [procshare-unchecked-fork-failure]
  // CHECK-NOTES: :[[@LINE-2]]:14: warning: 'helper_pid' keeps
  // CHECK-NOTES: :[[@LINE+7]]:26: note: 'helper_pid' is given to 'kill' here
  if (helper_pid == 0) {
    execlp("helper", "helper", (char *)0);
    _exit(127);
  }
}

void stop_helper(void) { kill(helper_pid, SIGTERM); }

// A wrapper that hands the failure back: its callers must check.
pid_t fork_once(void) {
  pid_t pid = fork();
  if (pid < 0)
    perror("fork");
  return pid;
}

void wait_on_wrapper(void) {
  pid_t pid = fork_once();
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'waitpid' may be given -1 from a failed 'fork_once'{{.*}}[procshare-unchecked-fork-failure]
  // CHECK-NOTES: :[[@LINE-2]]:3: warning: 'waitpid' may be given -1 from a failed 'fork_once'
  // CHECK-NOTES: :[[@LINE-6]]:15: note: 'fork_once' returns -1 here when it fails
}

// ---- Negatives -------------------------------------------------------------

void checked_before_kill(void) {
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return;
  }
  if (pid == 0) {
    work();
    _exit(0);
  }
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
}

void only_in_parent_branch(void) {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  } else if (pid > 0) {
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
  }
}

void switch_on_fork(void) {
  pid_t pid;
  switch (pid = fork()) {
  case -1:
    exit(1);
  case 0:
    work();
    _exit(0);
  default:
    waitpid(pid, NULL, 0);
  }
}

void wait_any_child(void) {
  if (fork() == 0)
    _exit(0);
  waitpid(-1, NULL, 0); // not the fork result
}

void start_checked(void) {
  checked_pid = fork();
  if (checked_pid < 0)
    exit(1);
  if (checked_pid == 0)
    _exit(0);
}

void stop_checked(void) { kill(checked_pid, SIGTERM); }

void start_guarded(void) {
  guarded_pid = fork();
  if (guarded_pid == 0)
    _exit(0);
}

void stop_guarded(void) {
  if (guarded_pid > 0)
    kill(guarded_pid, SIGTERM);
}

// Wrappers that never hand back a failure: one retries until the fork
// succeeds, one ends the process when it fails.
pid_t fork_retrying(void) {
  pid_t pid;
  do
    pid = fork();
  while (pid < 0);
  return pid;
}

pid_t fork_or_die(void) {
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    exit(1);
  }
  return pid;
}

void wait_on_retrying(void) {
  pid_t pid = fork_retrying();
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
}

void kill_from_fork_or_die(void) {
  pid_t pid = fork_or_die();
  if (pid == 0)
    _exit(0);
  kill(pid, SIGTERM);
}

// Conditions under branch-prediction hints constrain the path as the plain
// condition does: LIKELY/UNLIKELY (__builtin_expect), with a probability,
// and !!(x) (stress-ng's stress-kill: `if (LIKELY(pid > 1)) kill(pid, ...)`).
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
int keep_going(void);
void hinted_guards(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  do {
    if (LIKELY(pid > 1))
      kill(pid, SIGUSR1);
    if (__builtin_expect_with_probability(pid > 0, 1, 0.9))
      kill(pid, SIGUSR2);
  } while (keep_going());
  if (UNLIKELY(pid < 0))
    return;
  kill(pid, SIGTERM);
}

// Still reported: a hint around a test that does not rule out -1.
void hinted_but_unchecked(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  if (LIKELY(pid != 0))
    kill(pid, SIGTERM);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'kill' may be given -1 from a failed 'fork'{{.*}}[procshare-unchecked-fork-failure]
}
