/*
 * lockd_share.c: SHARE and UNSHARE (NLM v3/v4, XNFS 10.14), the DOS-style
 * share reservations PC clients take when they open a file: an access
 * mode (read, write) and a deny mode (deny none/read/write/both). A
 * request conflicts with another owner's reservation on the file when
 * one's deny mode covers the other's access. The kernel has no such
 * thing: lockd keeps them, per file and bounded per host; they go with
 * the host (SM_NOTIFY, FREE_ALL).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "lockd/lockd.h"

static bool
same_owner(const struct lk_share *s, const struct lk_host *h,
    const char *caller, const netobj *oh)
{
	return s->host == h && strcmp(s->caller, caller) == 0 &&
	    s->ohlen == oh->n_len &&
	    (oh->n_len == 0 || memcmp(s->oh, oh->n_bytes, oh->n_len) == 0);
}

nlm4_stats
lk_do_share(struct req *rq, const netobj *fh, const char *caller,
    const netobj *oh, int mode, int access, bool reclaim, bool unshare)
{
	struct lockd *lk = lockd_of(rq);
	struct lk_target t;
	struct lk_host *h;
	struct lk_file *f = NULL;
	struct lk_share *s, **sp;
	nlm4_stats st;
	int rc;

	if (strlen(caller) > LK_CALLER_MAX || oh->n_len > LK_OH_MAX)
		return NLM4_DENIED_NOLOCKS;
	if (fh->n_len > LK_FH_MAX)
		return NLM4_STALE_FH;
	if (mode < fsm_DN || mode > fsm_DRW || access < fsa_NONE ||
	    access > fsa_RW)
		return NLM4_FAILED;
	if ((rc = lk_target_open(rq, fh, &t)) != 0)
		return lk_errno_stat(rc);
	if (!unshare && t.ro && (access & fsa_W)) {
		lk_target_close(&t);
		return NLM4_ROFS;
	}
	pthread_mutex_lock(&lk->lock);
	if (!grace_allows(&lk->grace, time(NULL),
	    unshare ? GR_UNSHARE : GR_SHARE, reclaim)) {
		st = NLM4_DENIED_GRACE_PERIOD;
		goto out;
	}
	if ((h = lk_host_get(lk, (struct sockaddr *)&rq->peer,
	    !unshare)) == NULL) {
		st = unshare ? NLM4_GRANTED : NLM4_DENIED_NOLOCKS;
		goto out;
	}
	h->last_used = time(NULL);
	if (!unshare && h->mon != MON_YES) {
		/* reservations go with the host when it reboots: statd must
		 * watch it, as for locks */
		h->busy++;
		rc = lk_monitor(lk, h);
		h->busy--;
		if (rc != 0) {
			st = NLM4_DENIED_NOLOCKS;
			goto out;
		}
	}
	if ((f = lk_file_get(lk, t.st.st_dev, t.st.st_ino, !unshare)) == NULL) {
		st = unshare ? NLM4_GRANTED : NLM4_DENIED_NOLOCKS;
		goto out;
	}
	if (unshare) {
		for (sp = &f->shares; (s = *sp) != NULL; sp = &s->next)
			if (same_owner(s, h, caller, oh)) {
				*sp = s->next;
				h->nshares--;
				free(s->caller);
				free(s->oh);
				free(s);
				break;
			}
		st = NLM4_GRANTED;
		goto out;
	}
	for (s = f->shares; s != NULL; s = s->next) {
		if (same_owner(s, h, caller, oh))
			continue;
		if ((s->mode & access) || (mode & s->access)) {
			st = NLM4_DENIED;
			goto out;
		}
	}
	for (s = f->shares; s != NULL; s = s->next)
		if (same_owner(s, h, caller, oh)) {
			/* the owner changes its reservation in place */
			s->mode = mode;
			s->access = access;
			st = NLM4_GRANTED;
			goto out;
		}
	if (h->nshares >= lk->lim.max_shares_per_host ||
	    (s = calloc(1, sizeof(*s))) == NULL) {
		st = NLM4_DENIED_NOLOCKS;
		goto out;
	}
	if ((s->caller = strdup(caller)) == NULL ||
	    (oh->n_len > 0 && (s->oh = malloc(oh->n_len)) == NULL)) {
		free(s->caller);
		free(s);
		st = NLM4_DENIED_NOLOCKS;
		goto out;
	}
	if (oh->n_len > 0)
		memcpy(s->oh, oh->n_bytes, oh->n_len);
	s->ohlen = oh->n_len;
	s->host = h;
	s->mode = mode;
	s->access = access;
	s->next = f->shares;
	f->shares = s;
	h->nshares++;
	st = NLM4_GRANTED;
out:
	if (f != NULL)
		lk_file_maybe_free(lk, f);
	pthread_mutex_unlock(&lk->lock);
	lk_target_close(&t);
	return st;
}
