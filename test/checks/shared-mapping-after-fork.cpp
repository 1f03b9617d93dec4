// RUN: %check_procshare %s procshare-shared-mapping-after-fork -- -std=c++17

#include <cstdio>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

class Worker {
public:
  void start() {
    Pid = fork();
    if (Pid == 0) {
      if (socketpair(AF_UNIX, SOCK_STREAM, 0, Channel) != 0)
        // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'socketpair' makes a socket pair in the child after 'fork', so the parent does not have it: each process gets its own; make it before 'fork' and let the child inherit it [procshare-shared-mapping-after-fork]
        _exit(1);
      serve();
      _exit(0);
    }
    if (Pid > 0)
      send(Channel[0], "job", 3, 0);
  }

  // Correct: the mapping and the channel exist before the fork.
  void startPrepared() {
    Stats = static_cast<long *>(
        mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    if (Stats == MAP_FAILED || socketpair(AF_UNIX, SOCK_STREAM, 0, Channel) != 0)
      return;
    Pid = fork();
    if (Pid == 0) {
      *Stats = 1;
      serve();
      _exit(0);
    }
    if (Pid > 0) {
      send(Channel[0], "job", 3, 0);
      waitpid(Pid, nullptr, 0);
      std::printf("%ld\n", *Stats);
    }
  }

private:
  void serve();
  pid_t Pid = 0;
  int Channel[2] = {-1, -1};
  long *Stats = nullptr;
};
