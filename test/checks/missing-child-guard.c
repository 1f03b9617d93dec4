// RUN: %check_procshare %s procshare-missing-child-guard -- -std=c11 -D_GNU_SOURCE

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int counter;
static pid_t workers[8];
void run_elsewhere(int); // defined in another file: may never return

// ---- Positives -------------------------------------------------------------

void discarded(void) {
  fork();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: result of 'fork' is discarded, so parent and child both run the code that follows; branch on the returned pid and end the child with _exit() or exec*() [procshare-missing-child-guard]
  puts("printed twice");
}

void discarded_in_loop(int n) {
  for (int i = 0; i < n; i++)
    (void)fork();
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: result of 'fork' is discarded, so parent and child both run the code that follows, and in this loop every child forks again; branch
}

int falls_out_of_if(void) {
  pid_t pid = fork();
  if (pid == 0) {
    counter++;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' leaves its branch here and runs code the parent runs; end the child with _exit() or exec*() [procshare-missing-child-guard]
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: the child created by 'fork' leaves its branch
    // CHECK-NOTES: :[[@LINE-5]]:15: note: 'fork' creates the child here
  }
  wait(NULL);
  // CHECK-NOTES: :[[@LINE-1]]:3: note: the child reaches this parent code
  return counter;
}

void falls_through_case(void) {
  switch (fork()) {
  case -1:
    perror("fork");
    return;
  case 0:
    counter = 1;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' leaves its branch here
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: the child
    // CHECK-NOTES: :[[@LINE-8]]:11: note: 'fork' creates the child here
  default:
    wait(NULL);
    // CHECK-NOTES: :[[@LINE-1]]:5: note: the child reaches this parent code
  }
}

void breaks_out_of_switch(void) {
  switch (fork()) {
  case 0:
    counter = 2;
    break;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' leaves its branch here
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: the child
    // CHECK-NOTES: :[[@LINE-6]]:11: note: 'fork' creates the child here
  default:
    break;
  }
  wait(NULL);
  // CHECK-NOTES: :[[@LINE-1]]:3: note: the child reaches this parent code
}

void early_exit_parent_then_falls(void) {
  pid_t p = fork();
  if (p != 0)
    goto parent;
  counter = 3;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: the child created by 'fork' leaves its branch here
  // CHECK-NOTES: :[[@LINE-2]]:3: warning: the child
  // CHECK-NOTES: :[[@LINE-6]]:13: note: 'fork' creates the child here
parent:
  wait(NULL);
  // CHECK-NOTES: :[[@LINE-1]]:3: note: the child reaches this parent code
}

void loop_child_keeps_looping(int n) {
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: the child created by 'fork' stays in the loop and forks again (up to 2^N processes); end the child with _exit() or exec*() [procshare-missing-child-guard]
    // CHECK-NOTES: :[[@LINE-2]]:15: warning: the child created by 'fork' stays in the loop
    if (p == 0) {
      counter += i;
      // CHECK-NOTES: :[[@LINE-1]]:7: note: the child continues the loop from here
    }
  }
  while (wait(NULL) > 0) {
  }
}

void pid_in_array_element(int n) {
  for (int i = 0; i < n; i++) {
    workers[i] = fork();
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: the child created by 'fork' stays in the loop
    if (workers[i] == 0)
      counter = i;
  }
}

int exec_without_exit(char **argv) {
  pid_t p = fork();
  if (p == 0) {
    execvp(argv[0], argv);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: if 'execvp' fails, the child created by 'fork' continues into code the parent runs; call _exit(127) after the exec [procshare-missing-child-guard]
  }
  int status;
  waitpid(p, &status, 0);
  return status;
}

void returns_to_caller(void) {
  if (fork() == 0) {
    counter = 4;
    return;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' returns from 'returns_to_caller' and runs its caller's code; end the child with _exit() or exec*(), or return the pid so the caller can branch on it [procshare-missing-child-guard]
  }
  wait(NULL);
}

int child_flag_then_falls(void) {
  pid_t p = fork();
  int in_child = (p == 0);
  if (in_child)
    counter = 5;
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' leaves its branch here
  wait(NULL);
  return counter;
}

int verbose;
void log_line(const char *);

