/*
 * exp_path.h: a client's path into an export, resolved the way rpc.mountd
 * resolves a MNT path, for every daemon that takes paths from the network
 * (rpc.mountd, rpc.rquotad): normalised lexically, matched against the
 * exports by the caller's address, and opened beneath the export root
 * with openat2(2) RESOLVE_BENEATH, so that neither ".." nor a symlink
 * leads out of the export.
 */
#ifndef NFS_EXP_PATH_H
#define NFS_EXP_PATH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Normalize an absolute path lexically: collapse "//" and "/./", resolve
 * ".." against the components before it ("/a/../.." is "/"), drop a
 * trailing "/". Returns 0, -EINVAL (not absolute, empty) or -ENAMETOOLONG
 * (result does not fit outlen, or a component is longer than NAME_MAX).
 */
int	exp_path_norm(const char *in, char *out, size_t outlen);
/* A path as it may be logged: unprintable bytes as \ooo, shortened. */
const char *exp_path_safe(const char *path, char *buf, size_t len);
/* The part of the normalised path below the export path ep ("" for the
 * export itself); path must be ep or below it. */
const char *exp_path_rel(const char *path, const char *ep);
/*
 * Open rel (relative to the export root, "" for the root itself) beneath
 * root_fd, never leaving it, and never crossing a mount point unless the
 * export's flags (EXP_F_*) have crossmnt or nohide. Returns an O_PATH fd
 * or -errno (-EXDEV: would leave the export).
 */
int	exp_open_beneath(int root_fd, const char *rel, uint32_t flags);

#endif
