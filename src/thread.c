/* helpq - thread.c */
#include "compat.h"
