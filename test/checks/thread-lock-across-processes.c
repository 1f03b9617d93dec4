// RUN: %check_procshare %s procshare-thread-lock-across-processes -- -std=gnu11 -D_GNU_SOURCE
// Fix-its: the pshared argument of sem_init and pthread_spin_init.
// RUN: not %procshare --quiet --checks='-*,procshare-thread-lock-across-processes' %s -- -std=gnu11 -D_GNU_SOURCE | FileCheck %s --check-prefix=FIX
// FIX: {{^}}      |                                  PTHREAD_PROCESS_SHARED
// FIX: {{^}}      |                          1

#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
  pthread_mutex_t lock;
  pthread_mutex_t lock2;
  pthread_mutex_t lock3;
  pthread_mutex_t good;
  pthread_mutex_t good2;
  pthread_mutex_t never;
  pthread_cond_t cond;
  pthread_spinlock_t spin;
  sem_t sem;
  sem_t good_sem;
  long counter;
};

static struct shared *shm;

static void *map_shared(size_t n) {
  return mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

// A helper that sets an attribute object up, but not for processes.
static void make_errorcheck_attr(pthread_mutexattr_t *a) {
  pthread_mutexattr_init(a);
  pthread_mutexattr_settype(a, PTHREAD_MUTEX_ERRORCHECK);
}

// Helpers that do it right: the attribute, or the whole lock.
static void make_shared_attr(pthread_mutexattr_t *a) {
  pthread_mutexattr_init(a);
  pthread_mutexattr_setpshared(a, PTHREAD_PROCESS_SHARED);
}
static void init_shared_mutex(pthread_mutex_t *m) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(m, &a);
  pthread_mutexattr_destroy(&a);
}

void setup(int robust) {
  shm = map_shared(sizeof *shm);

  pthread_mutex_init(&shm->lock, NULL);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'shm->lock' (pthread_mutex_t) is in memory shared between processes, but pthread_mutex_init with default attributes makes it process-private, so other processes do not see it held; initialise it with a pthread_mutexattr_t on which pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) was called (ideally also pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST)) [procshare-thread-lock-across-processes]
  // CHECK-NOTES: :[[@LINE-2]]:3: warning: 'shm->lock' (pthread_mutex_t)
  // CHECK-NOTES: :[[@LINE-29]]:10: note: the shared memory is mapped here

  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  if (robust)
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&shm->lock2, &a);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'shm->lock2' (pthread_mutex_t) is in memory shared between processes, but its attribute object 'a' is not made PTHREAD_PROCESS_SHARED on every path to this pthread_mutex_init, so the lock may be process-private and other processes do not see it held; initialise it with a pthread_mutexattr_t
  // CHECK-NOTES: :[[@LINE-2]]:3: warning: 'shm->lock2'
  // CHECK-NOTES: :[[@LINE-6]]:3: note: the attribute object is set up here without PTHREAD_PROCESS_SHARED
  // CHECK-NOTES: :[[@LINE-39]]:10: note: the shared memory is mapped here

  pthread_mutexattr_t e;
  make_errorcheck_attr(&e);
  pthread_mutex_init(&shm->lock3, &e);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'shm->lock3' (pthread_mutex_t) is in memory shared between processes, but its attribute object 'e' is not made PTHREAD_PROCESS_SHARED
  // CHECK-NOTES: :[[@LINE-2]]:3: warning: 'shm->lock3'
  // CHECK-NOTES: :[[@LINE-4]]:3: note: the attribute object is set up here without PTHREAD_PROCESS_SHARED
  // CHECK-NOTES: :[[@LINE-47]]:10: note: the shared memory is mapped here

  pthread_cond_init(&shm->cond, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'shm->cond' (pthread_cond_t) is in memory shared between processes, but pthread_cond_init with default attributes makes it process-private, so other processes do not see it held; initialise it with a pthread_condattr_t on which pthread_condattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) was called

  pthread_spin_init(&shm->spin, PTHREAD_PROCESS_PRIVATE);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'shm->spin' (pthread_spinlock_t) is in memory shared between processes, but pthread_spin_init with pshared 'PTHREAD_PROCESS_PRIVATE' makes it process-private, so other processes do not see it held; initialise it with pthread_spin_init(lock, PTHREAD_PROCESS_SHARED)

  sem_init(&shm->sem, 0, 1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'shm->sem' (sem_t) is in memory shared between processes, but sem_init with pshared '0' makes it process-private, so other processes do not see it held; initialise it with sem_init(sem, 1, value), or use a named semaphore (sem_open)

  // Correct: process-shared, directly or through helpers.
  pthread_mutexattr_t s;
  make_shared_attr(&s);
  pthread_mutex_init(&shm->good, &s);
  init_shared_mutex(&shm->good2);
  sem_init(&shm->good_sem, 1, 1);
}

