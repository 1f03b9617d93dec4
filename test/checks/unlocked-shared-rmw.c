// RUN: %check_procshare %s procshare-unlocked-shared-rmw -- -std=gnu11 -D_GNU_SOURCE
// Fix-its: __atomic_fetch_add/_sub when the result is unused.
// RUN: not %procshare --quiet --checks='-*,procshare-unlocked-shared-rmw' %s -- -std=gnu11 -D_GNU_SOURCE | FileCheck %s --check-prefix=FIX
// FIX: {{^}}      |   __atomic_fetch_add(&st->hits, 1, __ATOMIC_SEQ_CST)
// FIX: {{^}}      |     __atomic_fetch_add(&*counter, 2, __ATOMIC_SEQ_CST)
// FIX: {{^}}      |   __atomic_fetch_sub(&(*counter), 1, __ATOMIC_SEQ_CST)
// FIX-NOT: __atomic_fetch_add(&a
// FIX: {{^}}      |   __atomic_fetch_add(&s->misses, 1, __ATOMIC_SEQ_CST)
// RUN: %check_procshare %s procshare-unlocked-shared-rmw --extra-prefix=CHECK-RULES --config="{CheckOptions: {RulesFile: '%S/Inputs/lock-rules.json'}}" -- -std=gnu11 -D_GNU_SOURCE -DWITH_RULES

#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>
#include <signal.h>

struct stats {
  long hits;
  long misses;
  int ready;
  pthread_mutex_t lock;
  pthread_spinlock_t spin;
  pthread_rwlock_t rw;
  sem_t sem;
  _Atomic long atomic_hits;
};

static struct stats *st;      // a global assigned a shared mapping below
static int *private_counter;  // malloc'd: process-private

void *shm_alloc(size_t n);    // the project's allocator (rules: shared_alloc)
void shm_lock(void);          // the project's lock wrapper (rules: lock)
void shm_unlock(void);

