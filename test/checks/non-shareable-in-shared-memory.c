// RUN: %check_procshare %s procshare-non-shareable-in-shared-memory -- -std=gnu11 -D_GNU_SOURCE

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct job {
  char *name;     // a pointer: only meaningful in the process that set it
  char title[32]; // the data itself: fine
  struct job *next;
  long done;
};

struct table {
  struct job jobs[16];
  long used;
};

static struct table *shared;
static int fds[2];

// ---- Positives -------------------------------------------------------------

void setup(void) {
  shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                -1, 0);
  if (shared == MAP_FAILED || pipe(fds) != 0)
    exit(1);
}

// A worker names its job after the fork: the other processes get a pointer
// into the worker's own heap.
void run_worker(const char *name, long slot) {
  pid_t pid = fork();
  if (pid == 0) {
    shared->jobs[slot].name = strdup(name);
    // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: a pointer to process-private memory is stored in memory shared between processes; in another process it points into that process's own copy (or nowhere): store the data itself, or an offset into the shared mapping [procshare-non-shareable-in-shared-memory]
    // CHECK-NOTES: :[[@LINE-2]]:29: warning: a pointer to process-private
    // CHECK-NOTES: :[[@LINE-14]]:12: note: the shared memory is mapped here
    static struct job spare;
    shared->jobs[slot].next = &spare;
    // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: a pointer to process-private memory is stored
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

void send_job(long slot) {
  struct job j = shared->jobs[slot];
  write(fds[1], &j, sizeof j);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'struct job' is sent byte by byte to another process, but its member 'name' (char *) holds pointers, which mean nothing to another process; send the data itself, or offsets [procshare-non-shareable-in-shared-memory]
}

// ---- Negatives -------------------------------------------------------------

// Before the fork: the children inherit the pointer and a copy of the
// string it points to.
void add_job_before_fork(const char *name, long slot) {
  shared->jobs[slot].name = strdup(name);
  if (fork() == 0)
    _exit(shared->jobs[slot].name[0] == 0);
}

// Pointers into the same shared mapping, computed from its base.
void link_shared(long slot) {
  shared->jobs[slot].next = &shared->jobs[slot + 1];
  shared->jobs[slot].name = shared->jobs[slot].title;
  shared->jobs[slot].next = NULL;
}

// The data itself.
void copy_name(const char *name, long slot) {
  strncpy(shared->jobs[slot].title, name, sizeof shared->jobs[slot].title - 1);
  shared->jobs[slot].done = 0;
}

// Private memory may point anywhere.
void private_list(void) {
  struct job *j = malloc(sizeof *j);
  if (!j)
    return;
  j->name = strdup("private");
  j->next = j;
  free(j->name);
  free(j);
}

// Plain data over the pipe.
struct report {
  long slot, status;
};
void send_report(long slot) {
  struct report r = {slot, 0};
  write(fds[1], &r, sizeof r);
}
