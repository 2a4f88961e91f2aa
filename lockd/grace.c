/*
 * grace.c: the grace period (see grace.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lockd/grace.h"

int
grace_start(struct grace *g, time_t now, unsigned secs, char *const *keys,
    size_t nkeys)
{
	size_t i;

	memset(g, 0, sizeof(*g));
	if (secs == 0)
		return 0;
	g->ends = now + (time_t)secs;
	if (nkeys == 0)
		return 0;
	if ((g->expected = calloc(nkeys, sizeof(*g->expected))) == NULL ||
	    (g->reclaimed = calloc(nkeys, sizeof(*g->reclaimed))) == NULL)
		goto nomem;
	for (i = 0; i < nkeys; i++) {
		if ((g->expected[i] = strdup(keys[i])) == NULL)
			goto nomem;
		g->nexpected++;
	}
	return 0;
nomem:
	grace_free(g);
	return -ENOMEM;
}

void
grace_free(struct grace *g)
{
	size_t i;

	for (i = 0; i < g->nexpected; i++)
		free(g->expected[i]);
	free(g->expected);
	free(g->reclaimed);
	memset(g, 0, sizeof(*g));
}

bool
grace_active(struct grace *g, time_t now)
{
	if (g->ends == 0)
		return false;
	if (now >= g->ends ||
	    (g->nreclaimed == g->nexpected &&
	    (g->nexpected == 0 || now - g->last_reclaim >= GRACE_SETTLE))) {
		g->ends = 0;
		return false;
	}
	return true;
}

void
grace_reclaimed(struct grace *g, const char *key, time_t now)
{
	size_t i;

	if (g->ends == 0)
		return;
	for (i = 0; i < g->nexpected; i++)
		if (strcmp(g->expected[i], key) == 0) {
			if (!g->reclaimed[i]) {
				g->reclaimed[i] = true;
				g->nreclaimed++;
			}
			g->last_reclaim = now;
			return;
		}
}

bool
grace_allows(struct grace *g, time_t now, enum grace_op op, bool reclaim)
{
	if (!grace_active(g, now))
		return true;
	switch (op) {
	case GR_LOCK:
	case GR_SHARE:
		return reclaim;
	case GR_FREE_ALL:
		return true;
	default:
		return false;
	}
}
