//===- WorkerPool.cpp - Analysing files in worker processes ---------------===//

#include "driver/WorkerPool.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace procshare {

namespace {

constexpr int AnswerFD = 3;

std::string filesListPath(llvm::StringRef Dir) {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, "files");
  return std::string(P);
}

bool writeAll(int FD, llvm::StringRef Data) {
  while (!Data.empty()) {
    ssize_t N = ::write(FD, Data.data(), Data.size());
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return false;
    Data = Data.drop_front(N);
  }
  return true;
}

/// How a worker process ended, in words.
std::string howItEnded(int Status) {
  if (WIFSIGNALED(Status))
    return "the analysis crashed (signal " + std::to_string(WTERMSIG(Status)) + ": " +
           ::strsignal(WTERMSIG(Status)) + ")";
  if (WIFEXITED(Status))
    return "the analysis stopped (exit status " + std::to_string(WEXITSTATUS(Status)) + ")";
  return "the analysis stopped";
}

struct Worker {
  pid_t Pid = -1;
  int In = -1;  ///< its standard input: the indexes of its files
  int Out = -1; ///< its answers
  std::string Buffer;
  long Current = -1; ///< the file it is analysing
};

/// Starts one worker; false with \p Error when it cannot be.
bool spawn(llvm::ArrayRef<std::string> Argv, Worker &W, std::string &Error) {
  int ToWorker[2], FromWorker[2];
  if (::pipe2(ToWorker, O_CLOEXEC) != 0) {
    Error = std::string("cannot create a pipe: ") + ::strerror(errno);
    return false;
  }
  if (::pipe2(FromWorker, O_CLOEXEC) != 0) {
    Error = std::string("cannot create a pipe: ") + ::strerror(errno);
    ::close(ToWorker[0]);
    ::close(ToWorker[1]);
    return false;
  }
  posix_spawn_file_actions_t Actions;
  posix_spawn_file_actions_init(&Actions);
  posix_spawn_file_actions_adddup2(&Actions, ToWorker[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&Actions, FromWorker[1], AnswerFD);
  // Anything a worker prints on its standard output goes to standard error:
  // the parent's standard output carries only the results.
  posix_spawn_file_actions_adddup2(&Actions, STDERR_FILENO, STDOUT_FILENO);
  std::vector<char *> Args;
  for (const std::string &A : Argv)
    Args.push_back(const_cast<char *>(A.c_str()));
  Args.push_back(nullptr);
  pid_t Pid;
  int Err = posix_spawn(&Pid, Args[0], &Actions, nullptr, Args.data(), environ);
  posix_spawn_file_actions_destroy(&Actions);
  ::close(ToWorker[0]);
  ::close(FromWorker[1]);
  if (Err != 0) {
    Error = "cannot start '" + Argv[0] + "': " + ::strerror(Err);
    ::close(ToWorker[1]);
    ::close(FromWorker[0]);
    return false;
  }
  W = Worker();
  W.Pid = Pid;
  W.In = ToWorker[1];
  W.Out = FromWorker[0];
  return true;
}

int reap(Worker &W) {
  int Status = 0;
  while (::waitpid(W.Pid, &Status, 0) < 0 && errno == EINTR) {
  }
  if (W.In >= 0)
    ::close(W.In);
  ::close(W.Out);
  W.Pid = -1;
  W.In = W.Out = -1;
  return Status;
}

} // namespace

std::string resultPath(llvm::StringRef Dir, size_t Index) {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, std::to_string(Index) + ".yaml");
  return std::string(P);
}

std::string summaryPath(llvm::StringRef ResultPath) {
  return ResultPath.str() + ".summary.json";
}

std::string profileDir(llvm::StringRef Dir) {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, "profile");
  return std::string(P);
}

