#include <spawn_sys.h>
int main(void) { spawn_in_system_header(); return 0; }
