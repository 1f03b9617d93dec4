// RUN: %check_procshare %s procshare-child-write-not-propagated -- -std=c11 -D_GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <pthread.h>
#include <unistd.h>

static int failures;
int results[8];
struct stats { int runs; int errors; } stats;
static int worker_id;
static int g_is_child;

// ---- Positives -------------------------------------------------------------

int counter_in_child(void) {
  pid_t p = fork();
  if (p == 0) {
    failures++;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes 'failures', which the parent reads after waiting; the child changes only its own copy of memory: share the value through a MAP_SHARED|MAP_ANONYMOUS mapping created before the fork (with atomics or a process-shared lock if several processes write), a pipe, or the exit status for a small integer [procshare-child-write-not-propagated]
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: the child created by 'fork' writes 'failures'
    // CHECK-NOTES: :[[@LINE-5]]:13: note: 'fork' creates the child here
    // CHECK-NOTES: :[[@LINE+4]]:10: note: the parent reads its own, unchanged copy here
    _exit(0);
  }
  waitpid(p, NULL, 0);
  return failures;
}

void switch_fork_fills_array(int n) {
  switch (fork()) {
  case -1:
    perror("fork");
    return;
  case 0:
    for (int i = 0; i < n; i++)
      results[i] = i * i;
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the child created by 'fork' writes 'results[]', which the parent reads after waiting
    _exit(0);
  default:
    wait(NULL);
    printf("%d\n", results[0]);
  }
}

static void run_test(int i) {
  if (i % 3 == 0)
    stats.errors++;
  stats.runs++;
}

void workers_in_loop(int n) {
  for (int i = 0; i < n; i++) {
    if (fork() == 0) {
      run_test(i);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the child created by 'fork' writes 'stats.errors' in 'run_test', which the parent reads after waiting
      // CHECK-NOTES: :[[@LINE-2]]:7: warning: the child created by 'fork' writes 'stats.errors' in 'run_test'
      // CHECK-NOTES: :[[@LINE-10]]:5: note: 'run_test' writes 'stats.errors' here
      _exit(0);
    }
  }
  while (wait(NULL) > 0) {
  }
  printf("%d runs, %d errors\n", stats.runs, stats.errors);
}

int local_before_fork(void) {
  int done = 0;
  char msg[64] = "";
  pid_t p = fork();
  if (p == 0) {
    done = 1;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes 'done', which the parent reads after waiting
    snprintf(msg, sizeof msg, "child %d", getpid());
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes 'msg[]', which the parent reads after waiting
    _exit(0);
  }
  waitpid(p, NULL, 0);
  puts(msg);
  return done;
}

int heap_before_fork(void) {
  int *buf = malloc(4 * sizeof(int));
  pid_t p = fork();
  if (p == 0) {
    buf[0] = 42;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes 'buf[]', which the parent reads after waiting
    _exit(0);
  }
  waitpid(p, NULL, 0);
  return buf[0];
}

void heap_string_before_fork(void) {
  char *report = malloc(128);
  pid_t p = fork();
  if (p == 0) {
    snprintf(report, 128, "child %d done", getpid());
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes '*report', which the parent reads after waiting
    _exit(0);
  }
  waitpid(p, NULL, 0);
  puts(report);
}

int private_mapping(void) {
  int *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  pid_t p = fork();
  if (p == 0) {
    m[1] = 7;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes 'm[]', which the parent reads after waiting
    _exit(0);
  }
  waitpid(p, NULL, 0);
  return m[1];
}

static void fill(int *out, int v) { *out = v; }

int through_out_parameter(void) {
  int value = 0;
  pid_t p = fork();
  if (p == 0) {
    fill(&value, 3);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes 'value' in 'fill', which the parent reads after waiting
    _exit(0);
  }
  waitpid(p, NULL, 0);
  return value;
}

static int print_summary(void) { return printf("%d failures\n", failures); }

void read_in_parent_only_helper(void) {
  if (fork() == 0) {
    failures += 2;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes 'failures', which the parent reads after waiting
    _exit(0);
  }
  wait(NULL);
  print_summary();
}

// ---- Negatives -------------------------------------------------------------

int shared_mapping(void) {
  int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid_t p = fork();
  if (p == 0) {
    shared[0] = 1; // the right primitive
    _exit(0);
  }
  waitpid(p, NULL, 0);
  return shared[0];
}

struct board { int scores[8]; };
static struct board *board;

static void map_board(void) {
  int flags = MAP_SHARED | MAP_ANONYMOUS;
  board = mmap(NULL, sizeof *board, PROT_READ | PROT_WRITE, flags, -1, 0);
}

int shared_through_global(void) {
  map_board();
  if (fork() == 0) {
    board->scores[0] = 9;
    _exit(0);
  }
  wait(NULL);
  return board->scores[0];
}

