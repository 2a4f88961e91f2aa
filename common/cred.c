/*
 * cred.c: the anonymous identity and export squashing (exports(5):
 * root_squash, all_squash, anonuid, anongid).
 */
#include "common/cred.h"

void
cred_anon(struct cred *c, uid_t anonuid, gid_t anongid)
{
	/* Only the identity changes; flavor, machine name and principal
	 * still describe how the caller authenticated. */
	c->uid = anonuid;
	c->gid = anongid;
	c->ngroups = 0;
}

void
cred_squash(struct cred *c, const struct cred_squash *sq)
{
	unsigned i, n;

	if (sq->all_squash) {
		cred_anon(c, sq->anonuid, sq->anongid);
		return;
	}
	if (!sq->root_squash)
		return;
	/* Like knfsd: gid 0 is squashed whoever the caller is, so a
	 * non-root user cannot reach root-group files through a list. */
	if (c->uid == 0)
		c->uid = sq->anonuid;
	if (c->gid == 0)
		c->gid = sq->anongid;
	n = c->ngroups < CRED_MAXGROUPS ? c->ngroups : CRED_MAXGROUPS;
	for (i = 0; i < n; i++)
		if (c->groups[i] == 0)
			c->groups[i] = sq->anongid;
}
