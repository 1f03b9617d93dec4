// A project declares its own wrappers in a rules file (docs/rules.md).
// RUN: %check_procshare %s procshare-missing-child-guard --config="{CheckOptions: {RulesFile: '%S/Inputs/project-rules.json'}}" -- -std=c11
// Without the rules file xfork and spawn_child are unknown functions, and in
// strict mode the child that calls fatal() is reported, since nothing says
// fatal() never returns:
// RUN: not %procshare --quiet --checks='-*,procshare-missing-child-guard' --config="{CheckOptions: {procshare-missing-child-guard.StrictUnknownCalls: true}}" %s -- -std=c11 | FileCheck %s --check-prefix=DEFAULT --implicit-check-not=warning:
// DEFAULT: :[[@LINE+26]]:5: warning: the child created by 'fork' leaves its branch here
// With the rules, strict mode changes nothing:
// RUN: %check_procshare %s procshare-missing-child-guard --config="{CheckOptions: {RulesFile: '%S/Inputs/project-rules.json', procshare-missing-child-guard.StrictUnknownCalls: true}}" -- -std=c11

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t xfork(void);            // the project's fork wrapper, in another file
int spawn_child(void);        // returns 1 in the child, 0 in the parent
void fatal(const char *msg);  // logs and exits; not declared noreturn
static int jobs;

void uses_xfork(void) {
  pid_t p = xfork();
  if (p == 0) {
    jobs++;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'xfork' leaves its branch here and runs code the parent runs
  }
  wait(NULL);
}

void fatal_ends_the_child(void) {
  pid_t p = fork();
  if (p == 0) {
    jobs++;
    fatal("child done"); // declared "terminate" in the rules: silent
  }
  wait(NULL);
}

void nonzero_convention(void) {
  if (spawn_child()) {
    jobs++;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the child created by 'spawn_child' leaves its branch here
  }
  wait(NULL);
}

void nonzero_convention_ok(void) {
  if (!spawn_child()) {
    wait(NULL); // the parent
    return;
  }
  jobs++;
  _exit(0);
}
