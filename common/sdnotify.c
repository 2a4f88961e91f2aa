/*
 * sdnotify.c: readiness notification to systemd (or anything that speaks
 * its protocol: sd_notify(3), "NOTIFY_SOCKET"), without libsystemd.
 *
 * The service manager reads the sender's credentials from the socket
 * (SO_PASSCRED on its side), so a plain datagram is all it takes. The
 * socket is opened per message: a handful of messages in a daemon's life
 * do not justify file-scope state, and socket(2), sendto(2) and close(2)
 * are in every daemon's seccomp allow-list.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sdnotify.h"

#define SDNOTIFY_MAX	4096

int
sdnotify_addr(const char *v, struct sockaddr_un *sun)
{
	size_t n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = strlen(v);
	if (n < 2 || n >= sizeof(sun->sun_path) || (v[0] != '/' && v[0] != '@'))
		return -EINVAL;
	memcpy(sun->sun_path, v, n);
	if (v[0] == '@')
		sun->sun_path[0] = '\0';	/* abstract: no trailing NUL */
	else
		n++;
	return (int)(offsetof(struct sockaddr_un, sun_path) + n);
}

int
sdnotify(const char *state)
{
	struct sockaddr_un sun;
	const char *v;
	ssize_t w;
	int fd, len, rc = 1;

	if ((v = getenv("NOTIFY_SOCKET")) == NULL || *v == '\0')
		return 0;
	if ((len = sdnotify_addr(v, &sun)) < 0)
		return len;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -errno;
	w = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, (socklen_t)len);
	if (w < 0)
		rc = -errno;
	else if ((size_t)w != strlen(state))
		rc = -EMSGSIZE;
	close(fd);
	return rc;
}

int
sdnotifyf(const char *fmt, ...)
{
	char buf[SDNOTIFY_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENOSPC;
	return sdnotify(buf);
}
