/*
 * auth_dh_verify.c: AUTH_DH verification (RFC 2695 2.3-2.4) and the
 * nickname table; see auth_dh.h for the errors. Only the programs that
 * call rpc_srv_enable_dh() (rpc.nfsd, rpc.mountd) link this file, and
 * with it libcrypto (dhkeys.c); the others refuse AUTH_DH in auth_dh.c.
 *
 * Nicknames: a table of at most `nicknames` entries, each the netname,
 * conversation key, window, last timestamp and mapped identity of one
 * session. A nickname is the entry's index in its low 16 bits and the
 * entry's generation in the high 16, so a nickname of a session that was
 * evicted (least recently used first) is refused, not taken for its
 * successor. One mutex guards the table; the slow parts (the modular
 * exponentiation, the passwd lookups) run outside it.
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
#include "common/rpc/auth_dh.h"
#include "common/rpc/auth_dh_int.h"
#include "common/rpc/rpc_int.h"

static uint32_t
be32(const uint8_t *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return ntohl(w);
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

struct dh_nick {
	bool		 used;
	uint16_t	 gen;
	char		 netname[DH_MAXNETNAME + 1];
	uint8_t		 key[8];		/* conversation key */
	uint32_t	 window;
	uint32_t	 last_sec, last_usec;	/* last timestamp accepted */
	uint64_t	 lru;
	bool		 mapped;
	uid_t		 uid;
	gid_t		 gid;
	unsigned	 ngroups;
	gid_t		*groups;
};

struct dh_srv {
	struct dh_pubkeys	*pk;
	struct dh_crypto	*c;
	char			 netname[DH_MAXNETNAME + 1];
	char			 hexsecret[DH_HEXKEYBYTES + 1];
	const char		*domain;	/* of netname */
	pthread_mutex_t		 lock;
	struct dh_nick		*nicks;
	unsigned		 nnicks, inuse;
	uint64_t		 clock;		/* LRU counter */
};

struct dh_srv *
dh_srv_new(struct dh_pubkeys *pk, struct dh_crypto *c, const char *netname,
    const char *hexsecret, unsigned nicknames)
{
	struct dh_srv *d;

	if (nicknames < 2)
		nicknames = 2;
	if (nicknames > 0xffff)
		nicknames = 0xffff;
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->nicks = calloc(nicknames, sizeof(*d->nicks))) == NULL) {
		free(d);
		dh_pubkeys_free(pk);
		dh_crypto_free(c);
		return NULL;
	}
	d->pk = pk;
	d->c = c;
	d->nnicks = nicknames;
	snprintf(d->netname, sizeof(d->netname), "%s", netname);
	snprintf(d->hexsecret, sizeof(d->hexsecret), "%s", hexsecret);
	d->domain = dh_netname_domain(d->netname);
	pthread_mutex_init(&d->lock, NULL);
	return d;
}

void
dh_srv_free(struct dh_srv *d)
{
	unsigned i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nnicks; i++)
		free(d->nicks[i].groups);
	explicit_bzero(d->nicks, d->nnicks * sizeof(*d->nicks));
	explicit_bzero(d->hexsecret, sizeof(d->hexsecret));
	free(d->nicks);
	dh_pubkeys_free(d->pk);
	dh_crypto_free(d->c);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

unsigned
dh_srv_nicknames(struct dh_srv *d)
{
	unsigned n;

	pthread_mutex_lock(&d->lock);
	n = d->inuse;
	pthread_mutex_unlock(&d->lock);
	return n;
}

/* Is (s1, u1) strictly before (s2, u2)? */
static bool
before(uint32_t s1, uint32_t u1, uint32_t s2, uint32_t u2)
{
	return s1 < s2 || (s1 == s2 && u1 < u2);
}

/* The window check: now - window < ts <= now + window (the client's clock
 * may run a little ahead of ours; no further than the window). */
static bool
in_window(uint32_t sec, uint32_t usec, uint32_t window,
    const struct timeval *now)
{
	int64_t t = (int64_t)sec * 1000000 + usec;
	int64_t n = (int64_t)now->tv_sec * 1000000 + now->tv_usec;
	int64_t w = (int64_t)window * 1000000;

	return t > n - w && t <= n + w;
}

