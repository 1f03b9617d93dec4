// Instance processes, forked first, each map their own counters: no other
// instance holds them. Only the children an instance forks after mapping
// share them with it.
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

void *map_anon_shared(size_t n);
void *map_zeroed(size_t n);
void *shared_once(size_t n);

struct counters {
  long rounds;
  long errors;
};

static struct counters *mine, *everyone;

static void instance(void) {
  mine = map_anon_shared(sizeof *mine);
  everyone = shared_once(sizeof *everyone);
  if (!mine || !everyone)
    _exit(1);
  for (int i = 0; i < 100; i++) {
    mine->rounds++;
    everyone->rounds++;
  }
}

static void instance_with_child(void) {
  struct counters *c = map_zeroed(sizeof *c);
  if (!c)
    _exit(1);
  pid_t pid = fork();
  if (pid == 0) {
    c->errors++;
    _exit(0);
  }
  c->errors++;
  if (pid > 0)
    waitpid(pid, NULL, 0);
  c->rounds++;
}

int main(void) {
  shared_once(sizeof(struct counters));
  for (int i = 0; i < 4; i++) {
    pid_t pid = fork();
    if (pid < 0)
      return 1;
    if (pid == 0) {
      if (i % 2)
        instance();
      else
        instance_with_child();
      _exit(0);
    }
  }
  while (wait(NULL) > 0)
    ;
  return 0;
}
