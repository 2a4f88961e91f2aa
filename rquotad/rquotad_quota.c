/*
 * rquotad_quota.c: GETQUOTA, GETACTIVEQUOTA, SETQUOTA and SETACTIVEQUOTA
 * of both versions.
 *
 * The path of a request is resolved as rpc.mountd resolves a MNT path
 * (common/exp_path.h): normalised lexically, matched against the exports
 * by the caller's numeric address, and opened beneath the export root, so
 * a quota is only ever read from a filesystem an export admits the caller
 * to. The caller's identity is its credential squashed by that export;
 * the access rules (rquota_conv.c) decide on it. The quota comes from the
 * filesystem the path was opened on (qctl.c).
 *
 * Answers: a path outside every export admitting the caller, a refused
 * identity, or SETQUOTA where it is not allowed: Q_EPERM, logged at
 * notice with the numeric address (a few per interval, then a count). A
 * path that does not exist inside the export, a filesystem without
 * quotas, an id the kernel rejects, a quota type the protocol does not
 * have: Q_NOQUOTA. GETACTIVEQUOTA and SETACTIVEQUOTA also answer
 * Q_NOQUOTA when the limits are not enforced (accounting only).
 *
 * Unlike rpc.mountd, the reserved-port rule only applies to SETQUOTA: an
 * ordinary user's quota(1) asks from an unprivileged port. The call's
 * flavour is not held against the export's sec= list (quota(1) always
 * sends AUTH_SYS, even for a Kerberos mount), as with NLM.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/admit.h"
#include "common/exp_path.h"
#include "common/hostcache.h"
#include "common/log.h"
#include "rquotad/rquotad.h"

/* What one call asks. */
struct qask {
	const char	*path;
	int		 type;		/* RQUOTA_USRQUOTA, RQUOTA_GRPQUOTA */
	int		 id;
	bool		 active;	/* the *ACTIVEQUOTA procedures */
	bool		 set;
	int		 qcmd;		/* SETQUOTA */
	const sq_dqblk	*sq;
};

static void
refuse(struct rquotad *r, struct req *rq, const struct qask *q,
    const char *why)
{
	char safe[512];

	if (ratelog_allow(&r->rate_refused, (const struct sockaddr *)&rq->peer))
		log_notice("refused %s request from %s for %s quota of %d on "
		    "%s: %s", q->set ? "SETQUOTA" : "GETQUOTA",
		    req_peer_str(rq), q->type == RQUOTA_GRPQUOTA ? "group" :
		    q->type == RQUOTA_USRQUOTA ? "user" : "unknown", q->id,
		    exp_path_safe(q->path, safe, sizeof(safe)), why);
}

/* errno of quotactl or of the path -> the protocol's status. */
static gqr_status
quota_status(int rc)
{
	switch (-rc) {
	case 0:
		return Q_OK;
	case EPERM:
	case EACCES:
	case EXDEV:		/* openat2: would leave the export */
	case ELOOP:
		return Q_EPERM;
	default:		/* ESRCH (quotas off), ENOENT, EINVAL, ... */
		return Q_NOQUOTA;
	}
}

/*
 * Resolve q->path for rq's caller: returns 0 with an O_PATH descriptor
 * beneath the export and the caller's squashed identity, or the status
 * to answer (refusals already logged).
 */
static gqr_status
resolve(struct rquotad *r, struct req *rq, const struct qask *q, int *fdp,
    struct cred *c, uint32_t *flagsp)
{
	const struct exp_client *cl;
	const struct exp_live_export *x;
	struct exp_live *l;
	struct admit a;
	char *norm, why[64];
	gqr_status st = Q_EPERM;
	int rc, fd;