void falls_into_conditional_code(void) {
  pid_t p = fork();
  if (p == 0) {
    counter = 8;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' leaves its branch here
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: the child
    // CHECK-NOTES: :[[@LINE-5]]:13: note: 'fork' creates the child here
  }
  if (verbose) // tests nothing about the process: both run what follows
    // CHECK-NOTES: :[[@LINE-1]]:7: note: the child reaches this parent code
    log_line("forked");
  waitpid(p, NULL, 0);
}

int spawn_workers_then_return(int n) {
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0)
      return i;
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the child created by 'fork' returns from 'spawn_workers_then_return'
    if (i == n - 1)
      return -1; // the parent returns in the iteration that forked
  }
  return -1;
}


void daemonize(void) {
  pid_t pid = fork();
  if (pid < 0)
    exit(1);
  if (pid > 0)
    exit(0); // the parent leaves; the child carries on: intended
  setsid();
  if (fork() > 0) // double fork
    _exit(0);
  chdir("/");
}

int fork_exec(char **argv) {
  pid_t p = fork();
  if (p < 0)
    return -1;
  if (p == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
  int status;
  waitpid(p, &status, 0);
  return status;
}

pid_t spawn_wrapper(void) { // hands the pid to its caller
  pid_t p = fork();
  if (p == 0) {
    counter = 0;
    return 0;
  }
  return p;
}

pid_t plain_wrapper(void) {
  pid_t p = fork();
  if (p < 0)
    perror("fork");
  return p;
}

void uses_wrapper(void) {
  pid_t p = spawn_wrapper();
  if (p == 0) {
    counter = 6;
    _exit(0);
  }
  pid_t q = plain_wrapper();
  if (!q) {
    counter = 7;
    _exit(0);
  }
  waitpid(p, NULL, 0);
}

static void child_main(void) { // every path ends in _exit: never returns
  for (int i = 0; i < 3; i++)
    counter += i;
  _exit(0);
}

static void serve_forever(void) {
  for (;;)
    counter++;
}

void child_in_helper(void) {
  pid_t p = fork();
  if (p == 0)
    child_main();
  if (fork() == 0)
    serve_forever();
  waitpid(p, NULL, 0);
}

void child_loops_forever(void) {
  if (fork() == 0) {
    while (1)
      counter++;
  }
  wait(NULL);
}

void children_in_loop_exit(int n) {
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) {
      counter = i;
      _exit(0);
    }
  }
  while (wait(NULL) > 0) {
  }
}

void child_calls_external(void) {
  // run_elsewhere() is defined in another file and may never return; the
  // check only reports this with StrictUnknownCalls (see -options.c).
  if (fork() == 0)
    run_elsewhere(1);
  wait(NULL);
}

void parent_only_branch(void) {
  pid_t p = fork();
  if (p > 0) {
    waitpid(p, NULL, 0);
    return;
  }
  if (p == 0)
    _exit(0);
}

// sshd's accept loop: the child returns to handle the connection, the
// parent loops on; the only other exit is a mode that does not fork.
int debug_mode, terminating;
int accept_connection(void);
__attribute__((noreturn)) void fatal_error(const char *);

void accept_loop(int *sock) {
  for (;;) {
    if (terminating)
      exit(0);
    for (int i = 0; i < 4; i++) {
      int s = accept_connection();
      if (s < 0)
        continue;
      if (debug_mode) {
        *sock = s;
        return;
      }
      if (fork() == 0) {
        *sock = s;
        return;
      }
      close(s);
      if (counter < 0)
        fatal_error("impossible");
    }
  }
}

// lighttpd's worker start-up: the child sets a flag that ends the loop and
// skips the parent's tail.
int start_workers(int n) {
  int child = 0;
  int left = n;
  while (!child && !terminating) {
    if (left > 0) {
      switch (fork()) {
      case -1:
        return -1;
      case 0:
        child = 1;
        break;
      default:
        left--;
        break;
      }
    } else {
      wait(NULL);
      left++;
    }
  }
  if (!child) {
    kill(0, SIGTERM);
    return 0;
  }
  counter = 1; // the worker's own set-up
  return 1;
}