bool runWorkers(llvm::ArrayRef<std::string> WorkerArgv, llvm::StringRef Dir,
                llvm::ArrayRef<std::string> Files, unsigned Jobs,
                std::vector<FileOutcome> &Outcomes, llvm::function_ref<void(size_t)> OnDone,
                std::string &Error) {
  Outcomes.assign(Files.size(), FileOutcome());
  {
    std::error_code EC;
    llvm::raw_fd_ostream List(filesListPath(Dir), EC);
    if (EC) {
      Error = "cannot write '" + filesListPath(Dir) + "': " + EC.message();
      return false;
    }
    for (const std::string &F : Files)
      List << F << '\0';
  }
  // A worker that dies must not kill the parent when it writes to it.
  ::signal(SIGPIPE, SIG_IGN);

  size_t Next = 0, Finished = 0;
  std::vector<Worker> Pool(std::max(1u, std::min<unsigned>(Jobs, Files.size())));
  // Gives worker W its next file, or ends its input when there is none.
  auto Feed = [&](Worker &W) {
    if (Next < Files.size()) {
      W.Current = Next++;
      // If it died before reading, its answers end, and that is handled there.
      writeAll(W.In, std::to_string(W.Current) + "\n");
      return;
    }
    W.Current = -1;
    if (W.In >= 0) {
      ::close(W.In);
      W.In = -1;
    }
  };
  auto Fail = [&](size_t Index, std::string Why) {
    Outcomes[Index].State = FileOutcome::Failed;
    Outcomes[Index].Why = std::move(Why);
    ++Finished;
    OnDone(Index);
  };
  for (Worker &W : Pool) {
    if (!spawn(WorkerArgv, W, Error))
      break;
    Feed(W);
  }
  if (Pool.front().Pid < 0)
    return false;

  while (Finished < Files.size()) {
    std::vector<pollfd> Fds;
    std::vector<Worker *> Polled;
    for (Worker &W : Pool)
      if (W.Pid >= 0) {
        Fds.push_back({W.Out, POLLIN, 0});
        Polled.push_back(&W);
      }
    if (Fds.empty()) {
      // Every worker is gone and none could be started again.
      for (size_t I = 0; I < Files.size(); ++I)
        if (Outcomes[I].State == FileOutcome::Pending)
          Fail(I, "no worker could be started: " + Error);
      break;
    }
    if (::poll(Fds.data(), Fds.size(), -1) < 0) {
      if (errno == EINTR)
        continue;
      Error = std::string("poll: ") + ::strerror(errno);
      return false;
    }
    for (size_t I = 0; I < Fds.size(); ++I) {
      if (!(Fds[I].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      Worker &W = *Polled[I];
      char Chunk[512];
      ssize_t N = ::read(W.Out, Chunk, sizeof Chunk);
      if (N < 0 && errno == EINTR)
        continue;
      if (N > 0) {
        W.Buffer.append(Chunk, N);
        size_t End;
        while ((End = W.Buffer.find('\n')) != std::string::npos) {
          llvm::StringRef Line = llvm::StringRef(W.Buffer).take_front(End);
          auto [IndexText, CacheText] = Line.split(' ');
          size_t Index;
          if (!IndexText.getAsInteger(10, Index) && Index < Files.size() &&
              long(Index) == W.Current) {
            Outcomes[Index].State =
                CacheText == "1" ? FileOutcome::FromCache : FileOutcome::Analysed;
            ++Finished;
            OnDone(Index);
            Feed(W);
          }
          W.Buffer.erase(0, End + 1);
        }
        continue;
      }
      // Its answers ended: it has finished, or died on its current file.
      long Current = W.Current;
      int Status = reap(W);
      if (Current < 0)
        continue;
      Fail(Current, howItEnded(Status));
      if (Next < Files.size() && spawn(WorkerArgv, W, Error))
        Feed(W);
    }
  }
  for (Worker &W : Pool)
    if (W.Pid >= 0) {
      if (W.In >= 0) {
        ::close(W.In);
        W.In = -1;
      }
      reap(W);
    }
  return true;
}

int workerMain(llvm::StringRef Dir,
               llvm::function_ref<bool(const std::string &, const std::string &, bool &)>
                   Analyse) {
  auto List = llvm::MemoryBuffer::getFile(filesListPath(Dir));
  if (!List) {
    llvm::errs() << "procshare: error: worker cannot read '" << filesListPath(Dir)
                 << "': " << List.getError().message() << "\n";
    return 2;
  }
  llvm::SmallVector<llvm::StringRef, 0> Files;
  (*List)->getBuffer().split(Files, '\0', -1, /*KeepEmpty=*/false);
  std::string Line;
  char C;
  while (true) {
    ssize_t N = ::read(STDIN_FILENO, &C, 1);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return 0;
    if (C != '\n') {
      Line += C;
      continue;
    }
    size_t Index;
    if (llvm::StringRef(Line).getAsInteger(10, Index) || Index >= Files.size()) {
      llvm::errs() << "procshare: error: worker got a bad request '" << Line << "'\n";
      return 2;
    }
    Line.clear();
    bool FromCache = false;
    if (!Analyse(Files[Index].str(), resultPath(Dir, Index), FromCache))
      return 2;
    if (!writeAll(AnswerFD, std::to_string(Index) + (FromCache ? " 1\n" : " 0\n")))
      return 2;
  }
}

} // namespace procshare
