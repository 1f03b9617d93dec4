// RUN: %check_procshare %s procshare-unsafe-call-in-threaded-child -- -std=c++17

#include <cstdio>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

void serve();

void launch(const std::string &Cmd) {
  std::thread Poller(serve);
  Poller.detach();
  pid_t Pid = fork();
  if (Pid == 0) {
    std::string Line = "exec " + Cmd;
    // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'std::operator+' is not async-signal-safe, but the child of a process with threads
    // CHECK-NOTES: :[[@LINE-2]]:24: warning: 'std::operator+' is not
    // CHECK-NOTES: :[[@LINE-7]]:15: note: a thread may have been started here before the fork
    execl("/bin/sh", "sh", "-c", Line.c_str(), nullptr);
    _exit(127);
  }
}

void launchVector() {
  std::thread Poller(serve);
  if (fork() == 0) {
    std::vector<int> Fds;
    Fds.push_back(3);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::vector::push_back' is not async-signal-safe
    auto *Buffer = new char[64];
    _exit(Buffer != nullptr);
  }
  Poller.join();
}

// Negatives: joined before the fork, and a child that only execs.
void joined() {
  std::thread T(serve);
  T.join();
  if (fork() == 0) {
    std::string S = "fine: no other thread";
    _exit(S.empty());
  }
}

void prepared(const std::string &Cmd) {
  std::thread Poller(serve);
  std::string Line = "exec " + Cmd;
  const char *Arg = Line.c_str();
  if (fork() == 0) {
    execl("/bin/sh", "sh", "-c", Arg, nullptr);
    _exit(127);
  }
  Poller.join();
}
