/*
 * statd_file.c: the state directory (default /var/lib/nfs-suite/statd),
 * laid out as nfs-utils' rpc.statd lays out /var/lib/nfs:
 *
 *	state		our NSM state number: 4 bytes, host byte order. Odd
 *			while we run; bumped at every start and SM_SIMU_CRASH.
 *	sm/HOST		one file per monitored host (HOST: the mon_name in
 *			lower case), one line per SM_MON registration.
 *	sm.bak/HOST	hosts still to be told that we restarted (same
 *			content); removed when the host answers.
 *
 * A registration line has seven fields separated by one blank, as
 * nfs-utils writes them (support/nsm/file.c), so its sm-notify reads ours:
 *
 *	0100007f 000186b5 00000004 00000010 0123...cdef 192.0.2.2 server
 *	|        |        |        |        |           |         my_name
 *	|        |        |        |        |           mon_name
 *	|        |        |        |        priv: 32 hex digits (16 bytes)
 *	|        prog     vers     proc: of the callback, 8 hex digits
 *	the callback address: 127.0.0.1 as nfs-utils prints it (the
 *	in_addr's bytes read as a host-order word); read, never used: the
 *	callback always goes to 127.0.0.1.
 *
 * Names are checked with statd_name_invalid(). A line that does not parse,
 * or whose mon_name does not name the file, is skipped and counted; the
 * caller warns with the file's name. Every write is atomic (temporary file,
 * fsync, rename, fsync of the directory); removals and moves fsync the
 * directories too.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/atomicio.h"
#include "common/log.h"
#include "statd/statd.h"

#define REC_FIXED	(4 * 9 + 2 * SM_PRIVLEN + 1)	/* up to mon_name */
#define REC_MAX		(REC_FIXED + 2 * (STATD_NAME_MAX + 1) + 1)

/* ------------------------------------------------------------ state */

uint32_t
statd_state_next(uint32_t s)
{
	uint32_t n = (s & 1) ? s + 2 : s + 1;

	/* the protocol's state is an int: never let it turn negative */
	if (n > INT32_MAX || n < s)
		return 1;
	return n;
}

int
statd_state_read(const char *path, uint32_t *sp)
{
	char *buf = NULL;
	size_t len = 0;
	uint32_t s;
	int rc;

	*sp = 0;
	if ((rc = read_file(path, 64, &buf, &len)) != 0)
		return rc == -ENOENT ? 0 : rc;
	if (len != sizeof(s)) {
		free(buf);
		return -EINVAL;
	}
	memcpy(&s, buf, sizeof(s));
	free(buf);
	*sp = s;
	return 0;
}

int
statd_state_write(const char *path, uint32_t s)
{
	return atomic_write_file(path, &s, sizeof(s), 0644);
}

/* ------------------------------------------------------------ records */

size_t
statd_rec_format(const struct statd_reg *r, char *buf, size_t len)
{
	uint32_t cb = htonl(INADDR_LOOPBACK);
	char priv[2 * SM_PRIVLEN + 1];
	size_t i;
	int n;

	for (i = 0; i < SM_PRIVLEN; i++)
		snprintf(priv + 2 * i, 3, "%02x", r->priv[i]);
	n = snprintf(buf, len, "%08x %08x %08x %08x %s %s %s\n", cb, r->prog,
	    r->vers, r->proc, priv, r->mon_name, r->my_name);
	if (n < 0 || (size_t)n >= len)
		return 0;
	return (size_t)n;
}

