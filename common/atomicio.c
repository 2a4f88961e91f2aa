/*
 * atomicio.c: crash-safe state files and full reads/writes.
 *
 * atomic_write_file() follows the usual recipe (nfs-utils support/nsm/file.c):
 * the new contents go to a temporary file in the same directory, created
 * with O_EXCL under a random name, which is fsync'd and renamed over the
 * target; the directory is then fsync'd so the rename itself is durable.
 * After a crash the target holds either the old or the new contents, never
 * a mix; a stray temporary file (".NAME.XXXXXXXX") may be left behind.
 */
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomicio.h"

#define TEMP_TRIES	16

int
write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = read(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Split path into its directory ("." if none) and base name. */
static int
split_path(const char *path, char **dirp, const char **basep)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	*dirp = NULL;
	if (slash == NULL) {
		dir = strdup(".");
		*basep = path;
	} else if (slash == path) {
		dir = strdup("/");
		*basep = slash + 1;
	} else {
		dir = strndup(path, (size_t)(slash - path));
		*basep = slash + 1;
	}
	if (dir == NULL)
		return -ENOMEM;
	if (**basep == '\0') {
		free(dir);
		return -EISDIR;
	}
	*dirp = dir;
	return 0;
}

/* Create "DIR/.BASE.XXXXXXXX" with O_EXCL; returns the fd or -errno. */
static int
open_temp(const char *dir, const char *base, mode_t mode, char *tmp,
    size_t tmplen)
{
	uint32_t rnd;
	int fd, i, n;

	for (i = 0; i < TEMP_TRIES; i++) {
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			return errno != 0 ? -errno : -EIO;
		n = snprintf(tmp, tmplen, "%s/.%s.%08x", dir, base, rnd);
		if (n < 0 || (size_t)n >= tmplen)
			return -ENAMETOOLONG;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int
atomic_write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	char tmp[PATH_MAX];
	char *dir = NULL;
	const char *base;
	int fd = -1, dfd = -1, rc, created = 0;

	if ((rc = split_path(path, &dir, &base)) != 0)
		goto out;
	if ((fd = open_temp(dir, base, mode, tmp, sizeof(tmp))) < 0) {
		rc = fd;
		goto out;
	}
	created = 1;
	/* The file gets exactly mode, whatever the umask. */
	if (fchmod(fd, mode) == -1) {
		rc = -errno;
		goto out;
	}
	if ((rc = write_full(fd, buf, len)) != 0)
		goto out;
	if (fsync(fd) == -1) {
		rc = -errno;
		goto out;
	}
	rc = close(fd);
	fd = -1;
	if (rc == -1) {
		rc = -errno;
		goto out;
	}
	if (rename(tmp, path) == -1) {
		rc = -errno;
		goto out;
	}
	created = 0;
	/* Make the rename durable. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) == -1) {
		rc = -errno;
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	if (created)
		unlink(tmp);
	free(dir);
	return rc;
}

int
read_file(const char *path, size_t max, char **bufp, size_t *lenp)
{
	struct stat st;
	char *buf = NULL, *nbuf;
	size_t cap, len = 0;
	ssize_t n;
	int fd, rc;

	*bufp = NULL;
	if (lenp != NULL)
		*lenp = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	if (fstat(fd, &st) == -1) {
		rc = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) {
		rc = -EFBIG;
		goto out;
	}
	/*
	 * st_size is only a hint (procfs says 0, files grow): read to EOF.
	 * The buffer holds up to max + 1 bytes of data plus the NUL, so a
	 * file longer than max is seen as such.
	 */
	if (max > SIZE_MAX - 2)
		max = SIZE_MAX - 2;
	cap = S_ISREG(st.st_mode) && st.st_size > 0 ?
	    (size_t)st.st_size + 2 : 4096;
	if (cap > max + 2)
		cap = max + 2;
	for (;;) {
		if (buf == NULL || len + 1 >= cap) {
			if (buf != NULL)
				cap = cap > (max + 2) / 2 ? max + 2 : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				rc = -ENOMEM;
				goto out;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			rc = -EFBIG;
			goto out;
		}
	}
	buf[len] = '\0';
	*bufp = buf;
	buf = NULL;
	if (lenp != NULL)
		*lenp = len;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

int
mkdir_p(const char *dir, mode_t mode)
{
	char buf[PATH_MAX], *p;
	struct stat st;

	if (strlen(dir) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, dir);
	for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) != 0 && errno != EEXIST)
		return -errno;
	if (lstat(buf, &st) != 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}
