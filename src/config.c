/* helpq - config.c */
#include "compat.h"
