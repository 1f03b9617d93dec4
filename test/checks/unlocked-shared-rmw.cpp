// RUN: %check_procshare %s procshare-unlocked-shared-rmw -- -std=c++17

#include <atomic>
#include <mutex>
#include <new>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct Board {
  long score;
  long moves;
  std::atomic<long> atomic_score;
  pthread_mutex_t lock;
};

static void *map_shared(size_t n) {
  return mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

Board *board = new (map_shared(sizeof(Board))) Board(); // placement new
std::mutex local_mutex; // not shared, but a lock nevertheless

// ---- Positives -------------------------------------------------------------

void play() {
  board->score += 10;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'board->score' is in memory shared between processes and is updated by a non-atomic read-modify-write with no lock held
}

void deferred() {
  std::unique_lock<std::mutex> g(local_mutex, std::defer_lock);
  board->moves++; // not locked yet
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'board->moves' is in memory shared between processes
  g.lock();
  board->moves++;
}

void unlocked_early() {
  std::unique_lock<std::mutex> g(local_mutex);
  board->moves++;
  g.unlock();
  board->moves = board->moves * 2;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'board->moves' is in memory shared between processes
}

// ---- Negatives -------------------------------------------------------------

void guards() {
  {
    std::lock_guard<std::mutex> g(local_mutex);
    board->score++;
  }
  {
    std::scoped_lock g(local_mutex);
    board->score++;
  }
  {
    std::unique_lock<std::mutex> g(local_mutex);
    board->score++;
  }
  local_mutex.lock();
  board->score++;
  local_mutex.unlock();
  board->atomic_score++;
  board->atomic_score.fetch_add(1);
}

class ShmGuard { // a project's RAII lock
public:
  explicit ShmGuard(pthread_mutex_t *m) : m_(m) { pthread_mutex_lock(m_); }
  ~ShmGuard() { pthread_mutex_unlock(m_); }

private:
  pthread_mutex_t *m_;
};

void project_guard() {
  ShmGuard g(&board->lock);
  board->score--;
}

class __attribute__((capability("mutex"))) Lock {
public:
  void acquire() __attribute__((acquire_capability()));
  void release() __attribute__((release_capability()));
};
Lock board_lock;

void annotated() {
  board_lock.acquire();
  board->moves += 3;
  board_lock.release();
}

void requires_lock() __attribute__((requires_capability(board_lock)));
void requires_lock() { board->moves -= 1; }

int main() {
  if (fork() == 0) {
    play();
    _exit(0);
  }
  wait(nullptr);
  return 0;
}
