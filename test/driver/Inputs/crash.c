/* Crashes clang's preprocessor: stands for a file that crashes the analysis. */
#pragma clang __debug crash
int unused;
