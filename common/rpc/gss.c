/*
 * gss.c: the RPCSEC_GSS flavour (RFC 2203) of the RPC core; see rpc_gss.h.
 *
 * Wire formats (RFC 2203 section 5):
 *   credential   version (1), gss_proc, seq_num, service, opaque handle<>
 *   INIT / CONTINUE_INIT: on procedure NULL, verifier AUTH_NONE, argument
 *                opaque gss_token<>; the reply's body is
 *                { opaque handle<>; gss_major; gss_minor; seq_window;
 *                  opaque gss_token<> }, its verifier the MIC of seq_window
 *                once the context is complete (AUTH_NONE before)
 *   DATA / DESTROY: verifier = MIC of the call header, xid to credential
 *                service none:       the arguments as they are
 *                service integrity:  opaque { seq_num, arguments },
 *                                    opaque MIC of that
 *                service privacy:    opaque wrap({ seq_num, arguments })
 *                replies the same way; reply verifier = MIC of seq_num
 * A context unknown or incomplete gets AUTH_ERROR RPCSEC_GSS_CREDPROBLEM,
 * one expired or past MAXSEQ RPCSEC_GSS_CTXPROBLEM (the client makes a new
 * one); a call whose header MIC fails, CREDPROBLEM; a replay or a sequence
 * number below the window is dropped without a reply.
 *
 * Contexts: a table hashed by handle, with a least-recently-used list, a
 * cap in all and per client address; each context's GSS state is used
 * under its own lock (MIT contexts are not for concurrent use), its
 * identity is mapped once, when it completes.
 */
#include <sys/random.h>
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>

#include "common/addr.h"
#include "common/gss_name.h"
#include "common/ident.h"
#include "common/log.h"
#include "common/rpc/gss_int.h"
#include "common/rpc/rpc_int.h"

#define INIT_MAX_TOKEN	(64 * 1024)	/* a krb5 AP-REQ is a few KiB */

/* ------------------------------------------------------------ configuration */

#define K(n, t, f, d, lo, hi, h) \
	{ n, t, offsetof(struct rpc_gss_config, f), d, lo, hi, h }
const struct conf_key rpc_gss_conf_keys[] = {
	K("keytab", CONF_STR, keytab, "/etc/krb5.keytab", 0, 0,
	    "the keys RPCSEC_GSS contexts are accepted with"),
	K("principal", CONF_STR, principal, NULL, 0, 0,
	    "service principal, e.g. nfs/server.example.org (empty: any key "
	    "in the keytab)"),
	K("max-contexts", CONF_INT, max_contexts, "4096", 16, 1000000,
	    "GSS contexts kept in all (least recently used go first)"),
	K("max-contexts-per-client", CONF_INT, max_contexts_client, "64", 1,
	    100000, "GSS contexts kept per client address"),
	K("max-lifetime", CONF_INT, max_lifetime, "86400", 60, 604800,
	    "seconds a context lives at most, whatever its ticket says"),
	CONF_KEY_END
};
#undef K

struct gss_srv {
	struct gss_table	 tab;
	gss_cred_id_t		 acceptor;
	struct rpc_gss_config	 cfg;
};

/* What one call carries for the codec hooks (rq->auth_priv, arena). */
struct gss_rq {
	struct gss_srv		*gs;
	struct gctx		*c;
	uint32_t		 seq, service;
	bool			 destroy;	/* RPCSEC_GSS_DESTROY */
};

static struct gss_srv	*gss_global;	/* one per process: the ops are static */

/* ------------------------------------------------------------ XDR bits */

static bool
rd32(const uint8_t *b, size_t len, size_t *off, uint32_t *v)
{
	uint32_t w;

	if (len < 4 || *off > len - 4)
		return false;
	memcpy(&w, b + *off, 4);
	*v = ntohl(w);
	*off += 4;
	return true;
}

