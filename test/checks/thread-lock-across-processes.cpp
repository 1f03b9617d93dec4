// RUN: %check_procshare %s procshare-thread-lock-across-processes -- -std=c++20

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <new>
#include <pthread.h>
#include <semaphore>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

namespace boost::interprocess {
// The interface of boost's process-shared mutex (the header is not needed).
class interprocess_mutex {
public:
  void lock();
  void unlock();
};
} // namespace boost::interprocess

static void *map_shared(std::size_t n) {
  return mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

struct Counters {
  std::mutex lock;
  long hits = 0;
};

struct Queue {
  int head = 0;
  struct {
    std::condition_variable ready;
  } signals;
};

struct Legacy {
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  long hits = 0;
};

struct Good {
  boost::interprocess::interprocess_mutex lock;
  std::atomic<long> hits{0};
};

struct SetUpAgain {
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  SetUpAgain() {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&lock, &a);
  }
};

void placements() {
  void *mem = map_shared(4096);
  auto *m = new (mem) std::mutex;
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'std::mutex' only works between the threads of one process, but it is placed in memory shared between processes: another process does not see it held; use a pthread_mutex_t initialised with a pthread_mutexattr_t made PTHREAD_PROCESS_SHARED (ideally also PTHREAD_MUTEX_ROBUST) in the shared mapping, or boost::interprocess::interprocess_mutex [procshare-thread-lock-across-processes]
  // CHECK-NOTES: :[[@LINE-2]]:13: warning: 'std::mutex' only works
  // CHECK-NOTES: :[[@LINE-40]]:10: note: the shared memory is mapped here
  m->lock();
  m->unlock();

  auto *c = static_cast<Counters *>(map_shared(sizeof(Counters)));
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'Counters' is placed in memory shared between processes, but its member 'lock' (std::mutex) only works between the threads of one process: another process does not see it held; use a pthread_mutex_t
  // CHECK-NOTES: :[[@LINE-2]]:13: warning: 'Counters' is placed
  // CHECK-NOTES: :[[@LINE-47]]:10: note: the shared memory is mapped here
  c->hits = 0;

  auto *q = new (map_shared(sizeof(Queue))) Queue;
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'Queue' is placed in memory shared between processes, but its member 'signals.ready' (std::condition_variable) only works between the threads of one process: another process does not see it held; use boost::interprocess::interprocess_condition, or a pthread_cond_t made PTHREAD_PROCESS_SHARED in the shared mapping
  // CHECK-NOTES: :[[@LINE-2]]:13: warning: 'Queue' is placed
  // CHECK-NOTES: :[[@LINE-53]]:10: note: the shared memory is mapped here
  q->head = 0;

  auto *l = new (map_shared(sizeof(Legacy))) Legacy;
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'Legacy' is constructed in memory shared between processes, but its member 'lock' (pthread_mutex_t) is set by a static initialiser, which makes it process-private: other processes do not see it held; initialise it with a pthread_mutexattr_t
  // CHECK-NOTES: :[[@LINE-2]]:13: warning: 'Legacy' is constructed
  // CHECK-NOTES: :[[@LINE-59]]:10: note: the shared memory is mapped here
  l->hits = 0;

  auto *s = new (map_shared(sizeof(std::counting_semaphore<4>))) std::counting_semaphore<4>(4);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'std::counting_semaphore' only works between the threads of one process, but it is placed in memory shared between processes: another process does not see it held; use sem_init(sem, 1, value) in the shared mapping, sem_open, or boost::interprocess::interprocess_semaphore
  s->release();

  // Correct: process-shared types, atomics, a class that sets its lock up
  // for processes.
  auto *g = new (map_shared(sizeof(Good))) Good;
  g->lock.lock();
  g->hits++;
  g->lock.unlock();
  auto *a = new (map_shared(sizeof(SetUpAgain))) SetUpAgain;
  (void)a;
  // Private memory: only this process's threads use these.
  auto *p = new Counters;
  p->lock.lock();
  p->lock.unlock();
}

// A global std::mutex used by a child and its parent, in a program that
// starts no thread.
static std::mutex table_lock;
static int table[16];

void update_table(int i) {
  std::lock_guard<std::mutex> guard(table_lock);
  table[i]++;
}

int fork_and_update() {
  pid_t pid = fork();
  if (pid == 0) {
    update_table(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'table_lock' (std::mutex) is in a global variable, so after the fork the child and the parent each use their own copy and do not exclude each other; put a process-shared lock
    // CHECK-NOTES: :[[@LINE-2]]:5: warning: 'table_lock' (std::mutex)
    // CHECK-NOTES: :[[@LINE-10]]:31: note: the child uses 'table_lock' here
    // CHECK-NOTES: :[[@LINE-6]]:15: note: the child is forked here
    // CHECK-NOTES: :[[@LINE+6]]:3: note: the parent uses its own copy here
    // CHECK-NOTES: :[[@LINE-17]]:19: note: 'table_lock' is declared here
    _exit(0);
  }
  if (pid < 0)
    return -1;
  update_table(2);
  int status;
  waitpid(pid, &status, 0);
  return 0;
}