	*fdp = -1;
	if ((norm = req_alloc(rq, RQ_PATHLEN + 1)) == NULL)
		return Q_NOQUOTA;
	if ((rc = exp_path_norm(q->path, norm, RQ_PATHLEN + 1)) != 0) {
		refuse(r, rq, q, rc == -EINVAL ? "not an absolute path" :
		    "path too long");
		return Q_EPERM;
	}
	if ((l = exp_holder_get(&r->exports)) == NULL) {
		refuse(r, rq, q, "no exports loaded");
		return Q_EPERM;
	}
	if ((cl = hostcache_match_under(r->hosts, l->table, norm,
	    (const struct sockaddr *)&rq->peer, RQUOTAD_NAME_WAIT_MS)) == NULL ||
	    (x = exp_live_by_export(l, cl->export)) == NULL ||
	    x->root_fd < 0) {
		refuse(r, rq, q, "no export entry or access denied");
		goto out;
	}
	if ((rc = admit_export_how(r->hosts, x, rq, RQUOTAD_NAME_WAIT_MS,
	    ADMIT_ANY_FLAVOR | (q->set ? 0 : ADMIT_ANY_PORT), &a)) != 0) {
		if (rc == -EPERM)
			snprintf(why, sizeof(why), "illegal port %d",
			    addr_port((const struct sockaddr *)&rq->peer));
		refuse(r, rq, q, rc == -EPERM ? why :
		    "no export entry or access denied");
		goto out;
	}
	*c = rq->cred;
	admit_cred(rq, &a, c);
	if (q->set) {
		if (!rquota_may_set(c, r->allow_set, (a.flags & EXP_F_RO) != 0)) {
			refuse(r, rq, q, !r->allow_set ? "SETQUOTA is off" :
			    (a.flags & EXP_F_RO) ? "read-only export" :
			    "only root on a no_root_squash export may set "
			    "quotas");
			goto out;
		}
	} else if (!rquota_may_get(c, q->type, q->id)) {
		snprintf(why, sizeof(why), "caller is uid %lu, gid %lu",
		    (unsigned long)c->uid, (unsigned long)c->gid);
		refuse(r, rq, q, why);
		goto out;
	}
	if ((fd = exp_open_beneath(x->root_fd, exp_path_rel(norm,
	    cl->export->path), a.flags)) < 0) {
		st = quota_status(fd);
		if (st == Q_EPERM)
			refuse(r, rq, q, "path leads out of the export");
		goto out;
	}
	*fdp = fd;
	*flagsp = a.flags;
	st = Q_OK;
out:
	exp_live_put(l);
	return st;
}

static gqr_status
get_quota(struct req *rq, const struct qask *q, rquota *out)
{
	struct rquotad *r = rq->ctx;
	struct if_dqblk d;
	struct cred *c;
	uint32_t flags;
	bool active = false;
	gqr_status st;
	int fd, type, rc;

	if ((c = req_alloc(rq, sizeof(*c))) == NULL)
		return Q_NOQUOTA;
	if ((st = resolve(r, rq, q, &fd, c, &flags)) != Q_OK)
		return st;
	if ((type = rquota_type(q->type)) < 0)
		rc = -EINVAL;
	else
		rc = qctl_get(fd, type, (uint32_t)q->id, &d, &active);
	close(fd);
	if (rc == 0 && q->active && !active)
		return Q_NOQUOTA;
	if (rc != 0) {
		log_debug(LOG_D_VFS, "quota %d/%d: %s", q->type, q->id,
		    strerror(-rc));
		return quota_status(rc) == Q_EPERM ? Q_EPERM : Q_NOQUOTA;
	}
	rquota_from_kernel(&d, active, time(NULL), out);
	return Q_OK;
}

