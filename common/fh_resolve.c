/*
 * fh_resolve.c: kernel handles, open by handle, containment, volume ids.
 *
 * Staleness comes from the kernel: ext4's handle (type 1, FILEID_INO32_GEN)
 * is the inode number and its generation, and a new inode gets a new
 * random generation, so open_by_handle_at(2) of a deleted file's handle
 * fails with ESTALE even once the inode number is reused.  One gap the
 * kernel leaves: a file deleted while some process still holds it open
 * opens fine by handle; fh_open() makes that STALE too (st_nlink == 0).
 *
 * Volume ids are 16 bytes.  The choice, in order:
 *	fsid=N		"FSIDNUM\0" 0 0 0 0 N(be32)
 *	fsid=UUID	the 16 UUID bytes
 *	otherwise	"STFS" f_type(be32) f_fsid.val[0](be32) f_fsid.val[1](be32)
 * Not the blkid UUID: reading it needs the block device, which a daemon
 * that dropped its privileges (or a container) cannot open, and on ext4
 * f_fsid is already a fold of that UUID.  Not FS_IOC_GETFSUUID: on the
 * 6.18 kernel measured here it returns 16 zero bytes for ext4, so it would
 * not tell two filesystems apart, and a kernel that starts answering it
 * would change every volume id.  Never st_dev: device numbers move
 * between boots.
 */
#include <sys/stat.h>
#include <sys/statfs.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fh.h"
#include "common/fh_resolve.h"

/* struct file_handle with room for the largest handle the kernel makes. */
union khbuf {
	struct file_handle	fh;
	unsigned char		space[sizeof(struct file_handle) + MAX_HANDLE_SZ];
};

static int
to_khandle(const struct file_handle *fh, struct fh_khandle *kh)
{
	if (fh->handle_bytes == 0 || fh->handle_bytes > FH_KHANDLE_MAX ||
	    fh->handle_type < 0 || fh->handle_type > 255)
		return -EOVERFLOW;
	memset(kh, 0, sizeof(*kh));
	kh->type = fh->handle_type;
	kh->len = fh->handle_bytes;
	memcpy(kh->bytes, fh->f_handle, fh->handle_bytes);
	return 0;
}

static int
name_to_handle(int dirfd, const char *path, int flags, struct fh_khandle *kh,
    int *mnt_idp)
{
	union khbuf u;
	int mnt_id;

	memset(kh, 0, sizeof(*kh));
	u.fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(dirfd, path, &u.fh, &mnt_id, flags) == -1)
		return -errno;
	if (mnt_idp != NULL)
		*mnt_idp = mnt_id;
	return to_khandle(&u.fh, kh);
}

int
fh_from_fd(int fd, struct fh_khandle *kh, int *mnt_idp)
{
	return name_to_handle(fd, "", AT_EMPTY_PATH, kh, mnt_idp);
}

int
fh_from_path(int dirfd, const char *path, struct fh_khandle *kh, int *mnt_idp)
{
	/* Without AT_SYMLINK_FOLLOW a final symlink is not followed. */
	return name_to_handle(dirfd, path, 0, kh, mnt_idp);
}

int
fh_open(int mount_fd, const struct fh_khandle *kh, int flags, int *fdp,
    struct stat *stp)
{
	union khbuf u;
	struct stat st;
	int fd, rc;

