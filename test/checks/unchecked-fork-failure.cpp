// RUN: %check_procshare %s procshare-unchecked-fork-failure -- -std=c++17

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

void work();

class Supervisor {
public:
  void start() {
    Pid = fork();
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'Pid' keeps the result of 'fork' without a check for -1, and it is later given to 'kill'
    if (Pid == 0) {
      work();
      _exit(0);
    }
  }
  void stop() { ::kill(Pid, SIGTERM); }

  void startChecked() {
    Other = fork();
    if (Other == -1)
      throw 1;
    if (Other == 0)
      _exit(0);
  }
  void stopChecked() { ::kill(Other, SIGTERM); }

private:
  pid_t Pid = 0;
  pid_t Other = 0;
};

void pool(int N) {
  std::vector<pid_t> Pids;
  for (int I = 0; I < N; ++I) {
    pid_t P = fork();
    if (P == 0) {
      work();
      _exit(0);
    }
    Pids.push_back(P);
    kill(P, SIGCONT);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'kill' may be given -1 from a failed 'fork': it then acts on every process the user may signal
  }
}

void poolChecked(int N) {
  for (int I = 0; I < N; ++I) {
    pid_t P = fork();
    if (P < 0)
      break;
    if (P == 0)
      _exit(0);
    kill(P, SIGCONT);
  }
}
