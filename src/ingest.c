/* helpq - ingest.c */
#include "compat.h"
