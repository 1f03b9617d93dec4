#include <unistd.h>

void a(void) {
  fork(); // NOLINT(procshare-missing-child-guard)
}

void b(void) {
  // NOLINTNEXTLINE(procshare-*)
  fork();
}

// NOLINTBEGIN(procshare-missing-child-guard)
void c(void) {
  fork();
}
// NOLINTEND(procshare-missing-child-guard)

void d(void) {
  fork(); // NOLINT(some-other-check)
}
