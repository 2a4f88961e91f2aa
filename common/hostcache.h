/*
 * hostcache.h: client host names for exports that name their clients
 * (wildcards like *.example.com, @netgroups). Names are looked up by a
 * resolver thread, never by a worker: a reverse lookup (PTR) confirmed by a
 * forward lookup that gives the address back, as nfs-utils' mountd does, so
 * a client cannot claim a name by its PTR record alone. Answers are cached
 * (positive for HOSTCACHE_TTL seconds, negative for HOSTCACHE_NEG_TTL),
 * bounded in number. A worker that needs a name nobody has asked for yet
 * waits at most the time it names for the first answer.
 */
#ifndef NFS_HOSTCACHE_H
#define NFS_HOSTCACHE_H

#include <sys/socket.h>
#include <stddef.h>

#include "common/exports.h"

#define HOSTCACHE_TTL		300
#define HOSTCACHE_NEG_TTL	60

struct hostcache;

/* A cache of at most max addresses, with its resolver thread; NULL on
 * failure. */
struct hostcache *hostcache_new(unsigned max);
void	hostcache_free(struct hostcache *hc);

/*
 * The confirmed name of addr, lower case, in buf: 0, -ENOENT (it has no
 * confirmed name), or -EAGAIN (not answered within wait_ms; the lookup
 * goes on and a later call gets it).
 */
int	hostcache_name(struct hostcache *hc, const struct sockaddr *addr,
	    char *buf, size_t len, unsigned wait_ms);

/*
 * exp_match_under() / exp_match_export() for a client known by address:
 * by the address first; only if that admits nobody and the table has
 * entries that need a name (wildcards, netgroups) is the name asked of hc
 * (waiting at most wait_ms) and the match tried again with it, netgroups
 * through innetgr(3). hc may be NULL (address only).
 */
const struct exp_client *hostcache_match_under(struct hostcache *hc,
	    const struct exp_table *t, const char *path,
	    const struct sockaddr *addr, unsigned wait_ms);
const struct exp_client *hostcache_match_export(struct hostcache *hc,
	    const struct exp_export *e, const struct sockaddr *addr,
	    unsigned wait_ms);

#endif
