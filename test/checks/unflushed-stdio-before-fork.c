// RUN: %check_procshare %s procshare-unflushed-stdio-before-fork -- -std=c11 -D_GNU_SOURCE
// The fix-it puts `fflush(NULL);` on a line of its own before the fork:
// RUN: cp %s %t.c && %clang_tidy -load=%plugin -checks='-*,procshare-unflushed-stdio-before-fork' -fix %t.c -- -std=c11 -D_GNU_SOURCE >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=FIXED --input-file=%t.c
// FIXED: {{^}}  printf("starting %d workers\n", 4);
// FIXED-NEXT: {{^}}  fflush(NULL);
// FIXED-NEXT: {{^}}  pid_t pid = fork();
// FIXED: {{^}}  fprintf(report, "header\n");
// FIXED-NEXT: {{^}}  fflush(NULL);
// FIXED-NEXT: {{^}}  switch (fork()) {

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void work(void);
static FILE *report;
static FILE *diagnostics;

// ---- Positives -------------------------------------------------------------

void printf_then_fork(void) {
  printf("starting %d workers\n", 4);
  pid_t pid = fork();
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: output written to 'stdout' may still be buffered when 'fork' copies the process; the child flushes its copy too, so it is written twice when 'stdout' is a pipe or a file; call fflush(NULL) before 'fork' [procshare-unflushed-stdio-before-fork]
  // CHECK-NOTES: :[[@LINE-2]]:15: warning: output written to 'stdout'
  // CHECK-NOTES: :[[@LINE-4]]:3: note: output is written to 'stdout' here
  // CHECK-NOTES: :[[@LINE+3]]:5: note: the child flushes its copy here
  if (pid == 0) {
    work();
    exit(0);
  }
  waitpid(pid, NULL, 0);
}

void file_then_fork(const char *path) {
  report = fopen(path, "w");
  if (!report)
    return;
  fprintf(report, "header\n");
  switch (fork()) {
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: output written to 'report' may still be buffered when 'fork' copies the process; the child flushes its copy too, so it is written twice when 'report' is a pipe or a file; call fflush(NULL) before 'fork'
  case -1:
    return;
  case 0:
    fprintf(report, "child\n");
    fflush(report);
    _exit(0);
  default:
    wait(NULL);
  }
}

static void banner(void) { puts("procshare demo"); }

void helper_prints(void) {
  banner();
  if (fork() == 0) {
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: output written to 'stdout' may still be buffered
    work();
    exit(1);
  }
}

static void spawn_worker(void) {
  pid_t pid = fork();
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: output written to 'stdout' may still be buffered
  if (pid == 0) {
    work();
    exit(0);
  }
}

void caller_prints(void) {
  putchar('>');
  spawn_worker();
}

int main(void) {
  printf("main\n");
  if (fork() == 0) {
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: output written to 'stdout' may still be buffered
    work();
    return 0;
  }
  wait(NULL);
  fflush(NULL);
  return 0;
}

// ---- Negatives -------------------------------------------------------------

void flushed_all(void) {
  printf("starting\n");
  fflush(NULL);
  if (fork() == 0) {
    work();
    exit(0);
  }
}

void flushed_stdout(void) {
  printf("starting\n");
  fflush(stdout);
  if (fork() == 0)
    exit(0);
}

void stderr_is_unbuffered(void) {
  fprintf(stderr, "starting\n");
  fputs("more\n", stderr);
  if (fork() == 0)
    exit(0);
}

void log_is_stderr(void) {
  diagnostics = stderr;
  fprintf(diagnostics, "starting\n");
  if (fork() == 0)
    exit(0);
}

void child_only_underscore_exits(void) {
  printf("starting\n");
  if (fork() == 0) {
    work();
    _exit(0);
  }
}

void child_execs(char **argv) {
  printf("running %s\n", argv[0]);
  if (fork() == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
}

static void flush_everything(void) { fflush(NULL); }

void flushed_by_helper(void) {
  puts("starting");
  flush_everything();
  if (fork() == 0)
    exit(0);
}

// Written on some paths only: the branch is often the one that never forks.
void verbose_only(int verbose) {
  if (verbose)
    printf("forking\n");
  if (fork() == 0)
    exit(0);
}

void written_after_fork(void) {
  pid_t pid = fork();
  if (pid == 0)
    exit(0);
  printf("child %d\n", pid);
}

// A fork wrapper hands the pid back: its own fork is not judged, the call of
// the wrapper is.
static pid_t xfork(void) {
  pid_t pid = fork();
  if (pid < 0)
    exit(1);
  return pid;
}

void through_wrapper(void) {
  printf("hello\n");
  pid_t pid = xfork();
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: output written to 'stdout' may still be buffered when 'xfork' copies the process
  if (pid == 0)
    exit(0);
}