int sysv_segment(int id) {
  int *seg = shmat(id, NULL, 0);
  if (fork() == 0) {
    seg[0] = 5;
    _exit(0);
  }
  wait(NULL);
  return seg[0];
}

int unknown_memory(int *from_caller) {
  if (fork() == 0) {
    from_caller[0] = 5; // may be shared: the caller's memory is not known
    _exit(0);
  }
  wait(NULL);
  return from_caller[0];
}

void never_read_after_wait(void) {
  if (fork() == 0) {
    failures = 1;
    _exit(failures);
  }
  wait(NULL);
}

int overwritten_before_read(void) {
  if (fork() == 0) {
    failures = 3;
    _exit(0);
  }
  wait(NULL);
  failures = 0;
  return failures;
}

int read_before_wait_only(void) {
  pid_t p = fork();
  if (p == 0) {
    failures = 4;
    _exit(0);
  }
  int before = failures; // the parent's own value, before waiting
  waitpid(p, NULL, 0);
  return before;
}

void log_line(const char *msg) { printf("[%d:%d] %s\n", g_is_child, worker_id, msg); }

void role_variables(int n) {
  for (int i = 0; i < n; i++) {
    if (fork() == 0) {
      g_is_child = 1; // the child's own identity
      worker_id = i;
      log_line("started"); // read by a helper both processes call
      _exit(0);
    }
  }
  while (wait(NULL) > 0) {
  }
  log_line("all done");
}

int status_of_child(void) {
  int status = 0;
  pid_t p = fork();
  if (p == 0)
    _exit(3);
  waitpid(p, &status, 0); // written by wait itself
  return WEXITSTATUS(status);
}

static void *thread_body(void *arg) {
  failures++; // threads share memory
  return arg;
}

int threads_share_memory(void) {
  pthread_t t;
  pthread_create(&t, NULL, thread_body, NULL);
  pthread_join(t, NULL);
  return failures;
}

int vfork_is_not_this_check(void) {
  pid_t p = vfork();
  if (p == 0) {
    failures = 1;
    _exit(0);
  }
  waitpid(p, NULL, 0);
  return failures;
}

int pipe_result(void) {
  int fds[2];
  int value = 0;
  if (pipe(fds) != 0)
    return -1;
  pid_t p = fork();
  if (p == 0) {
    int v = 42; // a local of the child
    write(fds[1], &v, sizeof v);
    _exit(0);
  }
  read(fds[0], &value, sizeof value);
  waitpid(p, NULL, 0);
  return value;
}

int buffer_reused(void) {
  char line[32];
  pid_t p = fork();
  if (p == 0) {
    snprintf(line, sizeof line, "child %d", getpid());
    _exit(0);
  }
  wait(NULL);
  line[0] = '\0'; // the parent reuses the buffer (cron's crontab -e)
  if (fgets(line, sizeof line, stdin))
    return line[0];
  return 0;
}

// A flag the child's own loop tests: writing it steers the child (fio's
// connection handler sets exit_backend on a quit command), and the parent's
// loop tests its own copy, set by its signal handler.
static int exit_backend;

static void handle_command(int cmd) {
  if (cmd == 0)
    exit_backend = 1;
}

static void handle_connection(int fd) {
  while (!exit_backend)
    handle_command(read(fd, NULL, 0));
  _exit(0);
}

void accept_loop(int listen_fd) {
  while (!exit_backend) {
    int fd = accept(listen_fd, NULL, NULL);
    pid_t pid = fork();
    if (pid == 0)
      handle_connection(fd);
    close(fd);
    waitpid(-1, NULL, WNOHANG);
  }
}

// A child that execs sets up the other program: its writes are not results.
struct tty_state {
  int lflag;
};
static struct tty_state tty;
static void reset_tty(struct tty_state *t) { t->lflag = 0; }

int run_pager(char **argv) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    reset_tty(&tty);
    execvp(argv[0], argv);
    _exit(127);
  }
  waitpid(pid, NULL, 0);
  return tty.lflag;
}

// The child changes one field through a pointer; the parent waits and then
// reads another field through the same pointer. Reading the pointer is no
// read of what the child wrote behind it (lighttpd's graceful restart).
struct server_state {
  int sockets_disabled;
  int max_workers;
};
int background_restart(struct server_state *srv) {
  pid_t p = fork();
  if (p < 0)
    return -1;
  if (p == 0) {
    srv->sockets_disabled = 3;
    _exit(0);
  }
  waitpid(p, NULL, 0);
  return srv->max_workers;
}

// The child hands its result on through the exit status, as the message
// advises: `_exit(rc)` (stress-ng's stressors). The parent's own `rc` is
// what it read from the status.
int result_through_exit_status(void) {
  int rc = 0;
  pid_t p = fork();
  if (p < 0)
    return -1;
  if (p == 0) {
    rc = printf("working\n") < 0;
    _exit(rc);
  }
  waitpid(p, NULL, 0);
  return rc;
}