static void setup(void) {
  st = mmap(NULL, sizeof *st, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  private_counter = malloc(sizeof *private_counter);
  st->hits = 0; // single-process initialisation: setup() runs before the fork
}

// ---- Positives: provenance paths -------------------------------------------

void through_global(void) {
  st->hits++;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'st->hits' is in memory shared between processes and is updated by a non-atomic read-modify-write with no lock held, so another process's update can be lost; use __atomic_fetch_add or a lock-free std::atomic/_Atomic in the mapping, or hold a PTHREAD_PROCESS_SHARED mutex or a process-shared semaphore [procshare-unlocked-shared-rmw]
  // CHECK-NOTES: :[[@LINE-2]]:3: warning: 'st->hits' is in memory shared
  // CHECK-NOTES: :[[@LINE-11]]:8: note: the shared memory is mapped here
}

int child_updates(void) {
  int *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  *counter = 0; // before the fork: one process
  pid_t p = fork();
  if (p == 0) {
    *counter += 2;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: '*counter' is in memory shared between processes and is updated by a non-atomic read-modify-write
    _exit(0);
  }
  (*counter)--;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: '*counter' is in memory shared between processes
  waitpid(p, NULL, 0);
  return *counter;
}

void flags_in_variable(void) {
  int flags = MAP_SHARED | MAP_ANONYMOUS;
  long *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (fork() == 0) {
    a[3] = a[3] + 1;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'a[]' is in memory shared between processes
    _exit(0);
  }
}

void sysv_and_arithmetic(int id) {
  char *base = shmat(id, NULL, 0);
  struct stats *s = (struct stats *)(base + 64);
  s->misses += 1;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 's->misses' is in memory shared between processes
}

static struct stats *mapped(void) {
  return mmap(NULL, sizeof(struct stats), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
              -1, 0);
}

static void bump(struct stats *s) { s->hits++; }
// CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 's->hits' is in memory shared between processes

void through_return_and_parameter(void) {
  struct stats *s = mapped();
  bump(s);
  bump(mapped());
}

static void bump_either(struct stats *s) { s->hits++; } // callers disagree

void mixed_callers(void) {
  struct stats local = {0};
  bump_either(mapped());
  bump_either(&local);
}

struct holder { struct stats *shared; } holder;

void through_field(void) {
  holder.shared = mapped();
}

void uses_field(void) {
  if (!holder.shared->ready)
    holder.shared->ready = 1;
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'holder.shared->ready' is in memory shared between processes and is updated by a non-atomic test-then-set
  // A reset is not a claim: clearing what was set (fio's cleanup of a
  // job's file list) is not reported.
  if (holder.shared->ready)
    holder.shared->ready = 0;
}

#ifdef WITH_RULES
void project_allocator(void) {
  long *n = shm_alloc(sizeof *n);
  (*n)++;
  // CHECK-RULES: :[[@LINE-1]]:3: warning: '*n' is in memory shared between processes
}

void project_lock(void) {
  shm_lock();
  st->misses++; // held: the project's lock wrapper
  shm_unlock();
}
#endif

// A helper that runs a callback in a child and does not wait for it: the
// children of several calls run at once.
static pid_t run_in_background(void (*fn)(void)) {
  pid_t pid = fork();
  if (pid == 0) {
    fn();
    _exit(0);
  }
  return pid;
}
static void count_hit_in_background(void) {
  st->hits++;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'st->hits' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
}
void start_background_counters(void) {
  setup();
  run_in_background(count_hit_in_background);
  run_in_background(count_hit_in_background);
}

// ---- Negatives ---------------------------------------------------------------

void private_memory(void) {
  (*private_counter)++;
  int *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  p[0]++;
  static int local_static;
  local_static++;
}

void atomics(void) {
  st->atomic_hits++;
  __atomic_fetch_add(&st->hits, 1, __ATOMIC_SEQ_CST);
  __sync_fetch_and_add(&st->misses, 1);
  atomic_fetch_add(&st->atomic_hits, 1);
}

void mutex(void) {
  pthread_mutex_lock(&st->lock);
  st->hits++;
  pthread_mutex_unlock(&st->lock);
}

void mutex_trylock(void) {
  if (pthread_mutex_trylock(&st->lock) == 0) {
    st->hits++;
    pthread_mutex_unlock(&st->lock);
  }
  if (pthread_mutex_trylock(&st->lock) != 0)
    return;
  st->misses--;
  pthread_mutex_unlock(&st->lock);
}

void trylock_failure_branch(void) {
  if (pthread_mutex_trylock(&st->lock)) {
    st->hits++; // the lock was NOT taken here
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'st->hits' is in memory shared between processes
    return;
  }
  pthread_mutex_unlock(&st->lock);
}

void after_unlock(void) {
  pthread_mutex_lock(&st->lock);
  st->hits++;
  pthread_mutex_unlock(&st->lock);
  st->misses++;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'st->misses' is in memory shared between processes
}

void rwlock_spin_sem(void) {
  pthread_rwlock_wrlock(&st->rw);
  st->hits++;
  pthread_rwlock_unlock(&st->rw);
  pthread_spin_lock(&st->spin);
  st->hits++;
  pthread_spin_unlock(&st->spin);
  sem_wait(&st->sem);
  st->hits++;
  sem_post(&st->sem);
}

void file_locks(int fd) {
  flock(fd, LOCK_EX);
  st->hits++;
  flock(fd, LOCK_UN);
  lockf(fd, F_LOCK, 0);
  st->hits++;
  lockf(fd, F_ULOCK, 0);
  struct flock fl = {0};
  fl.l_type = F_WRLCK;
  fcntl(fd, F_SETLKW, &fl);
  st->hits++;
  fl.l_type = F_UNLCK;
  fcntl(fd, F_SETLK, &fl);
  st->misses++;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'st->misses' is in memory shared between processes
}

static void lock_stats(void) { pthread_mutex_lock(&st->lock); }
static void unlock_stats(void) { pthread_mutex_unlock(&st->lock); }

void lock_wrappers_in_this_file(void) {
  lock_stats();
  st->hits++;
  unlock_stats();
}

static void count_locked(void) { st->hits++; } // every caller holds the lock

void caller_holds_lock(void) {
  pthread_mutex_lock(&st->lock);
  count_locked();
  pthread_mutex_unlock(&st->lock);
}

// A recursive helper called with the lock held, which calls itself with the
// lock still held: held on entry whichever function is looked at first.
static void count_down_locked(int n) {
  st->hits++;
  if (n > 0)
    count_down_locked(n - 1);
}

void caller_holds_lock_recursive(void) {
  pthread_mutex_lock(&st->lock);
  count_down_locked(3);
  pthread_mutex_unlock(&st->lock);
}

// nginx's ngx_http_file_cache_delete: called with the lock held, it drops
// the lock around slow work and takes it back.
static void delete_entry(long size) {
  st->hits -= size;
  pthread_mutex_unlock(&st->lock);
  usleep(10);
  pthread_mutex_lock(&st->lock);
  st->misses--;
}

void expire(void) {
  pthread_mutex_lock(&st->lock);
  for (int i = 0; i < 3; i++) {
    delete_entry(i);
    st->misses++; // still held: delete_entry took it back
  }
  pthread_mutex_unlock(&st->lock);
}

void file_mapping(int fd) {
  long *persisted = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  persisted[0]++; // this file forks, so other processes may share the mapping
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'persisted[]' is in memory shared between processes
}

void init_before_fork(void) {
  long *n = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  *n += 10; // only one process exists yet
  if (fork() == 0)
    _exit(0);
  wait(NULL);
}

// A helper that runs a callback in a child and returns once the child ended
// (stress-ng's stress_oomable_child): the child runs alone, its parent
// waiting, so its update loses nothing.
static int run_alone(void (*fn)(void)) {
  int status = 0;
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    fn();
    _exit(0);
  }
  waitpid(pid, &status, 0);
  return status;
}
static void count_miss_alone(void) { st->misses++; }