// haproxy's master-worker start-up: both processes go on through shared
// code on purpose, with a flag that says which one they are.
void master_worker(int pidfd) {
  int in_parent = 0;
  pid_t p = fork();
  if (p < 0)
    exit(1);
  if (p == 0) {
    counter = 0; // the worker's set-up
  } else {
    in_parent = 1;
    workers[0] = p;
  }
  close(pidfd); // in both, deliberately
  if (in_parent)
    exit(0);
  counter++;
}
// The same after a `do { } while (0)` macro: its constant test is no fact
// that could make `in_parent = 0` a truth value instead of a constant.
#define CHECKED(x) do { __asm__("" : "=rm"(x) : "0"(x)); } while (0)
void master_worker_checked(int pidfd) {
  CHECKED(pidfd);
  int in_parent = 0;
  pid_t p = fork();
  if (p < 0)
    exit(1);
  if (p == 0) {
    counter = 0;
  } else {
    in_parent = 1;
    workers[0] = p;
  }
  close(pidfd);
  if (in_parent)
    exit(0);
  counter++;
}

void spawn_not_fork(void) {
  system("true"); // runs no child code here
}

#include <assert.h>

void exec_asserted(char **argv) {
  pid_t p = fork();
  if (p == 0) {
    assert(execv(argv[0], argv) != -1); // exec returns only with -1: aborts
  }
  waitpid(p, NULL, 0);
}

static int run_tool(char **argv) { // only called as `return run_tool(...)` in main
  pid_t p = fork();
  if (p == 0) {
    execvp(argv[0], argv);
    return 127; // the child returns into main's return: it just exits
  }
  int status;
  waitpid(p, &status, 0);
  return status;
}

static int run_tool_twice(char **argv) {
  pid_t p = fork();
  if (p == 0) {
    execvp(argv[0], argv);
    return 127;
    // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: if 'execvp' fails, the child created by 'fork' returns from 'run_tool_twice' and runs its caller's code; call _exit(127) after the exec
  }
  int status;
  waitpid(p, &status, 0);
  return status;
}

int tool_main(int argc, char **argv) {
  if (run_tool_twice(argv) != 0) // the child would go on to run the tool again
    return run_tool_twice(argv);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 5)
    return run_tool(argv);
  pid_t p = fork();
  if (p == 0) {
    puts("child");
    return 0; // returning from main: procshare-exit-in-child's concern
  }
  waitpid(p, NULL, 0);
  if (fork() == 0)
    puts("second child");
  return 0; // the child only reaches the final return of main
}

// A constructor reaching fork through a recursive helper: the answer must
// not depend on which function the analysis looked at first (the helper,
// defined above the constructor, used to cache "reaches no fork" for it).
static void start_worker(void);
static void load_plugins(void);
static void load_config(int again) {
  if (again)
    load_plugins();
  start_worker();
}
__attribute__((constructor)) static void load_plugins(void) { load_config(0); }
static void start_worker(void) {
  pid_t p = fork();
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'fork' runs before main() in every program that links this code, because 'load_plugins' is a constructor function
  // CHECK-NOTES: :[[@LINE-4]]:42: note: 'load_plugins' is declared as a constructor here
  if (p == 0)
    _exit(0);
  waitpid(p, NULL, 0);
}

// A child that returns a value its parent never returns leaves the decision
// to its caller, which can tell them apart: 1 in the child, 0 in the parent
// (the failure path's 0 is the caller's error case); or 0 and -1 in the
// child and the pid, always positive, in the parent (a daemon helper).
static void log_start(pid_t p) { counter += p; }
int start_debug_session(void) {
  pid_t p = fork();
  if (p < 0)
    return 0;
  if (p == 0) {
    log_start(0);
    return 1;
  }
  log_start(p);
  return 0;
}
int daemon_helper(void) {
  pid_t p = fork();
  switch (p) {
  case -1:
    return -1;
  case 0:
    break;
  default:
    return p;
  }
  if (setsid() == -1)
    return -1;
  return 0;
}
// The same value in both: the caller cannot tell them apart.
int start_session_ambiguous(void) {
  pid_t p = fork();
  if (p < 0)
    return -1;
  if (p == 0) {
    log_start(0);
    return 0;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' returns from 'start_session_ambiguous' and runs its caller's code
  }
  log_start(p);
  return 0;
}

