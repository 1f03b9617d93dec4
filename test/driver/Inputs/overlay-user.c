// "virtual-bug.h" exists only in the VFS overlay, mapped to bug-body.h.
#include "virtual-bug.h"
