/*
 * qctl.c: quotactl on the filesystem of a descriptor (see rquotad.h).
 *
 * quotactl_fd(2) (Linux 5.14) takes the descriptor itself, O_PATH ones
 * too, so the filesystem asked is exactly the one the path was opened on
 * beneath the export. Older kernels only have quotactl(2), which names the
 * filesystem by its block device: that is the mount source of the
 * descriptor's mount in /proc/self/mountinfo (found by mount ID, so bind
 * mounts and overmounted paths cannot mislead it).
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/dqblk_xfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rquotad/rquotad.h"

#ifndef SYS_quotactl_fd
#define SYS_quotactl_fd	443
#endif

#define MOUNTINFO_MAX	(4u << 20)	/* read no more than this */

/* QCMD of <linux/quota.h> shifts an int: Q_GETQUOTA (0x800007) << 8
 * overflows it. The same in unsigned arithmetic. */
#define QCMD_U(cmd, type) \
	(((unsigned)(cmd) << SUBCMDSHIFT) | ((unsigned)(type) & SUBCMDMASK))

static int
sys_quotactl_fd(int fd, unsigned cmd, uint32_t id, void *addr)
{
	return (int)syscall(SYS_quotactl_fd, fd, cmd, id, addr);
}

/* Undo the octal escapes (\040 for a blank, ...) of a mountinfo field. */
static void
unescape(char *s)
{
	char *o = s;

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
			    (s[3] - '0'));
			s += 4;
		} else
			*o++ = *s++;
	}
	*o = '\0';
}

/* The next space-separated field of [*p, eol): its start, its length in
 * *n; NULL at the end of the line. */
static const char *
field(const char **p, const char *eol, size_t *n)
{
	const char *s = *p, *e;

	while (s < eol && *s == ' ')
		s++;
	if (s >= eol)
		return NULL;
	for (e = s; e < eol && *e != ' '; e++)
		;
	*n = (size_t)(e - s);
	*p = e;
	return s;
}

/*
 * Fields are separated by single spaces and escaped (a blank in a path is
 * \040), so splitting on spaces is exact: "ID PARENT MAJ:MIN ROOT POINT
 * OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS".
 */
int
qctl_mountinfo_source(const char *text, uint64_t mnt_id, char *buf,
    size_t len)
{
	const char *line = text, *eol, *p, *f;
	char *end;
	uint64_t id;
	size_t n;
	unsigned i;

	for (; *line != '\0'; line = *eol == '\n' ? eol + 1 : eol) {
		if ((eol = strchr(line, '\n')) == NULL)
			eol = line + strlen(line);
		errno = 0;
		id = strtoull(line, &end, 10);
		if (errno != 0 || end == line || *end != ' ' || id != mnt_id)
			continue;
		p = line;
		for (i = 0; (f = field(&p, eol, &n)) != NULL; i++)
			if (i >= 6 && n == 1 && f[0] == '-')
				break;
		if (f == NULL || field(&p, eol, &n) == NULL ||	/* fstype */
		    (f = field(&p, eol, &n)) == NULL)		/* source */
			return -ENOENT;
		if (n + 1 > len)
			return -ENAMETOOLONG;
		memcpy(buf, f, n);
		buf[n] = '\0';
		unescape(buf);
		return 0;
	}
	return -ENOENT;
}

/* The block device of fd's filesystem, from the mount table. */
static int
device_of(int fd, char *dev, size_t len)
{
	struct statx stx;
	char *text;
	size_t n = 0;
	ssize_t r;
	int mfd, rc;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) != 0)
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID))
		return -ENOSYS;
	if ((mfd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if ((text = malloc(MOUNTINFO_MAX + 1)) == NULL) {
		close(mfd);
		return -ENOMEM;
	}
	while (n < MOUNTINFO_MAX &&
	    (r = read(mfd, text + n, MOUNTINFO_MAX - n)) > 0)
		n += (size_t)r;
	close(mfd);
	text[n] = '\0';
	rc = qctl_mountinfo_source(text, stx.stx_mnt_id, dev, len);
	free(text);
	if (rc == 0 && dev[0] != '/')
		rc = -ENODEV;	/* no block device: no quota by device */
	return rc;
}

/* quotactl_fd, or quotactl on the device when the kernel lacks it. */
static int
qctl(int fd, unsigned cmd, uint32_t id, void *addr)
{
	char dev[4096];
	int rc;

	if (sys_quotactl_fd(fd, cmd, id, addr) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	if ((rc = device_of(fd, dev, sizeof(dev))) != 0)
		return rc == -ENODEV || rc == -ENOENT ? -ESRCH : rc;
	if (syscall(SYS_quotactl, cmd, dev, id, addr) != 0)
		return -errno;
	return 0;
}

int
qctl_get(int fd, int type, uint32_t id, struct if_dqblk *d, bool *active)
{
	struct fs_quota_statv sv;
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = qctl(fd, QCMD_U(Q_GETQUOTA, type), id, d)) != 0)
		return rc;
	/* enforcement: the generic quota code reports it for every
	 * filesystem, not only XFS */
	memset(&sv, 0, sizeof(sv));
	sv.qs_version = FS_QSTATV_VERSION1;
	*active = false;
	if (qctl(fd, QCMD_U(Q_XGETQSTATV, type), 0, &sv) == 0)
		*active = (sv.qs_flags & (type == GRPQUOTA ?
		    FS_QUOTA_GDQ_ENFD : FS_QUOTA_UDQ_ENFD)) != 0;
	return 0;
}

int
qctl_set(int fd, int type, uint32_t id, struct if_dqblk *d)
{
	return qctl(fd, QCMD_U(Q_SETQUOTA, type), id, d);
}
