/*
 * rpc_gss.h: RPCSEC_GSS version 1 (RFC 2203) for the RPC server core, on
 * MIT's GSS-API with the Kerberos 5 mechanism: krb5, krb5i and krb5p.
 *
 * A daemon that enables it accepts flavour 6 on every program it serves:
 * contexts are created on the NULL procedure (RPCSEC_GSS_INIT and
 * CONTINUE_INIT), DATA calls carry service none, integrity or privacy
 * (any of them, call by call, on one context), DESTROY ends a context.
 * The caller's principal is mapped to a local identity (gss_name.c) and
 * handlers see it as the same struct cred AUTH_SYS produces (flavor
 * CRED_RPCSEC_GSS, gss_service 1, 2 or 3). Contexts live in a bounded
 * table (least recently used first out, a cap per client address), each
 * with a replay window of GSS_SEQ_WIN sequence numbers.
 */
#ifndef NFS_RPC_GSS_H
#define NFS_RPC_GSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rpc/rpc.h>

#include "common/conf.h"

struct rpc_srv;

/* RPCSEC_GSS (flavour 6) and the auth_stat values RPCSEC_GSS_CREDPROBLEM
 * (13) and RPCSEC_GSS_CTXPROBLEM (14) come from libtirpc's <rpc/auth.h>. */
#define GSS_RPC_VERSION		1
#define GSS_PROC_DATA		0
#define GSS_PROC_INIT		1
#define GSS_PROC_CONTINUE_INIT	2
#define GSS_PROC_DESTROY	3
#define GSS_SVC_NONE		1
#define GSS_SVC_INTEGRITY	2
#define GSS_SVC_PRIVACY		3
#define GSS_RPC_MAXSEQ		0x80000000u

/* ------------------------------------------------------------ the window */

/* Sequence numbers a context accepts out of order (advertised in the
 * INIT reply). */
#define GSS_SEQ_WIN	128

struct gss_seqwin {
	uint32_t	max;		/* highest sequence number seen */
	bool		any;		/* one was seen */
	uint64_t	bits[GSS_SEQ_WIN / 64];	/* bit i: max - i was seen */
};

/*
 * Check and record seq (RFC 2203 5.3.3.1). Returns 0 (new, now recorded),
 * -EALREADY (a replay), or -ERANGE (below the window): both are dropped
 * without a reply.
 */
int	gss_seqwin_check(struct gss_seqwin *w, uint32_t seq);

/* ------------------------------------------------------------ configuration */

struct rpc_gss_config {
	char	*keytab;		/* the acceptor's keys */
	char	*principal;		/* "service/host", or empty: any key
					   of the keytab */
	long	 max_contexts;		/* in all */
	long	 max_contexts_client;	/* per client address */
	long	 max_lifetime;		/* seconds, whatever the ticket says */
};

/* The [gss] section's keys (for conf_apply/conf_print). */
extern const struct conf_key rpc_gss_conf_keys[];

/*
 * Accept RPCSEC_GSS on srv, with the keys of cfg (its strings are
 * copied). Returns 0, or -errno with a reason logged (no keytab, no key
 * for the principal). Call it after the daemon has detached.
 */
int	rpc_srv_enable_gss(struct rpc_srv *srv, const struct rpc_gss_config *cfg);

#endif
