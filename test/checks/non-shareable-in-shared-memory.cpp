// RUN: %check_procshare %s procshare-non-shareable-in-shared-memory -- -std=c++17

#include <atomic>
#include <cstdint>
#include <map>
#include <new>
#include <string>
#include <sys/mman.h>
#include <vector>

struct Stats {
  std::string Name;
  std::atomic<long> Hits;
};

struct Big {
  char Bytes[64];
};

struct Shape {
  virtual ~Shape();
  double Area = 0;
};

struct Plain {
  std::atomic<std::int64_t> Counter;
  char Name[32];
  double Values[8];
};

void *mapShared(std::size_t N) {
  return mmap(nullptr, N, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

// ---- Positives -------------------------------------------------------------

void positives() {
  void *Mem = mapShared(4096);
  auto *S = new (Mem) Stats();
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'Stats' is placed in memory shared between processes, but its member 'Name' (std::basic_string<char>) keeps its contents on the heap of the process that filled it, which other processes cannot see (each has its own copy of the heap); use fixed-size arrays, or boost::interprocess containers with a shared-memory allocator [procshare-non-shareable-in-shared-memory]
  auto *V = static_cast<std::vector<int> *>(mapShared(4096));
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'std::vector<int>' is placed in memory shared between processes, but it keeps its contents on the heap
  auto *A = new (mapShared(4096)) std::atomic<Big>();
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'std::atomic<Big>' is placed in memory shared between processes, but it is not lock-free, so the library guards it with a lock in process-private memory
  auto *P = new (mapShared(4096)) Shape();
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'Shape' is placed in memory shared between processes, but it has a vtable pointer
  (void)S;
  (void)V;
  (void)A;
  (void)P;
}

// ---- Negatives -------------------------------------------------------------

void negatives() {
  auto *P = new (mapShared(4096)) Plain();
  P->Counter.fetch_add(1);
  // Library containers on the private heap are fine.
  std::map<int, std::string> Local;
  auto *Heap = new Stats();
  delete Heap;
  (void)Local;
}
