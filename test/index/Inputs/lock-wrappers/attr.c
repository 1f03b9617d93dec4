// Sets up mutex attributes for processes: the pshared attribute is set in a
// helper of its own.
#include <pthread.h>

void make_pshared(pthread_mutexattr_t *attr) {
  pthread_mutexattr_init(attr);
  pthread_mutexattr_setpshared(attr, PTHREAD_PROCESS_SHARED);
}
