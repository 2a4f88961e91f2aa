/*
 * grace.h: the grace period after rpc.lockd starts, pure (time is passed
 * in). For grace-period seconds only reclaims are granted, so clients
 * that held locks before the restart get them back before anyone else
 * can take them; it ends early once every host that held locks at the
 * last shutdown (lockd's host list) has reclaimed and none has reclaimed
 * for GRACE_SETTLE seconds, or at once when that list was empty.
 *
 * Within grace, as knfsd: TEST, LOCK and NM_LOCK without reclaim, CANCEL,
 * UNLOCK, SHARE without reclaim and UNSHARE get denied_grace_period (a
 * client retries those after a few seconds); reclaims and FREE_ALL go on.
 */
#ifndef LOCKD_GRACE_H
#define LOCKD_GRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define GRACE_SETTLE	2	/* quiet seconds after the last expected reclaim */

enum grace_op {
	GR_TEST, GR_LOCK, GR_CANCEL, GR_UNLOCK, GR_SHARE, GR_UNSHARE,
	GR_FREE_ALL
};

struct grace {
	time_t		 ends;		/* 0: not in grace */
	char		**expected;	/* host keys that held locks */
	bool		*reclaimed;
	size_t		 nexpected, nreclaimed;
	time_t		 last_reclaim;
};

/*
 * Start a grace period of secs seconds at now, expecting the hosts in
 * keys (copied; may be empty). secs 0: no grace at all. Returns 0 or
 * -ENOMEM.
 */
int	grace_start(struct grace *g, time_t now, unsigned secs,
	    char *const *keys, size_t nkeys);
void	grace_free(struct grace *g);
/* Is grace still on at now? Ends it (for good) once over. */
bool	grace_active(struct grace *g, time_t now);
/* A reclaim from host key was granted at now. */
void	grace_reclaimed(struct grace *g, const char *key, time_t now);
/* May op (reclaim or not) go on at now? false: denied_grace_period. */
bool	grace_allows(struct grace *g, time_t now, enum grace_op op,
	    bool reclaim);

#endif
