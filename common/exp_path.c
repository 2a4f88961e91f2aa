/*
 * exp_path.c: paths from the network into exports (see exp_path.h).
 */
#include <sys/syscall.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/exp_path.h"
#include "common/exports.h"

#define OPENAT2_RETRIES	8	/* EAGAIN: a rename raced the lookup */

int
exp_path_norm(const char *in, char *out, size_t outlen)
{
	const char *p = in, *comp;
	size_t len = 0, clen;

	if (in == NULL || in[0] != '/' || outlen < 2)
		return -EINVAL;
	out[0] = '/';
	len = 1;
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		comp = p;
		while (*p != '/' && *p != '\0')
			p++;
		clen = (size_t)(p - comp);
		if (clen > NAME_MAX)
			return -ENAMETOOLONG;
		if (clen == 1 && comp[0] == '.')
			continue;
		if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
			/* back to the slash before the last component */
			while (len > 1 && out[len - 1] != '/')
				len--;
			if (len > 1)
				len--;
			continue;
		}
		if (len > 1)
			out[len++] = '/';
		if (len + clen + 1 > outlen)
			return -ENAMETOOLONG;
		memcpy(out + len, comp, clen);
		len += clen;
		if (len + 1 >= outlen)
			return -ENAMETOOLONG;
	}
	out[len] = '\0';
	return 0;
}

const char *
exp_path_safe(const char *path, char *buf, size_t len)
{
	const unsigned char *p;
	size_t off = 0;

	if (len == 0)
		return "";
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if (off + 5 >= len) {
			if (len > 4)
				memcpy(buf + len - 4, "...", 3);
			off = len - 1;
			break;
		}
		if (isprint(*p) && *p != '\\')
			buf[off++] = (char)*p;
		else
			off += (size_t)snprintf(buf + off, len - off, "\\%03o",
			    *p);
	}
	buf[off] = '\0';
	return buf;
}

static long
sys_openat2(int dirfd, const char *path, struct open_how *how)
{
	return syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

int
exp_open_beneath(int root_fd, const char *rel, uint32_t flags)
{
	struct open_how how;
	long fd;
	int i;

	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	if ((flags & (EXP_F_CROSSMNT | EXP_F_NOHIDE)) == 0)
		how.resolve |= RESOLVE_NO_XDEV;
	for (i = 0; i < OPENAT2_RETRIES; i++) {
		fd = sys_openat2(root_fd, *rel != '\0' ? rel : ".", &how);
		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN)
			break;
	}
	return -errno;
}

const char *
exp_path_rel(const char *path, const char *ep)
{
	size_t n = strlen(ep);

	if (strcmp(ep, "/") == 0)
		return path + 1;
	path += n;
	return *path == '/' ? path + 1 : path;
}
