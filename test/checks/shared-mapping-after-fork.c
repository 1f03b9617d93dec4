// RUN: %check_procshare %s procshare-shared-mapping-after-fork -- -std=gnu11 -D_GNU_SOURCE

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static long *counter;
static long *results;
void work(long *out);
static void report(void) { printf("%ld\n", *results); }

// ---- Positives -------------------------------------------------------------

void mapped_in_child(void) {
  pid_t pid = fork();
  if (pid < 0)
    return;
  if (pid == 0) {
    counter = mmap(NULL, sizeof *counter, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    // CHECK-MESSAGES: :[[@LINE-2]]:15: warning: 'mmap' makes an anonymous shared mapping in the child after 'fork', so the parent does not have it: each process gets its own; make it before 'fork' and let the child inherit it [procshare-shared-mapping-after-fork]
    // CHECK-NOTES: :[[@LINE-3]]:15: warning: 'mmap' makes
    // CHECK-NOTES: :[[@LINE+6]]:20: note: the parent uses 'counter' here
    // CHECK-NOTES: :[[@LINE-9]]:15: note: 'fork' creates the child here
    *counter = 42;
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  printf("%ld\n", *counter);
}

void mapped_in_parent_after_fork(void) {
  pid_t pid = fork();
  if (pid < 0)
    return;
  if (pid == 0) {
    work(results);
    _exit(0);
  }
  results = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'mmap' makes an anonymous shared mapping in the parent after 'fork', so the child does not have it
  waitpid(pid, NULL, 0);
  report();
}

void pipe_after_fork(void) {
  int fds[2];
  pid_t pid = fork();
  if (pid < 0)
    return;
  if (pid == 0) {
    char c;
    read(fds[0], &c, 1);
    _exit(0);
  }
  if (pipe(fds) != 0)
    return;
  // CHECK-MESSAGES: :[[@LINE-2]]:7: warning: 'pipe' makes a pipe in the parent after 'fork', so the child does not have it
  write(fds[1], "x", 1);
  waitpid(pid, NULL, 0);
}

int sysv_in_child(void) {
  int id = -1;
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'shmget' makes a private System V segment in the child after 'fork', so the parent does not have it
    _exit(id < 0);
  }
  waitpid(pid, NULL, 0);
  return id;
}

// ---- Negatives -------------------------------------------------------------

void mapped_before_fork(void) {
  long *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int fds[2];
  if (shared == MAP_FAILED || pipe(fds) != 0)
    return;
  pid_t pid = fork();
  if (pid == 0) {
    *shared = 1;
    write(fds[1], "x", 1);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  printf("%ld\n", *shared);
}

// Named segments and files are found again by name after the fork.
void named_after_fork(void) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = shm_open("/procshare-demo", O_RDWR, 0600);
    long *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    *p = 1;
    _exit(0);
  }
  int fd = shm_open("/procshare-demo", O_RDWR | O_CREAT, 0600);
  long *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  waitpid(pid, NULL, 0);
  printf("%ld\n", *p);
}

// The child's own scratch space, and a pipe to its own grandchild.
void child_private_use(void) {
  if (fork() == 0) {
    long *scratch = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int fds[2];
    if (pipe(fds) != 0)
      _exit(1);
    if (fork() == 0) {
      *scratch = 1;
      write(fds[1], "x", 1);
      _exit(0);
    }
    wait(NULL);
    _exit(*scratch == 1 ? 0 : 1);
  }
  wait(NULL);
}

// A mapping made by the parent between two forks is inherited by the second
// child.
void between_forks(void) {
  if (fork() == 0)
    _exit(0);
  long *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (fork() == 0) {
    *p = 2;
    _exit(0);
  }
  while (wait(NULL) > 0) {
  }
  printf("%ld\n", *p);
}

// MAP_PRIVATE: private memory, not meant to be shared.
void private_mapping(void) {
  if (fork() == 0) {
    char *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    buf[0] = 1;
    _exit(0);
  }
}