static gqr_status
set_quota(struct req *rq, const struct qask *q, rquota *out)
{
	struct rquotad *r = rq->ctx;
	struct if_dqblk d, cur;
	struct cred *c;
	uint32_t flags;
	bool active = false;
	char safe[512];
	gqr_status st;
	int fd, type, rc;

	if ((c = req_alloc(rq, sizeof(*c))) == NULL)
		return Q_NOQUOTA;
	if ((st = resolve(r, rq, q, &fd, c, &flags)) != Q_OK)
		return st;
	if ((type = rquota_type(q->type)) < 0 ||
	    (q->qcmd & SUBCMDMASK) != q->type) {
		close(fd);
		refuse(r, rq, q, "quota command and type disagree");
		return Q_EPERM;
	}
	if (rquota_to_kernel(q->sq, q->qcmd, time(NULL), &d) != 0) {
		close(fd);
		refuse(r, rq, q, "unknown quota command");
		return Q_EPERM;
	}
	/* quotas on (the *ACTIVE* forms: and enforced) before changing */
	if ((rc = qctl_get(fd, type, (uint32_t)q->id, &cur, &active)) != 0 ||
	    (q->active && !active)) {
		close(fd);
		return rc != 0 && quota_status(rc) == Q_EPERM ? Q_EPERM :
		    Q_NOQUOTA;
	}
	if ((rc = qctl_set(fd, type, (uint32_t)q->id, &d)) == 0)
		rc = qctl_get(fd, type, (uint32_t)q->id, &d, &active);
	close(fd);
	if (rc != 0) {
		log_warnx("SETQUOTA from %s for %s quota of %d on %s: %s",
		    req_peer_str(rq), type == GRPQUOTA ? "group" : "user",
		    q->id, exp_path_safe(q->path, safe, sizeof(safe)),
		    strerror(-rc));
		return quota_status(rc) == Q_EPERM ? Q_EPERM : Q_NOQUOTA;
	}
	log_notice("%s quota of %d on %s set by %s", type == GRPQUOTA ?
	    "group" : "user", q->id, exp_path_safe(q->path, safe,
	    sizeof(safe)), req_peer_str(rq));
	rquota_from_kernel(&d, active, time(NULL), out);
	return Q_OK;
}

/* ------------------------------------------------------------ version 1 */

static enum disp
get1(struct req *rq, getquota_args *a, getquota_rslt *res, bool active)
{
	struct qask q = { a->gqa_pathp, RQUOTA_USRQUOTA, a->gqa_uid, active,
	    false, 0, NULL };

	res->status = get_quota(rq, &q, &res->getquota_rslt_u.gqr_rquota);
	return DISP_REPLY;
}

enum disp
rquotad_getquota1(struct req *rq, getquota_args *a, getquota_rslt *res)
{
	return get1(rq, a, res, false);
}

enum disp
rquotad_getactivequota1(struct req *rq, getquota_args *a, getquota_rslt *res)
{
	return get1(rq, a, res, true);
}

static enum disp
set1(struct req *rq, setquota_args *a, setquota_rslt *res, bool active)
{
	struct qask q = { a->sqa_pathp, RQUOTA_USRQUOTA, a->sqa_id, active,
	    true, a->sqa_qcmd, &a->sqa_dqblk };

	res->status = set_quota(rq, &q, &res->setquota_rslt_u.sqr_rquota);
	return DISP_REPLY;
}

enum disp
rquotad_setquota1(struct req *rq, setquota_args *a, setquota_rslt *res)
{
	return set1(rq, a, res, false);
}

enum disp
rquotad_setactivequota1(struct req *rq, setquota_args *a, setquota_rslt *res)
{
	return set1(rq, a, res, true);
}

/* ------------------------------------------------------------ version 2 */

static enum disp
get2(struct req *rq, ext_getquota_args *a, getquota_rslt *res, bool active)
{
	struct qask q = { a->gqa_pathp, a->gqa_type, a->gqa_id, active, false,
	    0, NULL };

	res->status = get_quota(rq, &q, &res->getquota_rslt_u.gqr_rquota);
	return DISP_REPLY;
}

enum disp
rquotad_getquota2(struct req *rq, ext_getquota_args *a, getquota_rslt *res)
{
	return get2(rq, a, res, false);
}

enum disp
rquotad_getactivequota2(struct req *rq, ext_getquota_args *a,
    getquota_rslt *res)
{
	return get2(rq, a, res, true);
}

static enum disp
set2(struct req *rq, ext_setquota_args *a, setquota_rslt *res, bool active)
{
	struct qask q = { a->sqa_pathp, a->sqa_type, a->sqa_id, active, true,
	    a->sqa_qcmd, &a->sqa_dqblk };

	res->status = set_quota(rq, &q, &res->setquota_rslt_u.sqr_rquota);
	return DISP_REPLY;
}

enum disp
rquotad_setquota2(struct req *rq, ext_setquota_args *a, setquota_rslt *res)
{
	return set2(rq, a, res, false);
}

enum disp
rquotad_setactivequota2(struct req *rq, ext_setquota_args *a,
    setquota_rslt *res)
{
	return set2(rq, a, res, true);
}