int
statd_rec_serialize(const struct statd_reg *regs, size_t n, char **textp,
    size_t *lenp)
{
	char *text;
	size_t i, off = 0, l;

	*textp = NULL;
	*lenp = 0;
	if (n == 0)
		return 0;
	if ((text = malloc(n * REC_MAX + 1)) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		l = statd_rec_format(&regs[i], text + off, REC_MAX + 1);
		if (l == 0) {	/* names are bounded: cannot happen */
			free(text);
			return -EINVAL;
		}
		off += l;
	}
	*textp = text;
	*lenp = off;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly 8 hex digits at p, then a blank. */
static bool
hex32(const char *p, const char *end, uint32_t *v)
{
	int i, d;

	if (end - p < 9 || p[8] != ' ')
		return false;
	*v = 0;
	for (i = 0; i < 8; i++) {
		if ((d = hexval(p[i])) < 0)
			return false;
		*v = *v << 4 | (uint32_t)d;
	}
	return true;
}

/* A name field [p, q) into out (checked). */
static bool
name_field(const char *p, const char *q, char *out)
{
	size_t n = (size_t)(q - p);

	if (n == 0 || n > STATD_NAME_MAX || memchr(p, '\0', n) != NULL)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return statd_name_invalid(out) == NULL;
}

/* One line [p, end) (no newline) into r. */
static bool
parse_line(const char *p, const char *end, struct statd_reg *r)
{
	const char *q;
	uint32_t cb;
	int i, hi, lo;

	memset(r, 0, sizeof(*r));
	if (!hex32(p, end, &cb) || !hex32(p + 9, end, &r->prog) ||
	    !hex32(p + 18, end, &r->vers) || !hex32(p + 27, end, &r->proc))
		return false;
	p += 36;
	if (end - p < 2 * SM_PRIVLEN + 1 || p[2 * SM_PRIVLEN] != ' ')
		return false;
	for (i = 0; i < SM_PRIVLEN; i++) {
		if ((hi = hexval(p[2 * i])) < 0 ||
		    (lo = hexval(p[2 * i + 1])) < 0)
			return false;
		r->priv[i] = (uint8_t)(hi << 4 | lo);
	}
	p += 2 * SM_PRIVLEN + 1;
	if ((q = memchr(p, ' ', (size_t)(end - p))) == NULL ||
	    !name_field(p, q, r->mon_name))
		return false;
	p = q + 1;
	return name_field(p, end, r->my_name);
}

int
statd_rec_parse(const char *text, size_t len, const char *key,
    struct statd_reg **regsp, size_t *np, unsigned *skippedp)
{
	struct statd_reg *regs = NULL, *nr, r;
	const char *p = text, *end = text + len, *nl;
	char k[STATD_NAME_MAX + 1];
	size_t n = 0, cap = 0;

	*regsp = NULL;
	*np = 0;
	*skippedp = 0;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl == p) {		/* empty line: nothing lost */
			p = nl + 1;
			continue;
		}
		if (!parse_line(p, nl, &r)) {
			(*skippedp)++;
			p = nl + 1;
			continue;
		}
		statd_name_key(r.mon_name, k);
		if (key != NULL && strcmp(k, key) != 0) {
			(*skippedp)++;
			p = nl + 1;
			continue;
		}
		if (n == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			if ((nr = realloc(regs, cap * sizeof(*regs))) == NULL) {
				free(regs);
				return -ENOMEM;
			}
			regs = nr;
		}
		regs[n++] = r;
		p = nl + 1;
	}
	*regsp = regs;
	*np = n;
	return 0;
}

/* ------------------------------------------------------------ directories */

static int
join(char *buf, size_t len, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int fd, rc = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

int
statd_dir_list(const char *dir, char (**namesp)[STATD_NAME_MAX + 1],
    unsigned *badp)
{
	char (*names)[STATD_NAME_MAX + 1] = NULL, (*nn)[STATD_NAME_MAX + 1];
	struct dirent *de;
	struct stat st;
	size_t n = 0, cap = 0;
	DIR *d;
	int rc = 0;

	*namesp = NULL;
	if (badp != NULL)
		*badp = 0;
	if ((d = opendir(dir)) == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;	/* ., .., temporary files */
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) !=
		    0 || !S_ISREG(st.st_mode) ||
		    statd_name_invalid(de->d_name) != NULL) {
			if (badp != NULL)
				(*badp)++;
			continue;
		}
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((nn = realloc(names, cap * sizeof(*names))) ==
			    NULL) {
				rc = -ENOMEM;
				break;
			}
			names = nn;
		}
		memcpy(names[n++], de->d_name, strlen(de->d_name) + 1);
	}
	closedir(d);
	if (rc != 0) {
		free(names);
		return rc;
	}
	*namesp = names;
	return (int)n;
}

