/*
 * helpq - service.h: what systemd is told (sd_notify): ready, reloading,
 * stopping, the status line, and the watchdog's pings. Without libsystemd,
 * or when systemd did not start helpq, every call does nothing.
 */
#ifndef HELPQ_SERVICE_H
#define HELPQ_SERVICE_H

#include "compat.h"

/* Ready (READY=1), with the status line. */
void	service_ready(const char *status);
/* Reloading the configuration (RELOADING=1); service_ready ends it. */
void	service_reloading(void);
/* Stopping (STOPPING=1). */
void	service_stopping(void);
/* The status line systemctl status shows (STATUS=). */
void	service_status(const char *, ...) __printflike(1, 2);
/* Still alive (WATCHDOG=1), when systemd watches; at most once a
 * second, so a long cycle may call it for every message. */
void	service_watchdog(void);
/* How often to ping the watchdog: seconds (half systemd's interval, at
 * least 1), or 0 when nobody watches. */
int	service_watchdog_every(void);

#endif
