/*
 * admit.c: export admission for a call (see admit.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "common/admit.h"
#include "common/fh_resolve.h"
#include "common/hostcache.h"
#include "common/log.h"

uint32_t
admit_flavor(const struct cred *c)
{
	switch (c->flavor) {
	case CRED_RPCSEC_GSS:
		return c->gss_service == 3 ? EXP_SEC_KRB5P :
		    c->gss_service == 2 ? EXP_SEC_KRB5I : EXP_SEC_KRB5;
	case CRED_AUTH_DH:
		return EXP_SEC_DH;
	default:
		return EXP_SEC_SYS;
	}
}

int
admit_export_how(struct hostcache *hc, const struct exp_live_export *ex,
    const struct req *rq, unsigned wait_ms, unsigned how, struct admit *a)
{
	bool any_flavor = (how & ADMIT_ANY_FLAVOR) != 0;
	uint32_t flavor = admit_flavor(&rq->cred);

	memset(a, 0, sizeof(*a));
	if ((a->cl = hostcache_match_export(hc, ex->e,
	    (const struct sockaddr *)&rq->peer, wait_ms)) == NULL) {
		log_debug(LOG_D_EXPORT, "%s not exported to this client",
		    ex->e->path);
		return -EACCES;
	}
	if (any_flavor && a->cl->opts.nsec > 0 &&
	    exp_sec_flags(&a->cl->opts, flavor, &a->flags) != 0)
		flavor = a->cl->opts.sec[0].flavor;	/* the export's first */
	if (exp_sec_flags(&a->cl->opts, flavor, &a->flags) != 0 ||
	    exp_squash(&a->cl->opts, flavor, &a->sq) != 0)
		return -EACCES;
	if (!(how & ADMIT_ANY_PORT) && !(a->flags & EXP_F_INSECURE) &&
	    !req_is_privileged(rq)) {
		log_debug(LOG_D_EXPORT, "insecure port for %s", ex->e->path);
		return -EPERM;
	}
	return 0;
}

int
admit_export(struct hostcache *hc, const struct exp_live_export *ex,
    const struct req *rq, unsigned wait_ms, struct admit *a)
{
	return admit_export_how(hc, ex, rq, wait_ms, 0, a);
}

int
admit_export_nlm(struct hostcache *hc, const struct exp_live_export *ex,
    const struct req *rq, unsigned wait_ms, struct admit *a)
{
	return admit_export_how(hc, ex, rq, wait_ms, ADMIT_ANY_FLAVOR, a);
}

void
admit_cred(const struct req *rq, const struct admit *a, struct cred *c)
{
	/* AUTH_NONE, and a GSS principal or AUTH_DH netname with no local
	 * user (gss_name.h, dhkeys.h) */
	if (rq->cred.flavor == CRED_AUTH_NONE ||
	    ((rq->cred.flavor == CRED_RPCSEC_GSS ||
	    rq->cred.flavor == CRED_AUTH_DH) && rq->cred.uid == (uid_t)-1))
		cred_anon(c, a->sq.anonuid, a->sq.anongid);
	else
		cred_squash(c, &a->sq);
}

int
admit_contained(const struct exp_live_export *ex, int fd,
    const struct stat *st)
{
	if (st->st_dev != ex->dev)
		return -ESTALE;
	if (S_ISDIR(st->st_mode) && st->st_ino != ex->ino)
		return fh_in_export(fd, ex->dev, ex->ino);
	return 0;
}