// The raw exit system calls end the child (stress-ng's shim_exit_group).
void child_ends_by_syscall(void) {
  pid_t p = fork();
  if (p == 0) {
    puts("child");
    syscall(SYS_exit_group, 0);
  }
  if (p > 0)
    waitpid(p, NULL, 0);
  counter++;
}
void child_ends_by_raw_exit(void) {
  pid_t p = fork();
  if (p == 0)
    syscall(__NR_exit, 1);
  counter++;
}

// ---- What the child knows of itself ----------------------------------------

// A counter the child bumps after the fork is a role flag: the second
// round's `if (forked)` ends the child before the shared return.
static char tty_error[64];
char *tty_write_retry(int fd) {
  int forked = 0;
  for (;;) {
    if (write(fd, "x", 1) == 1)
      break;
    if (forked)
      _exit(1);
    pid_t p = fork();
    if (p < 0)
      return tty_error;
    if (p > 0)
      return NULL;
    forked++;
  }
  if (forked)
    _exit(0);
  return NULL;
}
// The child's count is 1, and only more than 3 ends it: it returns.
char *tty_write_counted(int fd) {
  int tries = 0;
  for (;;) {
    if (write(fd, "x", 1) == 1)
      break;
    if (tries > 3)
      _exit(1);
    pid_t p = fork();
    if (p < 0)
      return tty_error;
    if (p > 0)
      return NULL;
    tries++;
  }
  return NULL;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: the child created by 'fork' returns from 'tty_write_counted' and runs its caller's code
}

// A tested local holds in both processes: the child forked only where both
// maps exist, so `!p && usermap` takes it, and it never comes back.
void run_mapper(const char *tool, int *map) {
  (void)map;
  execlp(tool, tool, (char *)NULL);
  _exit(127);
}
void map_ids_from_child(int *usermap, int *groupmap) {
  pid_t p = 0;
  if (usermap && groupmap) {
    p = fork();
    if (p < 0)
      exit(1);
    if (p)
      waitpid(p, NULL, 0);
  }
  if (!p && usermap)
    run_mapper("newuidmap", usermap);
  if (groupmap)
    run_mapper("newgidmap", groupmap);
  exit(0);
}
// Forked when either exists: a child without a user map runs the group
// mapper the parent runs too.
void map_ids_either(int *usermap, int *groupmap) {
  pid_t p = 0;
  if (usermap || groupmap) {
    p = fork();
    if (p < 0)
      exit(1);
    if (p)
      waitpid(p, NULL, 0);
  }
  if (!p && usermap)
    run_mapper("newuidmap", usermap);
  // CHECK-MESSAGES: :[[@LINE-2]]:7: warning: the child created by 'fork' leaves its branch here and runs code the parent runs
  if (groupmap)
    run_mapper("newgidmap", groupmap);
  exit(0);
}

// A chain of tests that sends the child and the parent apart before either
// does anything: `pid || !forkit` is false in the child.
int unshare_run(int forkit, int persist) {
  pid_t p = 0;
  if (forkit) {
    p = fork();
    switch (p) {
    case -1:
      exit(1);
    case 0:
      break;
    default:
      break;
    }
  }
  if (persist && (p || !forkit))
    counter++;
  if (p) {
    waitpid(p, NULL, 0);
    exit(0);
  }
  return counter;
}
int unshare_run_both(int forkit, int persist) {
  pid_t p = 0;
  if (forkit) {
    p = fork();
    switch (p) {
    case -1:
      exit(1);
    case 0:
      break;
    default:
      break;
    }
  }
  if (persist && (p || forkit))
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the child created by 'fork' leaves its branch here and runs code the parent runs
    counter++;
  if (p) {
    waitpid(p, NULL, 0);
    exit(0);
  }
  return counter;
}