// State the parent keeps up itself after the fork, and the variable that
// holds the fork result, are the parent's own: the child's writes of them
// are the child's working state.
int parent_keeps_its_own(int n) {
  int next = 0, status;
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      pid = getpid();
      next = (next + 1) % 4;
      printf("%d on %d\n", (int)pid, next);
      _exit(0);
    }
    waitpid(pid, &status, 0);
    next = (next + 1) % 4;
  }
  return next;
}

// A stop flag the child's loop tests through an accessor is its own control
// flag.
static volatile int keep_going = 1;
static int still_going(void) { return keep_going; }
static int should_run(int i) { return still_going() && i < 100; }
void stop_flag_through_accessor(void) {
  pid_t p = fork();
  if (p == 0) {
    for (int i = 0; should_run(i); i++)
      if (i == 50)
        keep_going = 0;
    _exit(0);
  }
  waitpid(p, NULL, 0);
  if (keep_going)
    printf("still going\n");
}

// Still reported: the child's result is not what it passes to _exit.
int result_not_through_exit_status(void) {
  int rc = 0;
  pid_t p = fork();
  if (p < 0)
    return -1;
  if (p == 0) {
    rc = printf("working\n") < 0;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes 'rc', which the parent reads after waiting{{.*}}[procshare-child-write-not-propagated]
    _exit(0);
  }
  waitpid(p, NULL, 0);
  return rc;
}

// A volatile stop flag that helpers clear, in whatever process they run
// (a signal handler, an error path), steers the child that calls them.
static volatile int running = 1;
static void stop_running(void) { running = 0; }
void child_stops_itself(void) {
  pid_t p = fork();
  if (p == 0) {
    stop_running();
    _exit(0);
  }
  waitpid(p, NULL, 0);
  if (!running)
    printf("stopped\n");
}

// free() releases the memory without reading what the child wrote there.
void child_fills_buffer_parent_frees(void) {
  int *buf = malloc(4 * sizeof *buf);
  if (!buf)
    return;
  pid_t p = fork();
  if (p == 0) {
    buf[0] = 1;
    _exit(0);
  }
  waitpid(p, NULL, 0);
  free(buf);
}

// A worker that leaves the spawn loop and returns to its caller lives on as
// a process of its own (lighttpd's workers): what it writes on the way out
// sets itself up, and the parent's later reads are of its own state.
struct worker_srv { const char *pid_file; pid_t pid; int generation; } the_srv;
void srv_graceful_state(struct worker_srv *srv);
int spawn_workers(int n) {
  struct worker_srv *srv = &the_srv;
  int child = 0;
  while (!child && n > 0) {
    pid_t p = fork();
    if (p < 0)
      return -1;
    if (p == 0) {
      child = 1;
      break;
    }
    n--;
  }
  if (!child) {
    while (wait(NULL) > 0)
      ;
    srv_graceful_state(srv);
    return 0;
  }
  srv->pid_file = NULL;
  srv->pid = getpid();
  return 1;
}
// The same loop, but the worker ends here after its update: that update is
// a result, lost to the parent that reads it after the wait.
int spawn_workers_once(int n) {
  int child = 0;
  while (!child && n > 0) {
    pid_t p = fork();
    if (p < 0)
      return -1;
    if (p == 0) {
      child = 1;
      break;
    }
    n--;
  }
  if (!child) {
    while (wait(NULL) > 0)
      ;
    return the_srv.generation;
  }
  the_srv.generation++;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: the child created by 'fork' writes 'the_srv.generation', which the parent reads after waiting
  _exit(0);
}

// The parent measures with the same variables through a table of functions
// the analysis cannot follow (stress-ng open's `open_funcs[i](..., &t)`):
// it keeps its own total, and the child's is the child's.
typedef int (*timed_open_fn)(const char *path, double *total);
extern timed_open_fn timed_opens[4];
void time_dir(const char *path, double *total) { *total += path[0]; }
double open_rate(const char *path) {
  double total = 0.0;
  pid_t p = fork();
  if (p == 0) {
    time_dir(path, &total);
    _exit(0);
  }
  for (int i = 0; i < 4; i++)
    (void)timed_opens[i](path, &total);
  if (p > 0)
    waitpid(p, NULL, 0);
  return total;
}
// Only a copy of the total goes to the table: the parent reads the child's.
double open_rate_copied(const char *path) {
  double total = 0.0, mine = 0.0;
  pid_t p = fork();
  if (p == 0) {
    time_dir(path, &total);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes 'total' in 'time_dir', which the parent reads after waiting
    _exit(0);
  }
  for (int i = 0; i < 4; i++)
    (void)timed_opens[i](path, &mine);
  if (p > 0)
    waitpid(p, NULL, 0);
  return total;
}
