/*
 * auth.c: the two built-in flavours, AUTH_NONE and AUTH_SYS (RFC 5531
 * section 8.2 and appendix A). Every length is checked against the bytes
 * actually present in the credential body (at most 400, checked by the
 * caller); nothing is allocated from a claimed length.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "common/log.h"
#include "common/rpc/rpc_int.h"

/* Read a big-endian word at *off of body; false if past the end. */
static bool
get_u32(const struct rpc_opaque *o, uint32_t *off, uint32_t *v)
{
	uint32_t w;

	if (o->len < 4 || *off > o->len - 4)
		return false;
	memcpy(&w, o->body + *off, 4);
	*v = ntohl(w);
	*off += 4;
	return true;
}

/*
 * Decode an AUTH_SYS body into c. Returns 0, or -EINVAL with *why set to
 * AUTH_BADCRED: machine name over 255 bytes, more than 16 gids, a length
 * running past the body, or bytes left over.
 */
bool
rpc_req_peek_sys_uid(const struct req *rq, uint32_t *uid)
{
	struct rpc_opaque cred;
	uint32_t off = 0, w;

	/* the credential follows xid, direction, rpcvers, prog, vers, proc */
	cred.body = rq->buf + 24;
	cred.len = rq->len < 32 ? 0 : (uint32_t)(rq->len - 24);
	if (!get_u32(&cred, &off, &cred.flavor) || cred.flavor != 1 ||
	    !get_u32(&cred, &off, &w) || w > RPC_MAX_AUTH_BYTES ||
	    w > cred.len - off)
		return false;
	/* the AUTH_SYS body: stamp, machine name, uid */
	cred.body += off;
	cred.len = w;
	off = 0;
	if (!get_u32(&cred, &off, &w) || !get_u32(&cred, &off, &w) ||
	    w > CRED_SYS_MAXNAME || w > cred.len - off)
		return false;
	off += (w + 3) & ~3u;
	return get_u32(&cred, &off, uid);
}

int
auth_sys_decode(const struct rpc_opaque *cred, struct cred *c,
    enum auth_stat *why)
{
	uint32_t off = 0, nlen, uid, gid, ngids, i, g;

	memset(c, 0, offsetof(struct cred, groups));
	c->flavor = CRED_AUTH_SYS;
	*why = AUTH_BADCRED;
	if (!get_u32(cred, &off, &c->stamp) || !get_u32(cred, &off, &nlen))
		return -EINVAL;
	if (nlen > CRED_SYS_MAXNAME || nlen > cred->len - off)
		return -EINVAL;
	memcpy(c->machname, cred->body + off, nlen);
	c->machname[nlen] = '\0';
	off += (nlen + 3) & ~3u;
	if (!get_u32(cred, &off, &uid) || !get_u32(cred, &off, &gid) ||
	    !get_u32(cred, &off, &ngids))
		return -EINVAL;
	if (ngids > CRED_SYS_MAXGIDS)
		return -EINVAL;
	c->uid = uid;
	c->gid = gid;
	for (i = 0; i < ngids; i++) {
		if (!get_u32(cred, &off, &g))
			return -EINVAL;
		c->groups[i] = g;
	}
	c->ngroups = ngids;
	if (off != cred->len)
		return -EINVAL;
	c->principal[0] = '\0';
	*why = AUTH_OK;
	return 0;
}

static enum auth_result
none_accept(struct req *rq, const struct rpc_opaque *cred,
    const struct rpc_opaque *verf, enum auth_stat *why)
{
	if (cred->len != 0) {
		*why = AUTH_BADCRED;
		return AUTHR_DENY;
	}
	if (verf->flavor != AUTH_NONE || verf->len != 0) {
		*why = AUTH_BADVERF;
		return AUTHR_DENY;
	}
	memset(&rq->cred, 0, offsetof(struct cred, groups));
	rq->cred.flavor = CRED_AUTH_NONE;
	rq->cred.uid = (uid_t)-1;
	rq->cred.gid = (gid_t)-1;
	rq->cred.machname[0] = '\0';
	rq->cred.principal[0] = '\0';
	return AUTHR_OK;
}

static enum auth_result
sys_accept(struct req *rq, const struct rpc_opaque *cred,
    const struct rpc_opaque *verf, enum auth_stat *why)
{
	if (auth_sys_decode(cred, &rq->cred, why) != 0) {
		log_debug(LOG_D_AUTH, "%s: bad AUTH_SYS credential",
		    req_peer_str(rq));
		return AUTHR_DENY;
	}
	/* the verifier of an AUTH_SYS call is AUTH_NONE (RFC 5531 A) */
	if (verf->flavor != AUTH_NONE || verf->len != 0) {
		*why = AUTH_BADVERF;
		return AUTHR_DENY;
	}
	return AUTHR_OK;
}

const struct rpc_auth_ops rpc_auth_none_ops = {
	.flavor = AUTH_NONE,
	.name = "none",
	.accept = none_accept,
};

const struct rpc_auth_ops rpc_auth_sys_ops = {
	.flavor = AUTH_SYS,
	.name = "sys",
	.accept = sys_accept,
};