// Children one at a time, each waited for before the next fork: no two
// processes update the counter at once.
static void sequential_children(void) {
  for (int i = 0; i < 4; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      st->hits++;
      _exit(0);
    }
    if (pid > 0)
      waitpid(pid, NULL, 0);
  }
}

// Still reported: the parent writes the shared memory before it waits.
static void parent_writes_before_waiting(void) {
  pid_t pid = fork();
  if (pid == 0) {
    st->misses++;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'st->misses' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
    _exit(0);
  }
  st->ready = 1;
  if (pid > 0)
    waitpid(pid, NULL, 0);
}

// One child per round, killed and waited for at the end of the round: what the parent updates at the top of a round
// or after the wait comes after the last child ended; what it updates
// while the child runs races with the child.
static void child_per_round(void) {
  for (int i = 0; i < 4; i++) {
    st->hits++;
    pid_t pid = fork();
    if (pid == 0) {
      st->misses++;
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'st->misses' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
      _exit(0);
    }
    st->misses += 2;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'st->misses' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
    }
    st->hits += 3;
  }
}

// Still reported: the wait is for the first child; the second still runs.
static void waits_for_another_child(void) {
  pid_t first = fork();
  if (first == 0)
    _exit(0);
  pid_t second = fork();
  if (second == 0) {
    st->hits++;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'st->hits' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
    _exit(0);
  }
  waitpid(first, NULL, 0);
  st->hits++;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'st->hits' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
  waitpid(second, NULL, 0);
}

// A wait with WNOHANG returns at once while the child runs: it orders
// nothing, and the two updates race. After the blocking wait the child ran
// alone: neither update is reported.
static void polls_for_child(void) {
  pid_t pid = fork();
  if (pid == 0) {
    st->hits++;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'st->hits' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
    _exit(0);
  }
  int status;
  (void)waitpid(pid, &status, WNOHANG);
  st->hits++;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'st->hits' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
}
static void blocks_for_child(void) {
  pid_t pid = fork();
  if (pid == 0) {
    st->misses++;
    _exit(0);
  }
  int status;
  (void)waitpid(pid, &status, 0);
  st->misses++;
}

// A try-lock under a branch-prediction hint holds the lock on its success
// edge as without the hint.
void hinted_trylock(void) {
  if (fork() == 0) {
    if (__builtin_expect(pthread_mutex_trylock(&st->lock) == 0, 1)) {
      st->hits++;
      pthread_mutex_unlock(&st->lock);
    }
    _exit(0);
  }
}

// Code after a call that never returns runs in no process (stress-ng's
// "should never get here" counters after shim_exit_group()).
static void give_up(int code) { _exit(code); }
void child_gives_up(void) {
  if (fork() == 0) {
    give_up(1);
    st->hits++;
  }
}

