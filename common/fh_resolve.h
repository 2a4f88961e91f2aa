/*
 * fh_resolve.h: the Linux side of file handles: kernel handles from
 * name_to_handle_at(2), objects back from open_by_handle_at(2) (needs
 * CAP_DAC_READ_SEARCH), volume ids, and the check that an object opened
 * by handle lies inside its export.
 *
 * The order nfsd follows for a handle from the wire:
 *	fh_decode()		MAC, shape		-> -EBADMSG (BADHANDLE)
 *	export lookup by f.export_id, fh_match_export()	-> -ESTALE
 *	fh_open(export's mount fd, &f.kh, ...)		-> -ESTALE if gone
 *	fh_in_export(fd, export root dev/ino)		-> -ESTALE if outside
 */
#ifndef NFS_FH_RESOLVE_H
#define NFS_FH_RESOLVE_H

#include <sys/types.h>
#include <sys/stat.h>

#include <stdint.h>

#include "common/fh.h"

/* Most ".." steps fh_in_export() takes before giving up (-ESTALE). */
#define FH_WALK_MAX	4096

/*
 * The kernel handle of the object fd refers to (any fd, O_PATH too;
 * name_to_handle_at with AT_EMPTY_PATH).  *mnt_idp (may be NULL) gets the
 * mount id.  Returns 0, -EOVERFLOW if the handle is longer than
 * FH_KHANDLE_MAX or its type above 255, -EOPNOTSUPP if the filesystem has
 * no handles, or -errno.
 */
int	fh_from_fd(int fd, struct fh_khandle *kh, int *mnt_idp);
/* The same for path relative to dirfd, not following a final symlink. */
int	fh_from_path(int dirfd, const char *path, struct fh_khandle *kh,
	    int *mnt_idp);
/*
 * Open the object kh names on the filesystem of mount_fd (the export's
 * root, opened once at start-up, O_RDONLY: an O_PATH mount_fd is EBADF)
 * with flags (O_PATH, O_RDONLY, ...;
 * O_CLOEXEC is added).  A handle whose object is gone (deleted, inode
 * number reused with a new generation) and an object that is deleted but
 * still held open somewhere (st_nlink == 0) are -ESTALE.  *stp (may be
 * NULL) gets the fstat of the new fd.  Returns 0 and *fdp, or -errno.
 */
int	fh_open(int mount_fd, const struct fh_khandle *kh, int flags, int *fdp,
	    struct stat *stp);
/*
 * Is the object fd refers to at or below the export root (root_dev,
 * root_ino)?  A directory is checked by walking ".." (openat O_PATH) up to
 * the export root (0), or to the filesystem or mount root, another device
 * or FH_WALK_MAX steps (-ESTALE).  A non-directory has no parent link: for
 * it only the device is checked; that it belongs to the export is what the
 * handle's MAC says (we issued this handle for this export id), as with
 * knfsd's no_subtree_check.  Returns 0, -ESTALE or -errno.
 */
int	fh_in_export(int fd, dev_t root_dev, ino_t root_ino);

/*
 * Volume id from an exports(5) fsid= value: a number ("root" is 0) or a
 * UUID (32 hex digits, dashes anywhere).  Returns 0 or -EINVAL.
 */
int	fh_volid_from_fsid(const char *fsid, uint8_t volid[FH_VOLID_LEN]);
/*
 * Volume id of the filesystem fd is on, from fstatfs(2): f_type and f_fsid.
 * ext4, xfs and btrfs derive f_fsid from the filesystem UUID, so it is
 * stable across remounts and reboots; tmpfs gets a new one on each mount
 * (use fsid= there).  Returns 0, -EOPNOTSUPP if f_fsid is zero, or -errno.
 */
int	fh_volid_from_fd(int fd, uint8_t volid[FH_VOLID_LEN]);
/* fsid if not NULL, else fh_volid_from_fd() of path.  Returns 0 or -errno. */
int	fh_volid_for_path(const char *path, const char *fsid,
	    uint8_t volid[FH_VOLID_LEN]);

#endif