/* The reply verifier: E_K(timestamp - 1 s) in ECB, then the nickname. */
static int
reply_verf(struct dh_srv *d, const uint8_t key[8], uint32_t sec,
    uint32_t usec, uint32_t nick, uint8_t out[DH_VERF_LEN])
{
	put_be32(out, sec - 1);
	put_be32(out + 4, usec);
	put_be32(out + 8, nick);
	return dh_des_ecb(d->c, key, true, out, 8);
}

static void
fill_cred(const struct dh_nick *e, struct cred *out)
{
	memset(out, 0, offsetof(struct cred, groups));
	out->flavor = CRED_AUTH_DH;
	snprintf(out->principal, sizeof(out->principal), "%s", e->netname);
	out->machname[0] = '\0';
	out->gss_service = 0;
	if (!e->mapped) {
		out->uid = (uid_t)-1;
		out->gid = (gid_t)-1;
		return;
	}
	out->uid = e->uid;
	out->gid = e->gid;
	out->ngroups = e->ngroups;
	if (e->ngroups > 0)
		memcpy(out->groups, e->groups, e->ngroups * sizeof(gid_t));
}

/* A free entry, or the least recently used one, emptied. Under lock. */
static unsigned
take_slot(struct dh_srv *d)
{
	unsigned i, best = 0;

	for (i = 0; i < d->nnicks; i++) {
		if (!d->nicks[i].used) {
			d->inuse++;
			return i;
		}
		if (d->nicks[i].lru < d->nicks[best].lru)
			best = i;
	}
	free(d->nicks[best].groups);
	d->nicks[best].groups = NULL;
	d->nicks[best].used = false;
	log_debug(LOG_D_AUTH, "AUTH_DH: nickname of %s evicted",
	    d->nicks[best].netname);
	return best;
}

static enum auth_stat
verify_fullname(struct dh_srv *d, const struct authdh_cred *cr,
    const struct authdh_verf *v, const struct timeval *now, struct cred *out,
    uint8_t rverf[DH_VERF_LEN])
{
	const char *pub;
	uint8_t ck[8], key[8], b[16];
	uint32_t sec, usec, window, winverf, nick;
	struct dh_nick n, *e;
	gid_t *groups = NULL;
	unsigned i, slot;
	enum auth_stat st;
	char safe[4 * DH_MAXNETNAME + 1];

	/* past this, the netname is one of the publickey file's */
	if ((pub = dh_pubkeys_find(d->pk, cr->netname)) == NULL) {
		log_debug(LOG_D_AUTH, "AUTH_DH: no public key for %s",
		    exp_path_safe(cr->netname, safe, sizeof(safe)));
		return AUTH_BADCRED;
	}
	if (dh_common_key(d->c, pub, d->hexsecret, ck) != 0)
		return AUTH_BADCRED;
	memcpy(key, cr->key, 8);
	memcpy(b, v->ts, 8);
	memcpy(b + 8, cr->w1, 4);
	memcpy(b + 12, v->w2, 4);
	if (dh_des_ecb(d->c, ck, false, key, 8) != 0 ||
	    dh_des_cbc(d->c, key, false, b, 16) != 0) {
		st = AUTH_FAILED;
		goto out;
	}
	sec = be32(b);
	usec = be32(b + 4);
	window = be32(b + 8);
	winverf = be32(b + 12);
	if (winverf != window - 1) {
		log_debug(LOG_D_AUTH, "AUTH_DH: %s: window verifier mismatch "
		    "(wrong key)", cr->netname);
		st = AUTH_BADCRED;
		goto out;
	}
	if (window == 0 || window > DH_MAX_WINDOW) {
		st = AUTH_BADCRED;
		goto out;
	}
	if (usec >= 1000000) {
		st = AUTH_BADVERF;
		goto out;
	}
	if (!in_window(sec, usec, window, now)) {
		log_debug(LOG_D_AUTH, "AUTH_DH: %s: timestamp %u outside the "
		    "window", cr->netname, sec);
		st = AUTH_REJECTEDVERF;
		goto out;
	}

	/* who it is, before taking the lock (NSS may be slow) */
	memset(&n, 0, sizeof(n));
	snprintf(n.netname, sizeof(n.netname), "%s", cr->netname);
	if ((groups = calloc(CRED_MAXGROUPS, sizeof(*groups))) == NULL) {
		st = AUTH_FAILED;
		goto out;
	}
	n.mapped = dh_netname2user(cr->netname, d->domain, &n.uid, &n.gid,
	    groups, &n.ngroups, CRED_MAXGROUPS) == 0;
	if (!n.mapped)
		n.ngroups = 0;

	pthread_mutex_lock(&d->lock);
	e = NULL;
	for (i = 0; i < d->nnicks; i++)
		if (d->nicks[i].used && memcmp(d->nicks[i].key, key, 8) == 0 &&
		    strcmp(d->nicks[i].netname, cr->netname) == 0) {
			e = &d->nicks[i];
			break;
		}
	if (e != NULL && !before(e->last_sec, e->last_usec, sec, usec)) {
		pthread_mutex_unlock(&d->lock);
		log_debug(LOG_D_AUTH, "AUTH_DH: %s: replayed credential",
		    cr->netname);
		st = AUTH_REJECTEDCRED;
		goto out;
	}
	if (e == NULL) {
		slot = take_slot(d);
		e = &d->nicks[slot];
		e->gen++;
		e->used = true;
		memcpy(e->netname, n.netname, sizeof(e->netname));
		memcpy(e->key, key, 8);
	} else {
		free(e->groups);
		e->groups = NULL;
	}
	e->window = window;
	e->last_sec = sec;
	e->last_usec = usec;
	e->lru = ++d->clock;
	e->mapped = n.mapped;
	e->uid = n.uid;
	e->gid = n.gid;
	e->ngroups = 0;
	if (n.mapped && n.ngroups > 0 &&
	    (e->groups = malloc(n.ngroups * sizeof(gid_t))) != NULL) {
		memcpy(e->groups, groups, n.ngroups * sizeof(gid_t));
		e->ngroups = n.ngroups;
	}
	nick = (uint32_t)e->gen << 16 | (uint32_t)(e - d->nicks);
	fill_cred(e, out);
	pthread_mutex_unlock(&d->lock);
	st = reply_verf(d, key, sec, usec, nick, rverf) == 0 ? AUTH_OK :
	    AUTH_FAILED;
out:
	free(groups);
	explicit_bzero(ck, sizeof(ck));
	explicit_bzero(key, sizeof(key));
	explicit_bzero(b, sizeof(b));
	return st;
}