/* An opaque<> at *off: its bytes stay in b. */
static bool
rd_opaque(const uint8_t *b, size_t len, size_t *off, const uint8_t **p,
    uint32_t *n)
{
	uint32_t l;

	if (!rd32(b, len, off, &l) || l > len - *off ||
	    ((l + 3) & ~3u) > len - *off)
		return false;
	*p = b + *off;
	*n = l;
	*off += (l + 3) & ~3u;
	return true;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

/* ------------------------------------------------------------ GSS calls */

static void
log_gss(const char *what, OM_uint32 major, OM_uint32 minor)
{
	OM_uint32 m2, ctx = 0;
	gss_buffer_desc msg = GSS_C_EMPTY_BUFFER, msg2 = GSS_C_EMPTY_BUFFER;

	if (!log_debugging(LOG_D_AUTH))
		return;
	gss_display_status(&m2, major, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &msg);
	ctx = 0;
	gss_display_status(&m2, minor, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctx,
	    &msg2);
	log_debug(LOG_D_AUTH, "%s: %.*s (%.*s)", what, (int)msg.length,
	    (char *)msg.value, (int)msg2.length, (char *)msg2.value);
	gss_release_buffer(&m2, &msg);
	gss_release_buffer(&m2, &msg2);
}

/* A MIC of data under c (c->lock held), copied into rq's arena. */
static bool
get_mic(struct req *rq, struct gctx *c, const void *data, size_t len,
    struct rpc_opaque *out)
{
	gss_buffer_desc in = { len, (void *)(uintptr_t)data }, mic =
	    GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	uint8_t *p;

	major = gss_get_mic(&minor, c->gctx, GSS_C_QOP_DEFAULT, &in, &mic);
	if (GSS_ERROR(major)) {
		log_gss("gss_get_mic", major, minor);
		return false;
	}
	if (mic.length > RPC_MAX_AUTH_BYTES ||
	    (p = req_alloc_raw(rq, mic.length)) == NULL) {
		gss_release_buffer(&minor, &mic);
		return false;
	}
	memcpy(p, mic.value, mic.length);
	out->flavor = RPCSEC_GSS;
	out->len = (uint32_t)mic.length;
	out->body = p;
	gss_release_buffer(&minor, &mic);
	return true;
}

static bool
verify_mic(struct gctx *c, const void *data, size_t len, const void *mic,
    size_t miclen)
{
	gss_buffer_desc in = { len, (void *)(uintptr_t)data };
	gss_buffer_desc tok = { miclen, (void *)(uintptr_t)mic };
	OM_uint32 major, minor;

	/* supplementary bits (an old or duplicate token for GSS's own
	 * sequencing) do not matter: RPCSEC_GSS has its window */
	major = gss_verify_mic(&minor, c->gctx, &in, &tok, NULL);
	if (GSS_ERROR(major)) {
		log_gss("gss_verify_mic", major, minor);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ context creation */

struct init_res {
	const uint8_t	*handle;
	uint32_t	 hlen;
	uint32_t	 major, minor, window;
	gss_buffer_desc	 token;
};

#define XINIT	((xdrproc_t)(void (*)(void))xdr_init_res)

static bool_t
xdr_init_res(XDR *x, struct init_res *r)
{
	char *h = (char *)(uintptr_t)r->handle, *t = r->token.value;
	u_int hl = r->hlen, tl = (u_int)r->token.length;

	return xdr_bytes(x, &h, &hl, GSS_HANDLE_LEN) &&
	    xdr_u_int32_t(x, &r->major) && xdr_u_int32_t(x, &r->minor) &&
	    xdr_u_int32_t(x, &r->window) &&
	    xdr_bytes(x, &t, &tl, INIT_MAX_TOKEN);
}

/* The identity of a completed context. */
static void
ctx_map(struct gctx *c, gss_name_t name, const struct req *rq)
{
	gss_buffer_desc disp = GSS_C_EMPTY_BUFFER;
	OM_uint32 minor;
	char pbuf[256];
	int rc;

	memset(&c->id, 0, offsetof(struct cred, groups));
	c->id.flavor = CRED_RPCSEC_GSS;
	c->id.machname[0] = '\0';
	c->id.principal[0] = '\0';
	if (GSS_ERROR(gss_display_name(&minor, name, &disp, NULL)) ||
	    disp.length == 0 || disp.length >= sizeof(pbuf)) {
		c->anon = true;
		gss_release_buffer(&minor, &disp);
		return;
	}
	memcpy(pbuf, disp.value, disp.length);
	pbuf[disp.length] = '\0';
	gss_release_buffer(&minor, &disp);
	if ((rc = gss_name_to_cred(pbuf, &c->id)) != 0) {
		c->anon = true;
		c->id.uid = (uid_t)-1;
		c->id.gid = (gid_t)-1;
		c->id.ngroups = 0;
		snprintf(c->id.principal, sizeof(c->id.principal), "%s", pbuf);
		log_notice("%s: GSS principal %s has no local user: anonymous",
		    req_peer_str((struct req *)(uintptr_t)rq), pbuf);
		return;
	}
	log_debug(LOG_D_AUTH, "%s: GSS context for %s as uid %lu gid %lu "
	    "(%u groups)", req_peer_str((struct req *)(uintptr_t)rq), pbuf,
	    (unsigned long)c->id.uid, (unsigned long)c->id.gid,
	    c->id.ngroups);
}

/* GSS_PROC_INIT / CONTINUE_INIT: the whole exchange, answered here. */
static enum auth_result
gss_init(struct req *rq, struct gss_srv *gs, uint32_t proc,
    const uint8_t *handle, uint32_t hlen, enum auth_stat *why)
{
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
	gss_name_t name = GSS_C_NO_NAME;
	OM_uint32 major, minor, time_rec = 0, m2;
	struct init_res res;
	struct rpc_opaque verf = { AUTH_NONE, 0, NULL };
	const uint8_t *tok;
	uint32_t toklen, win;
	size_t off = rq->args_off;
	struct gctx *c;

	if (rq->proc != 0 || !rd_opaque(rq->buf, rq->len, &off, &tok,
	    &toklen) || toklen > INIT_MAX_TOKEN) {
		*why = AUTH_BADCRED;
		return AUTHR_DENY;
	}
	if (proc == GSS_PROC_INIT)
		c = gss_ctx_new(&gs->tab, (const struct sockaddr *)&rq->peer);
	else if ((c = gss_ctx_get(&gs->tab, handle, hlen)) != NULL && c->complete) {
		gss_ctx_put(&gs->tab, c);
		c = NULL;
	}
	if (c == NULL) {
		*why = proc == GSS_PROC_INIT ? AUTH_FAILED :
		    RPCSEC_GSS_CREDPROBLEM;
		return AUTHR_DENY;
	}
	in.length = toklen;
	in.value = (void *)(uintptr_t)tok;
	/* the keytab is root's: a worker may still act as its last caller */
	(void)ident_root();
	pthread_mutex_lock(&c->lock);
	major = gss_accept_sec_context(&minor, &c->gctx, gs->acceptor, &in,
	    GSS_C_NO_CHANNEL_BINDINGS, &name, NULL, &out, NULL, &time_rec,
	    NULL);
	memset(&res, 0, sizeof(res));
	res.major = major;
	res.minor = minor;
	res.token = out;
	if (GSS_ERROR(major)) {
		pthread_mutex_unlock(&c->lock);
		log_gss("gss_accept_sec_context", major, minor);
		log_notice("%s: GSS context refused (major 0x%x minor 0x%x)",
		    req_peer_str(rq), major, minor);
		rpc_reply_raw(rq, &verf, XINIT, &res);
		gss_release_buffer(&m2, &out);
		gss_ctx_remove(&gs->tab, c);
		gss_ctx_put(&gs->tab, c);
		return AUTHR_REPLIED;
	}
	res.handle = c->handle;
	res.hlen = GSS_HANDLE_LEN;
	res.window = GSS_SEQ_WIN;
	if (major == GSS_S_COMPLETE) {
		time_t now = time(NULL), life = (time_t)gs->cfg.max_lifetime;

		if (time_rec != GSS_C_INDEFINITE && (time_t)time_rec < life)
			life = (time_t)time_rec;
		c->expiry = now + life;
		ctx_map(c, name, rq);
		win = htonl(GSS_SEQ_WIN);
		if (!get_mic(rq, c, &win, 4, &verf)) {
			pthread_mutex_unlock(&c->lock);
			gss_release_buffer(&m2, &out);
			gss_release_name(&m2, &name);
			gss_ctx_remove(&gs->tab, c);
			gss_ctx_put(&gs->tab, c);
			*why = AUTH_FAILED;
			return AUTHR_DENY;
		}
		c->complete = true;
	}
	pthread_mutex_unlock(&c->lock);
	rpc_reply_raw(rq, &verf, XINIT, &res);
	gss_release_buffer(&m2, &out);
	gss_release_name(&m2, &name);
	gss_ctx_put(&gs->tab, c);
	return AUTHR_REPLIED;
}

/* ------------------------------------------------------------ the flavour */

static enum auth_result
gss_accept(struct req *rq, const struct rpc_opaque *cred,
    const struct rpc_opaque *verf, enum auth_stat *why)
{
	struct gss_srv *gs = gss_global;
	uint32_t vers, proc, seq, service, hlen;
	const uint8_t *handle;
	size_t off = 0, hdr_end;
	struct gss_rq *gr;
	struct gctx *c;
	int rc;

	*why = AUTH_BADCRED;
	if (gs == NULL || !rd32(cred->body, cred->len, &off, &vers) ||
	    !rd32(cred->body, cred->len, &off, &proc) ||
	    !rd32(cred->body, cred->len, &off, &seq) ||
	    !rd32(cred->body, cred->len, &off, &service) ||
	    !rd_opaque(cred->body, cred->len, &off, &handle, &hlen) ||
	    off != cred->len || vers != GSS_RPC_VERSION ||
	    service < GSS_SVC_NONE || service > GSS_SVC_PRIVACY)
		return AUTHR_DENY;
	switch (proc) {
	case GSS_PROC_INIT:
	case GSS_PROC_CONTINUE_INIT:
		if (verf->flavor != AUTH_NONE) {
			*why = AUTH_BADVERF;
			return AUTHR_DENY;
		}
		return gss_init(rq, gs, proc, handle, hlen, why);
	case GSS_PROC_DATA:
		break;
	case GSS_PROC_DESTROY:
		if (rq->proc != 0)
			return AUTHR_DENY;	/* on NULL only */
		break;
	default:
		return AUTHR_DENY;
	}
	if ((c = gss_ctx_get(&gs->tab, handle, hlen)) == NULL || !c->complete) {
		if (c != NULL)
			gss_ctx_put(&gs->tab, c);
		*why = RPCSEC_GSS_CREDPROBLEM;
		return AUTHR_DENY;
	}
	if (time(NULL) >= c->expiry || seq >= GSS_RPC_MAXSEQ) {
		gss_ctx_remove(&gs->tab, c);
		gss_ctx_put(&gs->tab, c);
		*why = RPCSEC_GSS_CTXPROBLEM;
		return AUTHR_DENY;
	}
	/* the verifier: a MIC of the header, xid through the credential */
	hdr_end = (size_t)(cred->body - rq->buf) + ((cred->len + 3) & ~3u);
	pthread_mutex_lock(&c->lock);
	if (verf->flavor != RPCSEC_GSS ||
	    !verify_mic(c, rq->buf, hdr_end, verf->body, verf->len)) {
		pthread_mutex_unlock(&c->lock);
		gss_ctx_put(&gs->tab, c);
		*why = RPCSEC_GSS_CREDPROBLEM;
		return AUTHR_DENY;
	}
	rc = gss_seqwin_check(&c->win, seq);
	pthread_mutex_unlock(&c->lock);
	if (rc != 0) {
		log_debug(LOG_D_AUTH, "%s: GSS seq %u %s: dropped",
		    req_peer_str(rq), seq, rc == -EALREADY ? "replayed" :
		    "below the window");
		gss_ctx_put(&gs->tab, c);
		return AUTHR_DROP;
	}
	if ((gr = req_alloc(rq, sizeof(*gr))) == NULL) {
		gss_ctx_put(&gs->tab, c);
		return AUTHR_DROP;
	}
	gr->gs = gs;
	gr->c = c;
	gr->seq = seq;
	gr->service = service;
	/* DESTROY is a NULL call like any other (arguments and reply
	 * protected by its service); the context goes once it is answered */
	gr->destroy = proc == GSS_PROC_DESTROY;
	rq->auth_priv = gr;
	memcpy(&rq->cred, &c->id, offsetof(struct cred, groups) +
	    c->id.ngroups * sizeof(gid_t));
	memcpy(rq->cred.machname, c->id.machname, sizeof(c->id.machname));
	memcpy(rq->cred.principal, c->id.principal, sizeof(c->id.principal));
	rq->cred.flavor = CRED_RPCSEC_GSS;
	rq->cred.gss_service = service;
	return AUTHR_OK;
}

static bool
gss_decode_args(struct req *rq, XDR *x, xdrproc_t xargs, void *args)
{
	struct gss_rq *gr = rq->auth_priv;
	const uint8_t *b = rq->buf + rq->args_off, *body, *mic;
	size_t len = rq->len - rq->args_off, off = 0, boff = 0;
	uint32_t blen, miclen, seq;
	uint8_t *plain = NULL;
	XDR px;
	bool ok;

	if (gr == NULL || gr->service == GSS_SVC_NONE)
		return xargs(x, args);
	if (!rd_opaque(b, len, &off, &body, &blen))
		return false;
	if (gr->service == GSS_SVC_INTEGRITY) {
		if (!rd_opaque(b, len, &off, &mic, &miclen))
			return false;
		pthread_mutex_lock(&gr->c->lock);
		ok = verify_mic(gr->c, body, blen, mic, miclen);
		pthread_mutex_unlock(&gr->c->lock);
		if (!ok)
			return false;
		plain = (uint8_t *)(uintptr_t)body;
	} else {
		gss_buffer_desc in = { blen, (void *)(uintptr_t)body },
		    outb = GSS_C_EMPTY_BUFFER;
		OM_uint32 major, minor;
		int conf = 0;

		pthread_mutex_lock(&gr->c->lock);
		major = gss_unwrap(&minor, gr->c->gctx, &in, &outb, &conf, NULL);
		pthread_mutex_unlock(&gr->c->lock);
		if (GSS_ERROR(major) || !conf) {
			log_gss("gss_unwrap", major, minor);
			gss_release_buffer(&minor, &outb);
			return false;
		}
		/* in the arena: decoded arguments may point into it */
		if ((plain = req_alloc_raw(rq, outb.length + 1)) != NULL)
			memcpy(plain, outb.value, outb.length);
		blen = (uint32_t)outb.length;
		gss_release_buffer(&minor, &outb);
		if (plain == NULL)
			return false;
	}
	/* the body starts with the call's sequence number (RFC 2203 5.3.2) */
	if (!rd32(plain, blen, &boff, &seq) || seq != gr->seq)
		return false;
	xdrmem_create(&px, (char *)plain + 4, blen - 4, XDR_DECODE);
	ok = xargs(&px, args);
	xdr_destroy(&px);
	return ok;
}

static bool
gss_encode_res(struct req *rq, XDR *x, xdrproc_t xres, void *res)
{
	struct gss_rq *gr = rq->auth_priv;
	u_int start, end;
	uint8_t *base;
	uint32_t zero = 0;

	if (gr == NULL || gr->service == GSS_SVC_NONE)
		return xres(x, res);
	if (gr->service == GSS_SVC_INTEGRITY) {
		struct rpc_opaque mic;
		char *m;
		u_int ml;
		bool ok;

		/* opaque { seq, results } then the MIC of those bytes */
		start = xdr_getpos(x);
		if (!xdr_u_int32_t(x, &zero) || !xdr_u_int32_t(x, &gr->seq) ||
		    !xres(x, res))
			return false;
		end = xdr_getpos(x);
		base = (uint8_t *)x->x_base;
		wr32(base + start, end - start - 4);
		pthread_mutex_lock(&gr->c->lock);
		ok = get_mic(rq, gr->c, base + start + 4, end - start - 4, &mic);
		pthread_mutex_unlock(&gr->c->lock);
		if (!ok)
			return false;
		m = (char *)(uintptr_t)mic.body;
		ml = mic.len;
		return xdr_bytes(x, &m, &ml, RPC_MAX_AUTH_BYTES);
	} else {
		unsigned long sz = xdr_sizeof(xres, res) + 4;
		gss_buffer_desc in, outb = GSS_C_EMPTY_BUFFER;
		OM_uint32 major, minor;
		uint8_t *plain;
		XDR px;
		char *t;
		u_int tl;
		int conf = 0;
		bool ok;

		if ((plain = req_alloc_raw(rq, sz)) == NULL)
			return false;
		xdrmem_create(&px, (char *)plain, (u_int)sz, XDR_ENCODE);
		ok = xdr_u_int32_t(&px, &gr->seq) && xres(&px, res);
		in.length = xdr_getpos(&px);
		in.value = plain;
		xdr_destroy(&px);
		if (!ok)
			return false;
		pthread_mutex_lock(&gr->c->lock);
		major = gss_wrap(&minor, gr->c->gctx, 1, GSS_C_QOP_DEFAULT, &in,
		    &conf, &outb);
		pthread_mutex_unlock(&gr->c->lock);
		if (GSS_ERROR(major) || !conf) {
			log_gss("gss_wrap", major, minor);
			gss_release_buffer(&minor, &outb);
			return false;
		}
		t = outb.value;
		tl = (u_int)outb.length;
		ok = xdr_bytes(x, &t, &tl, (u_int)outb.length);
		gss_release_buffer(&minor, &outb);
		return ok;
	}
}

static bool
gss_wraps(const struct req *rq)
{
	const struct gss_rq *gr = rq->auth_priv;

	return gr != NULL && gr->service != GSS_SVC_NONE;
}

static bool
gss_reply_verf(struct req *rq, struct rpc_opaque *out)
{
	struct gss_rq *gr = rq->auth_priv;
	uint32_t seq;
	bool ok;

	if (gr == NULL) {
		out->flavor = AUTH_NONE;
		out->len = 0;
		return true;
	}
	seq = htonl(gr->seq);
	pthread_mutex_lock(&gr->c->lock);
	ok = get_mic(rq, gr->c, &seq, 4, out);
	pthread_mutex_unlock(&gr->c->lock);
	return ok;
}

static void
gss_release(struct req *rq)
{
	struct gss_rq *gr = rq->auth_priv;

	if (gr == NULL)
		return;
	rq->auth_priv = NULL;
	if (gr->destroy)
		gss_ctx_remove(&gr->gs->tab, gr->c);
	gss_ctx_put(&gr->gs->tab, gr->c);
}

static const struct rpc_auth_ops gss_ops = {
	.flavor = RPCSEC_GSS,
	.name = "rpcsec_gss",
	.accept = gss_accept,
	.decode_args = gss_decode_args,
	.encode_res = gss_encode_res,
	.wraps = gss_wraps,
	.reply_verf = gss_reply_verf,
	.release = gss_release,
};

/* ------------------------------------------------------------ set-up */

int
rpc_srv_enable_gss(struct rpc_srv *srv, const struct rpc_gss_config *cfg)
{
	struct gss_srv *gs;
	OM_uint32 major, minor;
	gss_name_t name = GSS_C_NO_NAME;
	int rc;

	if (gss_global != NULL)
		return rpc_srv_add_auth(srv, &gss_ops);
	if (access(cfg->keytab, R_OK) != 0) {
		rc = -errno;
		log_warn("RPCSEC_GSS: keytab %s", cfg->keytab);
		return rc;
	}
	/* RPCSEC_GSS has its own replay window; no replay cache files */
	(void)setenv("KRB5RCACHETYPE", "none", 0);
	if ((gs = calloc(1, sizeof(*gs))) == NULL)
		return -ENOMEM;
	gss_table_init(&gs->tab, (unsigned)cfg->max_contexts,
	    (unsigned)cfg->max_contexts_client);
	gs->cfg = *cfg;
	gs->cfg.keytab = strdup(cfg->keytab);
	gs->cfg.principal = strdup(cfg->principal != NULL ? cfg->principal :
	    "");
	if (gs->cfg.keytab == NULL || gs->cfg.principal == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	if (krb5_gss_register_acceptor_identity(gs->cfg.keytab) != 0) {
		log_warnx("RPCSEC_GSS: cannot use keytab %s", gs->cfg.keytab);
		rc = -EINVAL;
		goto fail;
	}
	gs->acceptor = GSS_C_NO_CREDENTIAL;
	if (gs->cfg.principal[0] != '\0') {
		/* service/host -> the host-based form service@host */
		char hb[512], *slash;
		gss_buffer_desc nb;

		snprintf(hb, sizeof(hb), "%s", gs->cfg.principal);
		if ((slash = strchr(hb, '/')) != NULL)
			*slash = '@';
		if ((slash = strchr(hb, '@')) != NULL && strchr(slash + 1, '@'))
			*strchr(slash + 1, '@') = '\0';	/* drop a realm */
		nb.value = hb;
		nb.length = strlen(hb);
		major = gss_import_name(&minor, &nb,
		    GSS_C_NT_HOSTBASED_SERVICE, &name);
		if (!GSS_ERROR(major))
			major = gss_acquire_cred(&minor, name, GSS_C_INDEFINITE,
			    GSS_C_NO_OID_SET, GSS_C_ACCEPT, &gs->acceptor, NULL,
			    NULL);
		gss_release_name(&minor, &name);
		if (GSS_ERROR(major)) {
			log_warnx("RPCSEC_GSS: no key for %s in %s (major 0x%x "
			    "minor 0x%x)", gs->cfg.principal, gs->cfg.keytab,
			    major, minor);
			rc = -ENOENT;
			goto fail;
		}
	}
	if ((rc = rpc_srv_add_auth(srv, &gss_ops)) != 0)
		goto fail;
	gss_global = gs;
	log_info("RPCSEC_GSS: accepting %s from %s (%ld contexts, %ld per "
	    "client)", gs->cfg.principal[0] != '\0' ? gs->cfg.principal :
	    "any principal", gs->cfg.keytab, gs->cfg.max_contexts,
	    gs->cfg.max_contexts_client);
	return 0;
fail:
	free(gs->cfg.keytab);
	free(gs->cfg.principal);
	gss_table_destroy(&gs->tab);
	free(gs);
	return rc;
}
