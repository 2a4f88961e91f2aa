/*
 * posix_acl.h: POSIX ACLs (POSIX 1003.1e draft 17, as Linux keeps them)
 * between the two forms rpc.nfsd meets:
 *
 *  - the value of the extended attributes system.posix_acl_access and
 *    system.posix_acl_default, Linux's <linux/posix_acl_xattr.h> layout,
 *    little-endian:
 *	u32 version (2)
 *	then per entry: u16 tag, u16 perm, u32 id
 *    entries sorted by tag and then id, the id of every entry but USER
 *    and GROUP being ACL_UNDEFINED_ID (0xffffffff);
 *  - the entries of the NFS_ACL protocol (xdr/nfs_acl.x), in Solaris'
 *    form, as Linux's fs/nfs_common/nfsacl.c writes and reads it: a
 *    minimal ACL (owner, group, other) goes out with a mask entry equal
 *    to the group entry, USER_OBJ and GROUP_OBJ carry the owner's uid and
 *    gid, CLASS_OBJ and OTHER_OBJ id 0, and a default ACL's entries have
 *    NFS_ACL_DEFAULT in their type; coming in, entries may be in any
 *    order, and a four-entry ACL whose mask equals its group entry is the
 *    minimal ACL.
 *
 * Pure: no system call, no allocation; callers give the storage (a struct
 * pacl is 8 KiB). Every function returns 0 (or a count) or -errno.
 */
#ifndef NFS_POSIX_ACL_H
#define NFS_POSIX_ACL_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdr/nfs_acl.h"

#define PACL_XATTR_ACCESS	"system.posix_acl_access"
#define PACL_XATTR_DEFAULT	"system.posix_acl_default"
#define PACL_XATTR_VERSION	2
#define PACL_UNDEFINED_ID	0xffffffffu
/* The protocol's bound is the one we keep: an ACL with more entries can
 * be neither sent nor taken. */
#define PACL_MAX_ENTRIES	NFS_ACL_MAX_ENTRIES

/* Tags: Linux's ACL_* values, which are also the protocol's NA_*. */
#define PACL_USER_OBJ		0x01
#define PACL_USER		0x02
#define PACL_GROUP_OBJ		0x04
#define PACL_GROUP		0x08
#define PACL_MASK		0x10
#define PACL_OTHER		0x20

#define PACL_PERM_BITS		0x07	/* read 4, write 2, execute 1 */

struct pacl_entry {
	uint16_t	tag;	/* PACL_* */
	uint16_t	perm;	/* PACL_PERM_BITS */
	uint32_t	id;	/* uid or gid for USER and GROUP, else
				   PACL_UNDEFINED_ID */
};

/* An ACL; n == 0 means "none" (no such attribute). */
struct pacl {
	unsigned		n;
	struct pacl_entry	e[PACL_MAX_ENTRIES];
};

/* Bytes of the attribute value of an ACL of n entries. */
size_t	pacl_xattr_size(unsigned n);

/*
 * The ACL an attribute value holds. An empty value (version only) is no
 * ACL (n = 0). -EINVAL: not that layout, or not a valid ACL (pacl_valid);
 * -E2BIG: more than PACL_MAX_ENTRIES entries.
 */
int	pacl_from_xattr(const void *buf, size_t len, struct pacl *acl);

/* The attribute value of acl into buf (len bytes). Returns its length, or
 * -ERANGE when buf is too small. */
ssize_t	pacl_to_xattr(const struct pacl *acl, void *buf, size_t len);

/* The minimal ACL of a mode: owner, group and other, from its bits. */
void	pacl_from_mode(mode_t mode, struct pacl *acl);

/*
 * Is acl a valid ACL, as the kernel checks one it is given (POSIX
 * 1003.1e 23.3.2 and Linux's posix_acl_valid)? Exactly one USER_OBJ,
 * GROUP_OBJ and OTHER, any USER entries after USER_OBJ and GROUP entries
 * after GROUP_OBJ with strictly ascending ids (so none twice) other than
 * PACL_UNDEFINED_ID, a MASK when there are USER or GROUP entries (at most
 * one, before OTHER), permissions within PACL_PERM_BITS. 0 or -EINVAL.
 */
int	pacl_valid(const struct pacl *acl);

/* Does acl say no more than its mode would (owner, group, other only)? */
bool	pacl_is_minimal(const struct pacl *acl);

/* Entries acl takes on the wire: 0 for none, else at least 4 (a minimal
 * ACL goes out with its mask). */
unsigned pacl_nfs_count(const struct pacl *acl);

/*
 * The protocol's entries of acl into out (room for max), for an object
 * owned by uid:gid; dflt marks them as the default ACL's. Returns the
 * number written (pacl_nfs_count()), or -ERANGE when max is too small.
 */
int	pacl_to_nfs(const struct pacl *acl, uint32_t uid, uint32_t gid,
	    bool dflt, aclent *out, unsigned max);

/*
 * The ACL n protocol entries describe (NFS_ACL_DEFAULT in their types is
 * ignored, as Linux does), sorted, with the ids of USER_OBJ, GROUP_OBJ,
 * CLASS_OBJ and OTHER_OBJ cleared, a minimal ACL's mask dropped, and the
 * extra bits Solaris may set in a mask's perm cleared. n == 0 is no ACL.
 * -EINVAL: an unknown type, permission bits beyond rwx, a named entry
 * with id 0xffffffff, more than PACL_MAX_ENTRIES entries, or the result
 * is not valid (pacl_valid()).
 */
int	pacl_from_nfs(const aclent *in, unsigned n, struct pacl *acl);

#endif
