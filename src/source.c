/* helpq - source.c */
#include "compat.h"
