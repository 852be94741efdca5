/* helpq - store.c */
#include "compat.h"
