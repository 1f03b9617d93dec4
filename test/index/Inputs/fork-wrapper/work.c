#include <stdio.h>

void work(void) { fputs("working\n", stderr); }
