/*
 * sdnotify.h: the service manager's readiness protocol (sd_notify(3)),
 * written directly: no libsystemd. Each message is one datagram of
 * newline-separated KEY=VALUE lines ("READY=1", "STATUS=...",
 * "STOPPING=1") sent to the AF_UNIX socket named by $NOTIFY_SOCKET (a
 * path, or "@name" for the abstract namespace).
 */
#ifndef NFS_SDNOTIFY_H
#define NFS_SDNOTIFY_H

#include <stddef.h>

/*
 * Send state to $NOTIFY_SOCKET. Returns 1 if it was sent, 0 when there is
 * no $NOTIFY_SOCKET (not started by a service manager that asked for it),
 * -errno when it could not be sent (-EINVAL for an address that is not an
 * absolute path or "@name"). No state is kept: a socket per call.
 */
int	sdnotify(const char *state);
/* The same, formatted; -ENOSPC for a message over 4 KiB. */
int	sdnotifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Fill sun with the address in NOTIFY_SOCKET value v; returns the length
 * to pass to sendto(2), or -EINVAL. (Exposed for the unit test.)
 */
struct sockaddr_un;
int	sdnotify_addr(const char *v, struct sockaddr_un *sun);

#endif
