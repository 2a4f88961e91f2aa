/*
 * gidcache.h: server-side supplementary groups (nfs-utils' manage-gids).
 * AUTH_SYS carries at most 16 groups; with manage-gids the server replaces
 * them with the user's groups from its own user database (NSS), so users
 * in more groups get the access they have locally. Lookups are cached per
 * uid, bounded in entries, and expire so group changes are seen.
 */
#ifndef NFSD_GIDCACHE_H
#define NFSD_GIDCACHE_H

#include <sys/types.h>
#include <stdbool.h>

#include "common/cred.h"

#define GIDCACHE_TTL	300	/* seconds a positive answer is kept */
#define GIDCACHE_NEG_TTL 30	/* seconds "no such user" is kept */

struct gidcache;

/* A cache of at most max users; NULL on allocation failure. */
struct gidcache *gidcache_new(unsigned max);
void	gidcache_free(struct gidcache *gc);
/*
 * Replace c's supplementary groups with uid's groups from the user
 * database (the primary gid is the credential's). Returns 0, or -ENOENT
 * when the server does not know the uid (c is left as it was, as
 * nfs-utils does).
 */
int	gidcache_apply(struct gidcache *gc, struct cred *c);
/* Would gidcache_apply() answer uid from the cache, without asking NSS
 * (which may wait)? Never blocks beyond the cache's lock. */
bool	gidcache_known(struct gidcache *gc, uid_t uid);
/* Users cached now (for tests). */
unsigned gidcache_count(struct gidcache *gc);

#endif
