/* helpq - source_local.c */
#include "compat.h"
