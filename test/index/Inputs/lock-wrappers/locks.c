// The project's lock functions over pthread mutexes.
#include <pthread.h>

void make_pshared(pthread_mutexattr_t *attr);

void lock_init(pthread_mutex_t *m) { pthread_mutex_init(m, NULL); }

void lock_init_shared(pthread_mutex_t *m) {
  pthread_mutexattr_t attr;
  make_pshared(&attr);
  pthread_mutex_init(m, &attr);
  pthread_mutexattr_destroy(&attr);
}

void shm_lock(pthread_mutex_t *m) { pthread_mutex_lock(m); }
void shm_unlock(pthread_mutex_t *m) { pthread_mutex_unlock(m); }
