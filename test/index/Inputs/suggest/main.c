#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/wait.h>

pid_t xfork(void);
void fatal(const char *msg);
void *shm_alloc(size_t n);
void mutex_setup(pthread_mutex_t *m);
void mutex_take(pthread_mutex_t *m);
void mutex_give(pthread_mutex_t *m);

struct stats {
  pthread_mutex_t lock;
  long hits;
};

int main(void) {
  struct stats *s = shm_alloc(sizeof *s);
  mutex_setup(&s->lock);
  pid_t pid = xfork();
  if (pid == 0) {
    mutex_take(&s->lock);
    s->hits++;
    mutex_give(&s->lock);
    fatal("done");
  }
  waitpid(pid, NULL, 0);
  return 0;
}