static enum auth_stat
verify_nickname(struct dh_srv *d, const struct authdh_cred *cr,
    const struct authdh_verf *v, const struct timeval *now, struct cred *out,
    uint8_t rverf[DH_VERF_LEN])
{
	unsigned idx = cr->nickname & 0xffffu;
	uint16_t gen = (uint16_t)(cr->nickname >> 16);
	uint8_t key[8], b[8];
	uint32_t sec, usec, window;
	struct dh_nick *e;
	enum auth_stat st;

	if (idx >= d->nnicks)
		return AUTH_REJECTEDCRED;
	pthread_mutex_lock(&d->lock);
	e = &d->nicks[idx];
	if (!e->used || e->gen != gen) {
		pthread_mutex_unlock(&d->lock);
		log_debug(LOG_D_AUTH, "AUTH_DH: unknown nickname %#x",
		    cr->nickname);
		return AUTH_REJECTEDCRED;
	}
	memcpy(key, e->key, 8);
	window = e->window;
	pthread_mutex_unlock(&d->lock);

	memcpy(b, v->ts, 8);
	if (dh_des_ecb(d->c, key, false, b, 8) != 0) {
		st = AUTH_FAILED;
		goto out;
	}
	sec = be32(b);
	usec = be32(b + 4);
	if (usec >= 1000000 || !in_window(sec, usec, window, now)) {
		st = AUTH_REJECTEDVERF;
		goto out;
	}
	pthread_mutex_lock(&d->lock);
	/* the entry may have changed hands meanwhile */
	if (!e->used || e->gen != gen || memcmp(e->key, key, 8) != 0) {
		pthread_mutex_unlock(&d->lock);
		st = AUTH_REJECTEDCRED;
		goto out;
	}
	if (!before(e->last_sec, e->last_usec, sec, usec)) {
		pthread_mutex_unlock(&d->lock);
		log_debug(LOG_D_AUTH, "AUTH_DH: %s: replayed timestamp",
		    e->netname);
		st = AUTH_REJECTEDVERF;
		goto out;
	}
	e->last_sec = sec;
	e->last_usec = usec;
	e->lru = ++d->clock;
	fill_cred(e, out);
	pthread_mutex_unlock(&d->lock);
	st = reply_verf(d, key, sec, usec, cr->nickname, rverf) == 0 ?
	    AUTH_OK : AUTH_FAILED;
out:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(b, sizeof(b));
	return st;
}

