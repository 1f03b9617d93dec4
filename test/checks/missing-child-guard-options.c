// StrictUnknownCalls: also report children whose last call goes to a function
// defined in another file (it may never return, so by default the check stays
// silent).
// RUN: %check_procshare %s procshare-missing-child-guard --config="{CheckOptions: {procshare-missing-child-guard.StrictUnknownCalls: true}}" -- -std=c11
// RUN: %procshare --quiet --checks='-*,procshare-missing-child-guard' %s -- -std=c11 | count 0

#include <sys/wait.h>
#include <unistd.h>

void child_main(int fd);   // in another file
void helper(void);

void spawn_worker(int fd) {
  if (fork() == 0) {
    child_main(fd);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' leaves its branch here and runs code the parent runs
  }
  wait(NULL);
}

static void run_child(void) { // its last call may not return, so neither may it
  helper();
  child_main(0);
}

void spawn_worker2(void) {
  pid_t p = fork();
  if (p < 0)
    return;
  if (p == 0) {
    run_child();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'fork' leaves its branch here and runs code the parent runs
  }
  waitpid(p, 0, 0);
}

void attach(void); // in another file: never returns, but says nothing

void parent_ends_elsewhere(void) {
  switch (fork()) {
  case 0:
    break; // the child carries on below (screen's back end)
  default:
    attach(); // the parent's last call may not return
  }
  run_child();
  // CHECK-MESSAGES: :[[@LINE-5]]:5: warning: the child created by 'fork' leaves its branch here
}