// A child that leaves its own id where the caller looks (libmount's
// context: `cxt->pid = getpid()`) can be told apart by the caller, though
// both return 0.
struct fork_ctx { pid_t pid; int forks_enabled; };
int ctx_add_child(struct fork_ctx *c, pid_t p);
int ctx_fork(struct fork_ctx *c) {
  int rc = 0;
  pid_t p = fork();
  switch (p) {
  case -1:
    return -1;
  case 0:
    c->pid = getpid();
    c->forks_enabled = 0;
    break;
  default:
    rc = ctx_add_child(c, p);
    break;
  }
  return rc;
}
int ctx_fork_unmarked(struct fork_ctx *c) {
  int rc = 0;
  pid_t p = fork();
  switch (p) {
  case -1:
    return -1;
  case 0:
    c->forks_enabled = 0;
    break;
  default:
    rc = ctx_add_child(c, p);
    break;
  }
  return rc;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: the child created by 'fork' returns from 'ctx_fork_unmarked' and runs its caller's code
}

// ---- Children that share code on purpose ------------------------------------

// A daemon chain: each child forks the next one and the parent leaves the
// loop, so the processes form a line, not 2^N. The child's way out closes
// its own descriptor and returns to a caller that ends it.
int keep_running(void);
static int daemon_chain(int fd) {
  int rc = 0;
  while (keep_running()) {
    pid_t p = fork();
    if (p < 0)
      goto out;
    if (p == 0) {
      if (write(fd, &rc, sizeof rc) != sizeof rc)
        goto out;
    } else {
      waitpid(p, NULL, 0);
      break;
    }
  }
out:
  (void)close(fd);
  return rc;
}
void run_daemon_chain(int fd) {
  int rc = daemon_chain(fd);
  _exit(rc);
}
// The parent stays in the loop too: every process forks again.
static int daemon_swarm(int fd) {
  int rc = 0;
  while (keep_running()) {
    pid_t p = fork();
    // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: the child created by 'fork' stays in the loop and forks again (up to 2^N processes)
    if (p < 0)
      goto out;
    if (p == 0) {
      if (write(fd, &rc, sizeof rc) != sizeof rc)
        goto out;
    } else {
      waitpid(p, NULL, 0);
    }
  }
out:
  (void)close(fd);
  return rc;
}
void run_daemon_swarm(int fd) {
  int rc = daemon_swarm(fd);
  _exit(rc);
}

// A grandchild that returns its status to a caller that only closes its
// end of the pipe and exits with it.
static void send_status(int fd, int status) { (void)write(fd, &status, sizeof status); }
static int session_child(int fd) {
  pid_t p = fork();
  if (p < 0)
    return 1;
  if (p == 0) {
    send_status(fd, 0);
    return 0;
  }
  waitpid(p, NULL, 0);
  send_status(fd, 0);
  return 0;
}
void run_session(int fds[2]) {
  int ret = session_child(fds[1]);
  (void)close(fds[1]);
  _exit(ret);
}
// Here the caller reports the result first: the grandchild reports too.
static int session_child_reported(int fd) {
  pid_t p = fork();
  if (p < 0)
    return 1;
  if (p == 0) {
    send_status(fd, 0);
    return 0;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' returns from 'session_child_reported' and runs its caller's code
  }
  waitpid(p, NULL, 0);
  send_status(fd, 0);
  return 0;
}
void run_session_reported(int fds[2]) {
  int ret = session_child_reported(fds[1]);
  send_status(fds[1], ret);
  _exit(ret);
}

// Both processes exercise the mapping, then the child's own branch ends it
// (stress-ng's mmapcow); the mode tested before the fork still holds after.
enum { COW_FORK = 1, COW_VERBOSE = 2 };
void touch_pages(char *buf, int n);
int cow_round(char *buf, int n, int *flags) {
  pid_t p = -1;
  if (*flags & COW_FORK) {
    p = fork();
    if (p == 0)
      counter++;
  }
  touch_pages(buf, n);
  if (*flags & COW_FORK) {
    if (p == 0)
      _exit(0);
    else if (p > 0)
      waitpid(p, NULL, 0);
  }
  return 0;
}
// The child's guard sits under another mode: without it, the child returns.
int cow_round_verbose(char *buf, int n, int *flags) {
  pid_t p = -1;
  if (*flags & COW_FORK) {
    p = fork();
    if (p == 0)
      counter++;
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the child created by 'fork' leaves its branch here and runs code the parent runs
  }
  touch_pages(buf, n);
  if (*flags & COW_VERBOSE) {
    if (p == 0)
      _exit(0);
    else if (p > 0)
      waitpid(p, NULL, 0);
  }
  return 0;
}
