#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

void lock_init(pthread_mutex_t *m);
void lock_init_shared(pthread_mutex_t *m);
void shm_lock(pthread_mutex_t *m);
void shm_unlock(pthread_mutex_t *m);

struct shared {
  pthread_mutex_t thread_only;
  pthread_mutex_t between_processes;
  long served;
  long errors;
};

int main(void) {
  struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (s == MAP_FAILED)
    return 1;
  lock_init(&s->thread_only);
  lock_init_shared(&s->between_processes);
  for (int i = 0; i < 4; i++) {
    pid_t pid = fork();
    if (pid < 0)
      return 1;
    if (pid == 0) {
      shm_lock(&s->between_processes);
      s->served++;
      shm_unlock(&s->between_processes);
      s->errors++;
      _exit(0);
    }
  }
  while (wait(NULL) > 0)
    ;
  return 0;
}
