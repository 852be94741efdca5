/* helpq - output.c */
#include "compat.h"
