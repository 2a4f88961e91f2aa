/*
 * auth_dh_int.h: what auth_dh.c (the flavour, in every program) and
 * auth_dh_verify.c (the verifier, linked only by the programs that enable
 * AUTH_DH) share: the per-server state behind srv->dh.
 */
#ifndef NFS_RPC_AUTH_DH_INT_H
#define NFS_RPC_AUTH_DH_INT_H

#include <sys/time.h>

#include "common/ratelog.h"
#include "common/rpc/auth_dh.h"

struct auth_dh {
	struct ratelog	 refused;	/* AUTH_TOOWEAK notices */
	struct dh_srv	*v;		/* NULL: not enabled */
	/* dh_srv_verify and dh_srv_free, set with v: through pointers, so
	 * that a program that never enables AUTH_DH links no crypto */
	enum auth_stat	(*verify)(struct dh_srv *,
			    const struct authdh_cred *,
			    const struct authdh_verf *, const struct timeval *,
			    struct cred *, uint8_t[DH_VERF_LEN]);
	void		(*vfree)(struct dh_srv *);
};

#endif