// Each instance maps its own statistics after it was forked (stress-ng's
// stressors, each run in an instance process of its own): the other
// instances hold their own mapping, and only the children an instance forks
// after mapping share it. A child run alone by a helper that waits updates
// the instance's mapping alone.
static long *instance_stats;
static void instance_child(void) { instance_stats[0]++; }
static void instance(void) {
  instance_stats = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (instance_stats == MAP_FAILED)
    return;
  instance_stats[1]++; // no process but this one holds the mapping yet
  run_alone(instance_child);
  instance_stats[1] += 2; // the child has ended
}
void start_instances(void) {
  for (int i = 0; i < 4; i++)
    if (fork() == 0) {
      instance();
      _exit(0);
    }
  while (wait(NULL) > 0)
    ;
}

// Still reported: a helper that runs the callback in several children at
// once, and only then waits for them, runs it beside itself.
static void run_in_parallel(void (*fn)(void), int n) {
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      fn();
      _exit(0);
    }
  }
  while (wait(NULL) > 0)
    ;
}
static long *parallel_stats;
static void parallel_child(void) {
  parallel_stats[0]++;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'parallel_stats[]' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
}
void start_parallel(void) {
  parallel_stats = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (parallel_stats != MAP_FAILED)
    run_in_parallel(parallel_child, 4);
}

// A recursive walk in a child that runs alone (stress-ng's syscall_permute):
// the recursive calls run where the first one does.
static long *tries;
static void permute(int depth) {
  tries[depth]++;
  if (depth < 3)
    permute(depth + 1);
}
static void permute_child(void) { permute(0); }
static void permuting_instance(void) {
  tries = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (tries == MAP_FAILED)
    return;
  run_alone(permute_child);
}
void start_permuting_instances(void) {
  for (int i = 0; i < 4; i++)
    if (fork() == 0) {
      permuting_instance();
      _exit(0);
    }
}

// A round that forks a child only sometimes, and kills and waits for it at
// the end of the round when it did (stress-ng's mmaptorture): the next
// round's updates come after the wait; those between the fork and the kill
// race with the child.
int coin(void);
static long *torture_stats;
static void torture_child(void) {
  do {
    pid_t pid = -1;
    torture_stats[0]++;
    if (coin()) {
      pid = fork();
      if (pid == 0) {
        torture_stats[1]++;
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'torture_stats[]' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
        _exit(0);
      }
    }
    if (pid > 0)
      torture_stats[1]++;
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'torture_stats[]' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
    }
  } while (coin());
}
static void torture_instance(void) {
  torture_stats = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (torture_stats != MAP_FAILED)
    run_alone(torture_child);
}
void start_torture_instances(void) {
  for (int i = 0; i < 4; i++)
    if (fork() == 0) {
      torture_instance();
      _exit(0);
    }
}

// Still reported: an instance's own child runs beside it, both holding the
// mapping the instance made before that fork.
static void instance_with_child(void) {
  long *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid_t pid = fork();
  if (pid == 0) {
    s[0]++;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 's[]' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
    _exit(0);
  }
  s[0]++;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 's[]' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
  if (pid > 0)
    waitpid(pid, NULL, 0);
}
void start_instances_with_children(void) {
  for (int i = 0; i < 4; i++)
    if (fork() == 0) {
      instance_with_child();
      _exit(0);
    }
}

// Still reported: a mapping made once and kept, by an allocator that caches
// it or by a lazy initialisation, is the one the first call made before the
// forks; every worker updates that same mapping.
static long *cached, *lazy;
static long *cached_stats(void) {
  if (!cached)
    cached = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return cached;
}
static void bump_cached(void) {
  long *c = cached_stats();
  c[0]++;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'c[]' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
}
static void bump_lazy(void) {
  if (!lazy)
    lazy = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  lazy[0]++;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'lazy[]' is in memory shared between processes{{.*}}[procshare-unlocked-shared-rmw]
}
void cached_workers(void) {
  cached_stats();
  bump_lazy();
  for (int i = 0; i < 4; i++)
    if (fork() == 0) {
      bump_cached();
      bump_lazy();
      _exit(0);
    }
}

int main(void) {
  setup();
  sequential_children();
  parent_writes_before_waiting();
  child_per_round();
  waits_for_another_child();
  polls_for_child();
  blocks_for_child();
  return run_alone(count_miss_alone);
}
