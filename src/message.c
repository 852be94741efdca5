/* helpq - message.c */
#include "compat.h"