int
statd_file_put(const char *dir, const char *name, const char *text,
    size_t len)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = join(path, sizeof(path), dir, name)) != 0)
		return rc;
	if (text != NULL)
		return atomic_write_file(path, text, len, 0600);
	if (unlink(path) != 0)
		return errno == ENOENT ? 0 : -errno;
	return fsync_dir(dir);
}

int
statd_file_get(const char *dir, const char *name, char **textp,
    size_t *lenp)
{
	char path[PATH_MAX];
	int rc;

	*textp = NULL;
	*lenp = 0;
	if ((rc = join(path, sizeof(path), dir, name)) != 0)
		return rc;
	return read_file(path, STATD_FILE_MAX, textp, lenp);
}

int
statd_file_move(const char *from, const char *to, const char *name)
{
	char src[PATH_MAX], dst[PATH_MAX];
	int rc;

	if ((rc = join(src, sizeof(src), from, name)) != 0 ||
	    (rc = join(dst, sizeof(dst), to, name)) != 0)
		return rc;
	if (rename(src, dst) != 0)
		return -errno;
	if ((rc = fsync_dir(to)) != 0)
		return rc;
	return fsync_dir(from);
}

int
statd_file_copy(const char *from, const char *to, const char *name)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if ((rc = statd_file_get(from, name, &text, &len)) != 0)
		return rc;
	rc = statd_file_put(to, name, text, len);
	free(text);
	return rc;
}

/* Give dirfd/name to uid:gid: never through a symbolic link, and only a
 * file with one link (a hard link planted by the unprivileged owner must
 * not hand it somebody else's file). */
static int
give(int dfd, const char *name, uid_t uid, gid_t gid)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISLNK(st.st_mode) || (!S_ISDIR(st.st_mode) &&
	    (!S_ISREG(st.st_mode) || st.st_nlink != 1)))
		return 0;
	if (st.st_uid == uid && st.st_gid == gid)
		return 0;
	if (fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
		return -errno;
	return 0;
}

static int
give_tree(int dfd, const char *sub, uid_t uid, gid_t gid)
{
	struct dirent *de;
	DIR *d;
	int fd, rc;

	if ((rc = give(dfd, sub, uid, gid)) != 0)
		return rc;
	if ((fd = openat(dfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		return -errno;
	if ((d = fdopendir(fd)) == NULL) {
		rc = -errno;
		close(fd);
		return rc;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((rc = give(dirfd(d), de->d_name, uid, gid)) != 0)
			break;
	}
	closedir(d);
	return rc;
}

int
statd_dir_prepare(const char *dir, uid_t uid, gid_t gid)
{
	static const char *const subs[] = { "sm", "sm.bak" };
	size_t i;
	int dfd, fd, rc;

	if ((rc = mkdir_p(dir, 0700)) != 0)
		return rc;
	/* dir, sm and sm.bak themselves: never through a symbolic link */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		return -errno;
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (mkdirat(dfd, subs[i], 0700) != 0 && errno != EEXIST) {
			rc = -errno;
			goto out;
		}
		if ((fd = openat(dfd, subs[i], O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) < 0) {
			rc = -errno;
			goto out;
		}
		close(fd);
	}
	if (geteuid() != 0)
		goto out;
	if (fchown(dfd, uid, gid) != 0) {
		rc = -errno;
		goto out;
	}
	if ((rc = give(dfd, "state", uid, gid)) != 0 ||
	    (rc = give_tree(dfd, "sm", uid, gid)) != 0 ||
	    (rc = give_tree(dfd, "sm.bak", uid, gid)) != 0)
		goto out;
out:
	close(dfd);
	return rc;
}