// Locked by the workers below, but never initialised in this file.
void bump(void) {
  pthread_mutex_lock(&shm->never);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'shm->never' (pthread_mutex_t) is in memory shared between processes and is used here, but nothing in this file initialises it: zeroed memory is a process-private pthread_mutex_t with default attributes; initialise it with
  shm->counter++;
  pthread_mutex_unlock(&shm->never);
  pthread_mutex_lock(&shm->good);
  shm->counter++;
  pthread_mutex_unlock(&shm->good);
}

//===--- Locks in process-private memory ---------------------------------===//

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t done;
static pthread_mutex_t worker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t pshared_but_global;
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_lines;

void log_line(void) {
  pthread_mutex_lock(&log_lock);
  ++log_lines;
  pthread_mutex_unlock(&log_lock);
}

int child_and_parent(void) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    log_line();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'log_lock' (pthread_mutex_t) is in a global variable, so after the fork the child and the parent each use their own copy and do not exclude each other; put a process-shared lock in memory mapped MAP_SHARED before the fork (a pthread_mutex_t made PTHREAD_PROCESS_SHARED, sem_init(sem, 1, value)), use a named semaphore (sem_open), or lock a file with flock or fcntl
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: 'log_lock'
    // CHECK-NOTES: :[[@LINE-13]]:3: note: the child uses 'log_lock' here
    // CHECK-NOTES: :[[@LINE-8]]:15: note: the child is forked here
    // CHECK-NOTES: :[[@LINE+4]]:3: note: the parent uses its own copy here
    // CHECK-NOTES: :[[@LINE-24]]:24: note: 'log_lock' is declared here
    _exit(0);
  }
  log_line();
  waitpid(pid, NULL, 0);
  return 0;
}

// A private semaphore as a signal from child to parent: the parent waits
// on its own copy forever.
int signal_parent(void) {
  sem_init(&done, 0, 0);
  pid_t pid = fork();
  if (pid == 0) {
    sem_post(&done);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'done' (sem_t) is in a global variable, so after the fork the child and the parent each use their own copy
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: 'done'
    // CHECK-NOTES: :[[@LINE-5]]:15: note: the child is forked here
    // CHECK-NOTES: :[[@LINE+4]]:3: note: the parent uses its own copy here
    // CHECK-NOTES: :[[@LINE-42]]:14: note: 'done' is declared here
    _exit(0);
  }
  sem_wait(&done);
  return 0;
}

// Workers forked in a loop, each locking its own copy.
static void work(void) {
  pthread_mutex_lock(&worker_lock);
  pthread_mutex_unlock(&worker_lock);
}

void start_workers(int n) {
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      work();
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'worker_lock' (pthread_mutex_t) is in a global variable, so after the fork the child and its sibling processes each use their own copy
      // CHECK-NOTES: :[[@LINE-2]]:7: warning: 'worker_lock'
      // CHECK-NOTES: :[[@LINE-11]]:3: note: the child uses 'worker_lock' here
      // CHECK-NOTES: :[[@LINE-6]]:17: note: the child is forked here, once per iteration of the loop
      // CHECK-NOTES: :[[@LINE-63]]:24: note: 'worker_lock' is declared here
      _exit(0);
    }
  }
  while (wait(NULL) > 0)
    ;
}

