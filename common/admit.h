/*
 * admit.h: may this caller use this export, and as whom. The one place
 * rpc.nfsd, rpc.lockd and rpc.rquotad decide it, so a lock request is
 * admitted exactly when a READ on the same handle would be.
 */
#ifndef NFS_ADMIT_H
#define NFS_ADMIT_H

#include <sys/stat.h>
#include <stdint.h>

#include "common/cred.h"
#include "common/exports_live.h"
#include "common/rpc/rpc_srv.h"

struct hostcache;

struct admit {
	const struct exp_client	*cl;	/* the export's entry for the caller */
	uint32_t		 flags;	/* EXP_F_* for the call's flavour */
	struct cred_squash	 sq;
};

/* The EXP_SEC_* flavour a call is checked against (AUTH_NONE is anonymous
 * AUTH_SYS). */
uint32_t admit_flavor(const struct cred *c);
/*
 * Does export ex admit rq's caller (address, with names from hc waiting at
 * most wait_ms for a first lookup; flavour; reserved port unless
 * insecure)? Returns 0 and *a, -EACCES (not exported to the caller, or not
 * with this flavour) or -EPERM (unreserved port).
 */
int	admit_export(struct hostcache *hc, const struct exp_live_export *ex,
	    const struct req *rq, unsigned wait_ms, struct admit *a);
/*
 * The same for a lock request: the call's flavour is not checked against
 * the export's sec= list (clients send NLM with AUTH_SYS even for
 * Kerberos mounts, and knfsd does not check it either); a flavour the
 * export does not list gets the options of its first one.
 */
int	admit_export_nlm(struct hostcache *hc,
	    const struct exp_live_export *ex, const struct req *rq,
	    unsigned wait_ms, struct admit *a);
/*
 * The general form: how is a set of ADMIT_* relaxations. ADMIT_ANY_FLAVOR
 * as admit_export_nlm(); ADMIT_ANY_PORT skips the reserved-port rule (the
 * quota(1) client of an ordinary user calls rpc.rquotad from an
 * unprivileged port, and rpc.rquotad has never asked for one).
 */
#define ADMIT_ANY_FLAVOR	0x1u
#define ADMIT_ANY_PORT		0x2u
int	admit_export_how(struct hostcache *hc,
	    const struct exp_live_export *ex, const struct req *rq,
	    unsigned wait_ms, unsigned how, struct admit *a);
/* The caller's identity on the export: rq's credentials squashed as a
 * says (AUTH_NONE: the anonymous identity). c may already hold rq->cred
 * with server-side groups applied. */
void	admit_cred(const struct req *rq, const struct admit *a, struct cred *c);
/*
 * Is the object fd (fstat st) inside export ex? Same device, and a
 * directory other than the root must reach the root by "..". As root.
 * Returns 0 or -ESTALE.
 */
int	admit_contained(const struct exp_live_export *ex, int fd,
	    const struct stat *st);

#endif