	*fdp = -1;
	if (kh->len == 0 || kh->len > FH_KHANDLE_MAX)
		return -EINVAL;
	u.fh.handle_bytes = kh->len;
	u.fh.handle_type = kh->type;
	memcpy(u.fh.f_handle, kh->bytes, kh->len);
	fd = open_by_handle_at(mount_fd, &u.fh, flags | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? -ESTALE : -errno;
	if (fstat(fd, &st) == -1) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (st.st_nlink == 0) {		/* deleted, still open elsewhere */
		close(fd);
		return -ESTALE;
	}
	if (stp != NULL)
		*stp = st;
	*fdp = fd;
	return 0;
}

int
fh_in_export(int fd, dev_t root_dev, ino_t root_ino)
{
	struct stat st, pst;
	int cur, parent, depth, rc = -ESTALE;

	if (fstat(fd, &st) == -1)
		return -errno;
	if (st.st_dev != root_dev)
		return -ESTALE;
	if (st.st_ino == root_ino)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return 0;	/* no parent link: see the header */

	cur = fd;
	for (depth = 0; depth < FH_WALK_MAX; depth++) {
		parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cur != fd)
			close(cur);
		cur = fd;
		if (parent == -1) {
			/* ENOENT: the directory was removed meanwhile. */
			rc = errno == ENOENT ? -ESTALE : -errno;
			break;
		}
		if (fstat(parent, &pst) == -1) {
			rc = -errno;
			close(parent);
			break;
		}
		if (pst.st_dev != root_dev ||
		    (pst.st_ino == st.st_ino && pst.st_dev == st.st_dev)) {
			/* Left the filesystem, or at its root: ".." is itself. */
			close(parent);
			rc = -ESTALE;
			break;
		}
		if (pst.st_ino == root_ino) {
			close(parent);
			rc = 0;
			break;
		}
		st = pst;
		cur = parent;
	}
	if (cur != fd)
		close(cur);
	return rc;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

int
fh_volid_from_fsid(const char *fsid, uint8_t volid[FH_VOLID_LEN])
{
	unsigned long n;
	const char *p;
	char *end;
	int nd = 0, hi, lo;

	memset(volid, 0, FH_VOLID_LEN);
	if (strcmp(fsid, "root") == 0)
		fsid = "0";
	if (fsid[0] >= '0' && fsid[0] <= '9' && strspn(fsid, "0123456789") ==
	    strlen(fsid)) {
		errno = 0;
		n = strtoul(fsid, &end, 10);
		if (errno != 0 || *end != '\0' || n > UINT32_MAX)
			return -EINVAL;
		memcpy(volid, "FSIDNUM", 8);
		put_be32(volid + 12, n);
		return 0;
	}
	for (p = fsid; *p != '\0'; p++) {
		if (*p == '-')
			continue;
		if (nd == 2 * FH_VOLID_LEN || (hi = hexval(p[0])) < 0 ||
		    (lo = hexval(p[1])) < 0) {
			memset(volid, 0, FH_VOLID_LEN);
			return -EINVAL;
		}
		volid[nd / 2] = hi << 4 | lo;
		nd += 2;
		p++;
	}
	if (nd != 2 * FH_VOLID_LEN) {
		memset(volid, 0, FH_VOLID_LEN);
		return -EINVAL;
	}
	return 0;
}

int
fh_volid_from_fd(int fd, uint8_t volid[FH_VOLID_LEN])
{
	struct statfs sfs;
	uint32_t v0, v1;

	memset(volid, 0, FH_VOLID_LEN);
	if (fstatfs(fd, &sfs) == -1)
		return -errno;
	v0 = sfs.f_fsid.__val[0];
	v1 = sfs.f_fsid.__val[1];
	if (v0 == 0 && v1 == 0)
		return -EOPNOTSUPP;
	memcpy(volid, "STFS", 4);
	put_be32(volid + 4, (uint32_t)sfs.f_type);
	put_be32(volid + 8, v0);
	put_be32(volid + 12, v1);
	return 0;
}

int
fh_volid_for_path(const char *path, const char *fsid,
    uint8_t volid[FH_VOLID_LEN])
{
	int fd, rc;

	if (fsid != NULL)
		return fh_volid_from_fsid(fsid, volid);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd == -1) {
		memset(volid, 0, FH_VOLID_LEN);
		return -errno;
	}
	rc = fh_volid_from_fd(fd, volid);
	close(fd);
	return rc;
}