enum auth_stat
dh_srv_verify(struct dh_srv *d, const struct authdh_cred *cr,
    const struct authdh_verf *v, const struct timeval *now, struct cred *out,
    uint8_t rverf[DH_VERF_LEN])
{
	if (cr->namekind == ADN_FULLNAME)
		return verify_fullname(d, cr, v, now, out, rverf);
	if (cr->namekind == ADN_NICKNAME)
		return verify_nickname(d, cr, v, now, out, rverf);
	return AUTH_BADCRED;
}

/* ------------------------------------------------------------ enabling */

int
rpc_srv_enable_dh(struct rpc_srv *srv, const char *publickey,
    const char *secretkey, char *why, size_t whylen)
{
	struct parse_err perr;
	struct dh_pubkeys *pk = NULL;
	struct dh_crypto *c;
	char netname[DH_MAXNETNAME + 1], hexsecret[DH_HEXKEYBYTES + 1];
	int rc;

	if (srv->dh == NULL)
		return -ENOMEM;
	if (srv->dh->v != NULL)
		return -EEXIST;
	memset(&perr, 0, sizeof(perr));
	if ((rc = dh_secret_load(secretkey, netname, hexsecret, &perr)) != 0) {
		if (rc == -EPERM)
			snprintf(why, whylen, "%s: group or others may read "
			    "it, or another user owns it (chmod 600)",
			    secretkey);
		else if (rc == -EINVAL)
			snprintf(why, whylen, "%s:%u: %s", secretkey, perr.line,
			    perr.msg);
		else
			snprintf(why, whylen, "%s: %s", secretkey,
			    strerror(-rc));
		return rc;
	}
	if (dh_netname_domain(netname) == NULL) {
		snprintf(why, whylen, "%s: netname %s has no @domain",
		    secretkey, netname);
		rc = -EINVAL;
		goto out;
	}
	if ((rc = dh_pubkeys_load(publickey, &pk, &perr)) != 0) {
		if (rc == -EINVAL && perr.line > 0)
			snprintf(why, whylen, "%s:%u: %s", publickey,
			    perr.line, perr.msg);
		else if (rc == -EINVAL)
			snprintf(why, whylen, "%s: %s", publickey, perr.msg);
		else
			snprintf(why, whylen, "%s: %s", publickey,
			    strerror(-rc));
		goto out;
	}
	if ((c = dh_crypto_new(why, whylen)) == NULL) {
		dh_pubkeys_free(pk);
		rc = -EIO;
		goto out;
	}
	/* the secret key must be a number in (0, modulus) */
	{
		char g[DH_HEXKEYBYTES + 1];
		uint8_t k[8];

		snprintf(g, sizeof(g), "%048x", DH_GENERATOR);
		if (dh_common_key(c, g, hexsecret, k) != 0) {
			snprintf(why, whylen, "%s: the secret key is zero or "
			    "not below the modulus", secretkey);
			dh_pubkeys_free(pk);
			dh_crypto_free(c);
			rc = -EINVAL;
			goto out;
		}
	}
	if ((srv->dh->v = dh_srv_new(pk, c, netname, hexsecret,
	    DH_NICKNAMES)) == NULL) {
		snprintf(why, whylen, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	srv->dh->verify = dh_srv_verify;
	srv->dh->vfree = dh_srv_free;
	snprintf(why, whylen, "AUTH_DH on as %s with %zu public keys from %s "
	    "(cryptographically broken: 192-bit Diffie-Hellman and DES)",
	    netname, dh_pubkeys_count(pk), publickey);
	rc = 0;
out:
	explicit_bzero(hexsecret, sizeof(hexsecret));
	return rc;
}
