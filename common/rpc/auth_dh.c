/*
 * auth_dh.c: the AUTH_DH flavour (RFC 2695 section 2) as every program of
 * the RPC core has it: strict decoding, and AUTH_TOOWEAK unless
 * rpc_srv_enable_dh() (auth_dh_verify.c) installed a verifier. See
 * auth_dh.h for the wire formats and the errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dhkeys.h"
#include "common/exp_path.h"
#include "common/log.h"
#include "common/ratelog.h"
#include "common/rpc/auth_dh.h"
#include "common/rpc/auth_dh_int.h"
#include "common/rpc/rpc_int.h"

/* ------------------------------------------------------------ decoding */

static uint32_t
be32(const uint8_t *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return ntohl(w);
}

int
authdh_decode_cred(const struct rpc_opaque *o, struct authdh_cred *c)
{
	uint32_t len, pad, i, off;

	memset(c, 0, sizeof(*c));
	if (o->len < 4)
		return -EINVAL;
	c->namekind = be32(o->body);
	switch (c->namekind) {
	case ADN_NICKNAME:
		if (o->len != 8)
			return -EINVAL;
		c->nickname = be32(o->body + 4);
		return 0;
	case ADN_FULLNAME:
		if (o->len < 8)
			return -EINVAL;
		len = be32(o->body + 4);
		if (len == 0 || len > DH_MAXNETNAME)
			return -EINVAL;
		pad = (len + 3) & ~3u;
		/* namekind, length, the name, key (8), window (4): no more */
		if (o->len != 8 + pad + 8 + 4)
			return -EINVAL;
		off = 8;
		if (memchr(o->body + off, '\0', len) != NULL)
			return -EINVAL;
		for (i = len; i < pad; i++)
			if (o->body[off + i] != 0)
				return -EINVAL;
		memcpy(c->netname, o->body + off, len);
		c->netname[len] = '\0';
		off += pad;
		memcpy(c->key, o->body + off, 8);
		memcpy(c->w1, o->body + off + 8, 4);
		return 0;
	default:
		return -EINVAL;
	}
}

int
authdh_decode_verf(const struct rpc_opaque *o, struct authdh_verf *v)
{
	memset(v, 0, sizeof(*v));
	if (o->flavor != AUTH_DH || o->len != DH_VERF_LEN)
		return -EINVAL;
	memcpy(v->ts, o->body, 8);
	memcpy(v->w2, o->body + 8, 4);
	return 0;
}

/* ------------------------------------------------------------ the flavour */


static enum auth_result
dh_accept(struct req *rq, const struct rpc_opaque *cred,
    const struct rpc_opaque *verf, enum auth_stat *why)
{
	struct auth_dh *a = rq->srv->dh;
	struct authdh_cred cr;
	struct authdh_verf v;
	struct timeval now;
	char safe[4 * DH_MAXNETNAME + 1];
	uint8_t *rv;

	if (authdh_decode_cred(cred, &cr) != 0) {
		log_debug(LOG_D_AUTH, "%s: bad AUTH_DH credential",
		    req_peer_str(rq));
		*why = AUTH_BADCRED;
		return AUTHR_DENY;
	}
	if (authdh_decode_verf(verf, &v) != 0) {
		log_debug(LOG_D_AUTH, "%s: bad AUTH_DH verifier",
		    req_peer_str(rq));
		*why = AUTH_BADVERF;
		return AUTHR_DENY;
	}
	if (a == NULL || a->v == NULL) {
		if (a == NULL || ratelog_allow(&a->refused,
		    (const struct sockaddr *)&rq->peer)) {
			if (cr.namekind == ADN_FULLNAME)
				log_notice("%s: AUTH_DH call refused (AUTH_DH "
				    "is off): netname %s (unverified)",
				    req_peer_str(rq), exp_path_safe(cr.netname,
				    safe, sizeof(safe)));
			else
				log_notice("%s: AUTH_DH call refused (AUTH_DH "
				    "is off): nickname %#x", req_peer_str(rq),
				    cr.nickname);
		}
		*why = AUTH_TOOWEAK;
		return AUTHR_DENY;
	}
	if ((rv = req_alloc(rq, DH_VERF_LEN)) == NULL) {
		*why = AUTH_FAILED;
		return AUTHR_DENY;
	}
	gettimeofday(&now, NULL);
	*why = a->verify(a->v, &cr, &v, &now, &rq->cred, rv);
	if (*why != AUTH_OK) {
		log_debug(LOG_D_AUTH, "%s: AUTH_DH refused: auth_stat %d",
		    req_peer_str(rq), (int)*why);
		return AUTHR_DENY;
	}
	rq->auth_priv = rv;
	log_debug(LOG_D_AUTH, "%s: AUTH_DH %s as uid %d", req_peer_str(rq),
	    rq->cred.principal, (int)rq->cred.uid);
	return AUTHR_OK;
}

static bool
dh_reply_verf(struct req *rq, struct rpc_opaque *out)
{
	if (rq->auth_priv == NULL)
		return false;
	out->flavor = AUTH_DH;
	out->len = DH_VERF_LEN;
	out->body = rq->auth_priv;
	return true;
}

static const struct rpc_auth_ops dh_ops = {
	.flavor = AUTH_DH,
	.name = "dh",
	.accept = dh_accept,
	.reply_verf = dh_reply_verf,
};

int
auth_dh_attach(struct rpc_srv *srv)
{
	struct auth_dh *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return -ENOMEM;
	ratelog_init(&a->refused, "refused AUTH_DH calls", RATELOG_BURST,
	    RATELOG_INTERVAL);
	srv->dh = a;
	return rpc_srv_add_auth(srv, &dh_ops);
}

void
auth_dh_detach(struct rpc_srv *srv)
{
	struct auth_dh *a = srv->dh;

	if (a == NULL)
		return;
	if (a->v != NULL)
		a->vfree(a->v);
	ratelog_destroy(&a->refused);
	free(a);
	srv->dh = NULL;
}

bool
rpc_srv_dh_enabled(const struct rpc_srv *srv)
{
	return srv != NULL && srv->dh != NULL && srv->dh->v != NULL;
}
