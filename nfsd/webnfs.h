/*
 * webnfs.h: WebNFS (RFC 2054, RFC 2055) in rpc.nfsd: the public file
 * handle and the multi-component LOOKUP relative to it.
 *
 * The public handle is a zero-length NFSv3 handle or an all-zero 32-byte
 * NFSv2 handle. It stands for the root of the one export marked `public`
 * (exports(5)), and it goes through every check a handle of that export
 * gets (client address, reserved port, flavour, squashing, ro): vfs.c
 * resolves it in vfs_open_fh(), so any procedure may use it.
 *
 * A LOOKUP whose directory is the public handle carries a path, not a
 * name (RFC 2055 6):
 *	"a/b/c"		canonical path, relative to the public export's root;
 *			'%' and two hex digits is one byte ("%25" a '%'; "%2f"
 *			would put a '/' in a name: ACCES); a '%' without them,
 *			or "%00", is INVAL
 *	"/srv/x/y"	canonical path from the server's root: served only
 *			where it lands in an export (the longest export path
 *			that is a prefix of it), and that export must admit
 *			the caller as a handle of its own would; else ACCES
 *	0x80 "..."	native path: the server's own syntax, taken as is
 *			(no %-escapes); a leading '/' again means the
 *			server's root
 * Each component is then looked up as by a LOOKUP of its own (vfs_lookup):
 * ".." at an export root is the root, mounts are crossed only as crossmnt
 * and nohide allow. Empty components ("a//b", a trailing '/') are skipped;
 * a path with no component at all is ACCES, as an empty name.
 *
 * Symlinks (RFC 2055 6.2): one at the end of the path is returned as
 * itself, for the client to READLINK and resolve (RFC 2054 6.2). One in the
 * middle is evaluated here, but only inside the export the walk is in: a
 * relative text goes on from the link's directory, an absolute one from
 * the export's root when it names a place under the export's path; a ".."
 * of a link's text at an export root, or an absolute text elsewhere, is
 * ACCES. At most WEBNFS_MAXLINKS links per LOOKUP (then ELOOP), and
 * WEBNFS_MAXSTEPS components looked up in all (then ENAMETOOLONG): links
 * full of "." must not make one call cost a hundred thousand lookups.
 */
#ifndef NFSD_WEBNFS_H
#define NFSD_WEBNFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/exports_live.h"

struct req;
struct vnode;

#define WEBNFS_NATIVE		0x80	/* first byte of a native path */
#define WEBNFS_PATH_MAX		1024	/* longest path: NFS3_XDR_NAMELEN */
#define WEBNFS_MAXCOMP		(WEBNFS_PATH_MAX / 2 + 1)
#define WEBNFS_MAXLINKS		40	/* symlinks followed in one LOOKUP */
#define WEBNFS_MAXSTEPS		4096	/* components pending, links' too, and
					   looked up in one LOOKUP: a bound on
					   the work one call can ask for */

/* A LOOKUP path split into decoded components (pointers into buf). */
struct webnfs_path {
	bool	 native;		/* began with 0x80 */
	bool	 absolute;		/* from the server's root */
	size_t	 ncomp;
	char	*comp[WEBNFS_MAXCOMP];
	char	 buf[WEBNFS_PATH_MAX + 1];
};

/*
 * Is (fh, len) the public handle of this call's program version (NFS v3:
 * zero length; v2: 32 zero bytes; nothing else, nor another program)?
 */
bool	webnfs_is_public_fh(uint32_t prog, uint32_t vers, const void *fh,
	    size_t len);
/*
 * Decode one canonical component in[0..n) (RFC 2055 %XX escapes) into out
 * (room for n + 1 bytes), NUL-terminated. Returns 0; -EINVAL for a '%'
 * without two hex digits after it or an escaped NUL; -EACCES for an
 * escaped '/' (no name can hold one).
 */
int	webnfs_unescape(const char *in, size_t n, char *out);
/*
 * Split a LOOKUP path as above into p. Returns 0, -ENAMETOOLONG (over
 * WEBNFS_PATH_MAX) or what webnfs_unescape() returns.
 */
int	webnfs_parse(const char *name, struct webnfs_path *p);
/*
 * How many leading components of p the export path (normalized, "/" or
 * "/a/b") covers: 0 for "/", -1 when it is not a prefix of p.
 */
int	webnfs_prefix(const char *export_path, const struct webnfs_path *p);
/* The usable export marked public in l (any of its entries says
 * `public`), or NULL. Implicit (crossmnt) exports never are. */
const struct exp_live_export *webnfs_public_export(const struct exp_live *l);
/* The usable explicit export whose path is the longest prefix of the
 * absolute path p, with the number of components it covers in *usedp;
 * NULL when none is. */
const struct exp_live_export *webnfs_export_of(const struct exp_live *l,
	    const struct webnfs_path *p, size_t *usedp);
/*
 * RFC 2055 multi-component LOOKUP of name relative to the public handle:
 * *dir gets the directory evaluation started from (the public export's
 * root, or the root of the export an absolute path lands in; fd -1 when
 * that failed), *obj the object found. Returns 0 or -errno (-EBADMSG when
 * no export is public: the handle means nothing here).
 */
int	webnfs_lookup(struct req *rq, const char *name, struct vnode *dir,
	    struct vnode *obj);

#endif
