// A "system" header (found through -isystem) with a discarded fork.
#include <unistd.h>
static inline void spawn_in_system_header(void) { fork(); }
