/* A small pre-forking job runner with the process-sharing bugs procshare
 * finds, next to correct code that looks similar. Run:
 *   ./dev.sh demo                         (or)
 *   build/procshare examples/worker_pool.c -- -std=c11
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define NWORKERS 4

static int jobs_done;        /* each process has its own copy after fork() */
static pid_t workers[NWORKERS];
static long *shared_jobs;    /* in a shared mapping: every process sees it */

static void do_job(int id) {
  jobs_done++;
  /* Bug: several processes update the shared counter with no lock and no
   * atomic operation; increments get lost. */
  (*shared_jobs)++;
  printf("worker %d did a job\n", id);
}

/* Bug: the child never leaves the loop, so each child forks the remaining
 * workers again: 2^N processes instead of N. */
static void start_workers(void) {
  for (int i = 0; i < NWORKERS; i++) {
    workers[i] = fork();
    if (workers[i] == 0) {
      do_job(i);
    }
  }
}

/* Bugs: a failed exec leaves a second copy of the parent; a failed fork, waitpid(-1). */
static int run_hook(char *const argv[]) {
  pid_t pid = fork();
  if (pid == 0) {
    execvp(argv[0], argv);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

/* Bug: the child returns to the caller, which cannot tell it from the parent. */
static void report_async(const char *msg) {
  if (fork() == 0) {
    printf("report: %s\n", msg);
    return;
  }
}

/* Correct: the child ends with _exit(); the parent waits. */
static int run_checked(char *const argv[]) {
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return -1;
  }
  if (pid == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

/* Correct: a wrapper that returns the pid for its caller to branch on. */
static pid_t spawn(void) {
  fflush(NULL);
  return fork();
}

int main(int argc, char **argv) {
  char *hook[] = {"true", NULL};
  shared_jobs = mmap(NULL, sizeof *shared_jobs, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  start_workers();
  run_hook(hook);
  report_async("started");
  run_checked(hook);

  pid_t p = spawn();
  if (p == 0) {
    do_job(99);
    _exit(0);
  }
  while (wait(NULL) > 0) {
  }
  printf("jobs done: %d\n", jobs_done); /* always 0 in the parent */
  return 0;
}

/* Bug: a mutex in shared memory initialised with default attributes only
 * works between the threads of one process: the workers do not exclude each
 * other. */
struct stats {
  pthread_mutex_t lock;
  long failures;
};
struct stats *stats;

void init_stats(void) {
  stats = mmap(NULL, sizeof *stats, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
               -1, 0);
  pthread_mutex_init(&stats->lock, NULL);
}

/* Bug: the "notifying" line is still in stdout's buffer when fork() copies it,
 * and exit() in the child flushes the copy (and runs the parent's atexit
 * handlers): the line is printed twice when stdout is a pipe or a file. */
void notify(const char *who) {
  printf("notifying %s\n", who);
  pid_t pid = fork();
  if (pid < 0)
    return;
  if (pid == 0) {
    do_job(-1);
    exit(0);
  }
  waitpid(pid, NULL, 0);
}
