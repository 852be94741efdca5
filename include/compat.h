/* helpq - compat.h: portability macros shared by every module. */
#ifndef HELPQ_COMPAT_H
#define HELPQ_COMPAT_H

#include "autoconf.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif
#ifndef __printflike
#define __printflike(a, b) __attribute__((__format__(__printf__, a, b)))
#endif
#ifndef nitems
#define nitems(a)	(sizeof (a) / sizeof (a)[0])
#endif

#endif
