/* helpq - service.c: telling systemd how helpq is (service.h). */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "service.h"

#ifdef HAVE_LIBSYSTEMD
static void
service_send(const char *state)
{
	/* Errors are systemd's to see: a helpq it did not start has no
	 * socket and is told nothing. */
	(void)sd_notify(0, state);
}
#else
static void
service_send(const char *state)
{
	(void)state;
}
#endif

void
service_ready(const char *status)
{
	char	buf[1024];

	snprintf(buf, sizeof buf, "READY=1\nSTATUS=%s", status);
	service_send(buf);
}

void
service_reloading(void)
{
	char		buf[128];
	struct timespec	ts;

	/* systemd 253 and later want the time the reload began. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, sizeof buf, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	service_send(buf);
}

void
service_stopping(void)
{
	service_send("STOPPING=1");
}

void
service_status(const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;
	int	n;

	n = snprintf(buf, sizeof buf, "STATUS=");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	va_end(ap);
	service_send(buf);
}

void
service_watchdog(void)
{
	static struct timespec	last;
	struct timespec		now;

	/* Called for every message of a long cycle: once a second is
	 * plenty for a watchdog of minutes. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last.tv_sec != 0 && now.tv_sec == last.tv_sec)
		return;
	last = now;
	service_send("WATCHDOG=1");
}

int
service_watchdog_every(void)
{
#ifdef HAVE_LIBSYSTEMD
	uint64_t	usec;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return (0);
	return (usec / 2000000 > 0 ? (int)(usec / 2000000) : 1);
#else
	return (0);
#endif
}
