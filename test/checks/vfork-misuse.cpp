// RUN: %check_procshare %s procshare-vfork-misuse -- -std=c++17

#include <string>
#include <sys/wait.h>
#include <unistd.h>

void run(const std::string &Cmd) {
  pid_t Pid = vfork();
  if (Pid == 0) {
    std::string Shell = "/bin/sh";
    // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: the child of 'vfork' allocates, constructs or throws in memory it borrows from the parent; call only exec*() and _exit() there, or use posix_spawn() [procshare-vfork-misuse]
    execl(Shell.c_str(), "sh", "-c", Cmd.c_str(), nullptr);
    _exit(127);
  }
  waitpid(Pid, nullptr, 0);
}

void runPrepared(const std::string &Cmd) {
  std::string Shell = "/bin/sh"; // prepared before the vfork: fine
  const char *Path = Shell.c_str(), *Arg = Cmd.c_str();
  pid_t Pid = vfork();
  if (Pid == 0) {
    execl(Path, "sh", "-c", Arg, nullptr);
    _exit(127);
  }
  if (Pid > 0)
    waitpid(Pid, nullptr, 0);
}