// The mirror mistake: made process-shared, but in a global.
int pshared_in_private_memory(void) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&pshared_but_global, &a);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(&pshared_but_global);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'pshared_but_global' (pthread_mutex_t) is initialised process-shared but lives in a global variable, so after the fork the child and the parent each use their own copy and do not exclude each other; place it in memory mapped MAP_SHARED before the fork
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: 'pshared_but_global'
    // CHECK-NOTES: :[[@LINE-5]]:15: note: the child is forked here
    // CHECK-NOTES: :[[@LINE+5]]:3: note: the parent uses its own copy here
    // CHECK-NOTES: :[[@LINE-8]]:3: note: 'pshared_but_global' is made process-shared here
    pthread_mutex_unlock(&pshared_but_global);
    _exit(0);
  }
  pthread_mutex_lock(&pshared_but_global);
  pthread_mutex_unlock(&pshared_but_global);
  return 0;
}

// A private lock held to guard shared memory, in a child.
void guarded_by_private_lock(void) {
  if (fork() == 0) {
    pthread_mutex_lock(&guard_lock);
    shm->counter += 2;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'shm->counter' is in memory shared between processes, but the lock held here, 'guard_lock' (pthread_mutex_t), is in a global variable: every process locks its own copy, so other processes can change 'shm->counter' at the same time; put a process-shared lock
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: 'shm->counter'
    // CHECK-NOTES: :[[@LINE-98]]:24: note: 'guard_lock' is declared here
    // CHECK-NOTES: :[[@LINE-182]]:10: note: the shared memory is mapped here
    pthread_mutex_unlock(&guard_lock);
    _exit(0);
  }
}

//===--- Correct code that looks similar ---------------------------------===//

static pthread_mutex_t parent_only = PTHREAD_MUTEX_INITIALIZER;

// The child only execs; the parent locks its own lock.
int spawn(char **argv) {
  pid_t pid = fork();
  if (pid == 0) {
    execv(argv[0], argv);
    _exit(127);
  }
  pthread_mutex_lock(&parent_only);
  pthread_mutex_unlock(&parent_only);
  return pid;
}

// The parent locks only after its child has ended.
int after_wait(void) {
  pid_t pid = fork();
  if (pid == 0) {
    log_line();
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  log_line();
  return 0;
}

// Workers forked one at a time, each waited for.
void sequential_workers(int n) {
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      work();
      _exit(0);
    }
    waitpid(pid, NULL, 0);
  }
}

// Locks in shared memory, made process-shared: child and parent share them.
int shared_lock_both_sides(void) {
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(&shm->good);
    shm->counter++;
    pthread_mutex_unlock(&shm->good);
    sem_post(&shm->good_sem);
    _exit(0);
  }
  pthread_mutex_lock(&shm->good);
  pthread_mutex_unlock(&shm->good);
  sem_wait(&shm->good_sem);
  return 0;
}

// A named semaphore: the same kernel object in every process.
int named_semaphore(void) {
  sem_t *s = sem_open("/procshare-test", O_CREAT, 0600, 0);
  pid_t pid = fork();
  if (pid == 0) {
    sem_post(s);
    _exit(0);
  }
  sem_wait(s);
  return 0;
}

// flock on a file descriptor works between processes.
void file_lock(int fd) {
  if (fork() == 0) {
    flock(fd, LOCK_EX);
    shm->counter++;
    flock(fd, LOCK_UN);
    _exit(0);
  }
  flock(fd, LOCK_EX);
  flock(fd, LOCK_UN);
}

// A private lock and private memory: nothing shared to guard.
static long private_total;
void private_guard(void) {
  if (fork() == 0) {
    pthread_mutex_lock(&guard_lock);
    private_total++;
    pthread_mutex_unlock(&guard_lock);
    _exit(0);
  }
}

// Initialised process-shared with a pshared value from elsewhere: cannot tell.
void configured(struct shared *p, int pshared) {
  sem_init(&p->sem, pshared, 1);
  pthread_spin_init(&shm->spin, pshared);
}

// A child that falls into the parent's code runs it as a second copy of
// the parent: procshare-missing-child-guard's finding, not reported here.
void escaped_child(void) {
  pid_t pid = fork();
  if (pid == 0)
    private_total = 0;
  log_line();
}
