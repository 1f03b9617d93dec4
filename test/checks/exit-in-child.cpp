// RUN: %check_procshare %s procshare-exit-in-child -- -std=c++17

#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

struct Logger {
  ~Logger() { std::fputs("flushing the log\n", stdout); }
};
static Logger TheLogger; // its destructor runs at exit, in every process

void work();

// ---- Positives -------------------------------------------------------------

void child_std_exit() {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    std::exit(0);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'exit' in the child created by 'fork' runs the atexit handlers and static destructors inherited from the parent and flushes the stdio buffers copied from it; end the child with _exit() [procshare-exit-in-child]
  }
  waitpid(pid, nullptr, 0);
}

class Server {
public:
  void spawnWorker() {
    pid_t pid = fork();
    if (pid == 0) {
      serve();
      exit(1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'exit' in the child created by 'fork' runs the atexit handlers and static destructors inherited
    }
    Children.push_back(pid);
  }

private:
  void serve();
  std::basic_string<pid_t> Children;
};

int main() {
  pid_t pid = fork();
  if (pid > 0) {
    waitpid(pid, nullptr, 0);
    return 0;
  }
  work();
  // CHECK-MESSAGES: :[[@LINE+1]]:1: warning: reaching the end of main in the child created by 'fork' runs the atexit handlers and static destructors inherited from the parent and flushes the stdio buffers copied from it; end the child with _exit() [procshare-exit-in-child]
}

// ---- Negatives -------------------------------------------------------------

void child_underscore_exit() {
  pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  waitpid(pid, nullptr, 0);
}

void std_Exit_in_child() {
  if (fork() == 0) {
    work();
    std::_Exit(0);
  }
}

// Daemonization: only the child carries on.
void daemon_then_exit() {
  pid_t pid = fork();
  if (pid != 0)
    std::exit(pid < 0);
  setsid();
  work();
  std::exit(0);
}
