/*
 * nfsconf.h: the keys of nfs-utils' /etc/nfs.conf (nfs.conf(5)) that mean
 * something to the suite, read beside the suite's own file. A value set in
 * the suite's file (or on the command line) wins; a key nfs.conf sets and
 * the suite's file does not is taken from nfs.conf; otherwise the suite's
 * default holds. --print-config shows which ("# from: ...").
 *
 *	suite key		nfs.conf key
 *	[nfsd] threads		[nfsd] threads (0: not set)
 *	[nfsd] port		[nfsd] port (0: not set)
 *	[nfsd] bind		[nfsd] host
 *	[nfsd] udp tcp		[nfsd] udp tcp
 *	[nfsd] vers2 vers3	[nfsd] vers2 vers3
 *	[nfsd] manage-gids	[mountd] manage-gids (rpc.nfsd does the lookup
 *				that knfsd asks rpc.mountd for)
 *	[mountd] port		[mountd] port
 *	[mountd] threads	[mountd] threads (0: not set)
 *	[mountd] udp tcp	[nfsd] udp tcp (as nfs-utils' rpc.mountd)
 *	[mountd] vers2 vers3	[nfsd] vers2 vers3 (likewise)
 *	[lockd] port		[lockd] port
 *	[statd] port		[statd] port
 *	[statd] outgoing-port	[statd] outgoing-port
 *	[exportfs] debug	[exportfs] debug
 */
#ifndef NFS_NFSCONF_H
#define NFS_NFSCONF_H

#include <stddef.h>

#include "common/conf.h"

/* Where nfs-utils keeps it; [global] nfs-conf or --nfs-conf say otherwise
 * (empty: none). */
#define NFSCONF_DEFAULT_PATH	"/etc/nfs.conf"

/*
 * Add to cf's [section] the values nfs (a conf_load_foreign() file) has for
 * it and cf does not, each remembering its origin. Returns the number
 * taken, or -ENOMEM.
 */
int	nfsconf_import(struct conf_file *cf, const struct conf_file *nfs,
	    const char *section);

#endif
