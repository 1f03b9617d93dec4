// RUN: %check_procshare %s procshare-missing-child-guard -- -std=c++17

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

// ---- Static initialisation: the cousin of code at a module's top level -----

static pid_t early = fork();
// CHECK-MESSAGES: :[[@LINE-1]]:22: warning: 'fork' runs before main() in every program that links this code, because it is reached from the initialiser of 'early'; fork from main() or from an explicit start-up call instead [procshare-missing-child-guard]

struct Spawner {
  pid_t pid;
  Spawner() {
    pid = fork();
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'fork' runs before main() in every program that links this code, because it is reached from the initialiser of 'global_spawner'
    if (pid == 0)
      _exit(0);
  }
};
Spawner global_spawner;
// CHECK-NOTES: :[[@LINE-1]]:9: note: 'global_spawner' is initialised here, during static initialisation

__attribute__((constructor)) static void at_load() {
  if (fork() == 0)
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'fork' runs before main() in every program that links this code, because 'at_load' is a constructor function
    _exit(0);
}

// ---- Positives -------------------------------------------------------------

class Server {
public:
  int handled = 0;
  std::vector<int> log;

  void serve_one() {
    pid_t pid = fork();
    if (pid == 0) {
      log.push_back(1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the child created by 'fork' leaves its branch here and runs code the parent runs
    }
    waitpid(pid, nullptr, 0);
    ++handled;
  }

  void prefork(int n) {
    for (int i = 0; i < n; ++i) {
      if (fork() == 0) {
        // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: the child created by 'fork' stays in the loop and forks again
        handled += i;
        continue;
      }
    }
  }
};

template <typename T> void templated(T value) {
  if (fork() == 0) {
    std::printf("%d\n", static_cast<int>(value));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' leaves its branch here
  }
  wait(nullptr);
}
template void templated<int>(int);
template void templated<long>(long);

void lambda_child_falls_out() {
  auto child = [] { std::puts("child work"); };
  if (fork() == 0) {
    child();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' leaves its branch here
  }
  wait(nullptr);
}

bool run_and_report() {
  pid_t p = fork();
  if (p == 0) {
    std::puts("child");
    return true;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' returns from 'run_and_report' and runs its caller's code
  }
  int status = 0;
  waitpid(p, &status, 0);
  return status == 0;
}

// ---- Negatives -------------------------------------------------------------

void lambda_child_exits() {
  auto child = [](int code) {
    std::puts("child work");
    std::_Exit(code);
  };
  pid_t p = fork();
  if (p == 0)
    child(3);
  waitpid(p, nullptr, 0);
}

void std_exit_in_child() {
  if (fork() == 0) {
    std::puts("child");
    std::exit(0); // ends the child (procshare-exit-in-child has views on exit)
  }
  wait(nullptr);
}

void throw_in_child() {
  if (fork() == 0)
    throw std::runtime_error("child");
  wait(nullptr);
}

class Worker {
  pid_t pid_ = -1;

public:
  // Keeps the pid in a member for its caller: start() returns in both.
  void start() {
    pid_ = fork();
    if (pid_ == 0)
      return;
    std::puts("parent");
  }
  bool is_child() const { return pid_ == 0; }
};

void uses_worker() {
  Worker w;
  w.start();
  if (w.is_child())
    _exit(0);
}

void threads_are_not_processes() {
  int shared = 0;
  std::thread t([&] { shared++; });
  t.join();
}

struct Pipeline {
  std::function<void()> stage;
  void run() {
    pid_t p = fork();
    switch (p) {
    case -1:
      throw std::runtime_error("fork");
    case 0:
      stage();
      _exit(0);
    default:
      waitpid(p, nullptr, 0);
    }
  }
};

pid_t spawn(const std::string &cmd) {
  pid_t p = fork();
  if (p == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char *>(nullptr));
    _exit(127);
  }
  return p;
}

int main() {
  Server s;
  s.serve_one();
  pid_t p = spawn("true");
  waitpid(p, nullptr, 0);
  return 0;
}

// A mode tested before the fork still holds after it, so the child takes its
// guard; unless a lambda that captures the mode by reference may change it.
static int rounds;
void mode_kept(bool forkit) {
  auto show = [&] { std::printf("%d\n", int(forkit)); };
  pid_t p = 0;
  if (forkit) {
    p = fork();
    if (p < 0)
      std::exit(1);
  }
  show();
  if (p == 0 && forkit)
    _exit(0);
  rounds++;
  if (p > 0)
    waitpid(p, nullptr, 0);
}
void mode_changed_by_lambda(bool forkit) {
  auto off = [&] { forkit = false; };
  pid_t p = 0;
  if (forkit) {
    p = fork();
    if (p < 0)
      std::exit(1);
  }
  off();
  if (p == 0 && forkit)
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the child created by 'fork' leaves its branch here and runs code the parent runs
    _exit(0);
  rounds++;
  if (p > 0)
    waitpid(p, nullptr, 0);
}
