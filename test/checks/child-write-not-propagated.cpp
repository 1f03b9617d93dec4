// RUN: %check_procshare %s procshare-child-write-not-propagated -- -std=c++17

#include <atomic>
#include <cstdio>
#include <map>
#include <string>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

// ---- Positives -------------------------------------------------------------

class Server {
public:
  int handled = 0;
  std::vector<std::string> log;

  void serve_one() {
    pid_t pid = fork();
    if (pid == 0) {
      ++handled;
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the child created by 'fork' writes 'handled', which the parent reads after waiting
      log.push_back("child");
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the child created by 'fork' writes 'log', which the parent reads after waiting
      _exit(0);
    }
    waitpid(pid, nullptr, 0);
    std::printf("%d handled, %zu logged\n", handled, log.size());
  }
};

int lambda_captures_by_reference() {
  int hits = 0;
  auto work = [&] { hits += 1; };
  pid_t pid = fork();
  if (pid == 0) {
    work();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes 'hits' in a lambda, which the parent reads after waiting
    _exit(0);
  }
  waitpid(pid, nullptr, 0);
  return hits;
}

std::map<int, std::string> names;

pid_t spawn() { return fork(); } // a wrapper: its caller branches on the pid

void map_in_child() {
  pid_t pid = spawn();
  if (pid == 0) {
    names[1] = "one";
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'spawn' writes 'names[]', which the parent reads after waiting
    _exit(0);
  }
  waitpid(pid, nullptr, 0);
  std::printf("%zu\n", names.size());
}

struct Job {
  std::string output;
};

void object_before_fork() {
  Job job;
  switch (fork()) {
  case 0:
    job.output = "done";
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' writes 'job.output', which the parent reads after waiting
    _exit(0);
  default:
    wait(nullptr);
    std::puts(job.output.c_str());
  }
}

// ---- Negatives -------------------------------------------------------------

struct Shared {
  std::atomic<int> count;
};

int atomic_in_shared_mapping() {
  void *mem = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  Shared *s = new (mem) Shared();
  if (fork() == 0) {
    s->count.fetch_add(1);
    _exit(0);
  }
  wait(nullptr);
  return s->count.load();
}

int threads_share_memory() {
  int total = 0;
  std::thread t([&] { total += 1; });
  t.join();
  return total;
}

int child_local_only() {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<int> mine{1, 2, 3};
    mine.push_back(4);
    _exit(static_cast<int>(mine.size()));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WEXITSTATUS(status);
}

class Logger {
public:
  int pid_tag = 0;
  void line(const char *msg) { std::printf("[%d] %s\n", pid_tag, msg); }
  void fork_worker() {
    if (fork() == 0) {
      pid_tag = getpid(); // the child's own identity
      line("worker up");
      _exit(0);
    }
    wait(nullptr);
    line("worker done"); // the helper both processes call reads its own copy
  }
};
