// RUN: %check_procshare %s procshare-unflushed-stdio-before-fork -- -std=c++17

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sys/wait.h>
#include <unistd.h>

void work();

// ---- Positives -------------------------------------------------------------

void cout_then_fork() {
  std::cout << "starting " << 4 << " workers\n";
  pid_t pid = fork();
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: output written to 'stdout' may still be buffered when 'fork' copies the process; the child flushes its copy too, so it is written twice when 'stdout' is a pipe or a file; call fflush(NULL) before 'fork' [procshare-unflushed-stdio-before-fork]
  if (pid == 0) {
    work();
    std::exit(0);
  }
  waitpid(pid, nullptr, 0);
}

class Journal {
public:
  explicit Journal(const char *Path) : Out(Path) {}
  void record() {
    Out << "entry\n";
    if (fork() == 0) {
      // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: output written to 'Out' may still be buffered when 'fork' copies the process; the child flushes its copy too, so it is written twice when 'Out' is a pipe or a file
      Out << "child\n";
      Out.flush();
      _exit(0);
    }
  }

private:
  std::ofstream Out;
};

// ---- Negatives -------------------------------------------------------------

void endl_flushes() {
  std::cout << "starting" << std::endl;
  if (fork() == 0)
    std::exit(0);
}

void flush_manipulator() {
  std::cout << "starting" << std::flush;
  if (fork() == 0)
    std::exit(0);
}

void cerr_is_unbuffered() {
  std::cerr << "starting\n";
  std::clog << "starting\n";
  if (fork() == 0)
    std::exit(0);
}

void string_stream_is_memory() {
  std::string S = "not a stream";
  std::cout.flush();
  if (fork() == 0)
    std::exit(S.empty());
}

void child_never_flushes() {
  std::cout << "starting\n";
  if (fork() == 0) {
    work();
    _exit(0);
  }
}
