/*
 * rpcbd_rpcb.c: rpcbind versions 3 and 4 (RFC 1833 section 2), and what
 * the portmap handlers share with them: the SET/UNSET policy, owners,
 * refusal logging, the state file and rpcbind's own registrations.
 *
 * Policy (as FreeBSD's and OpenBSD's rpcbind/portmap): SET and UNSET only
 * from local callers (AF_LOCAL, or loopback to loopback); a mapping to a
 * port below 1024 only from a privileged port or uid 0 over AF_LOCAL; an
 * entry may be removed only by its owner or "superuser" (uid 0 over
 * AF_LOCAL), and a privileged one only by a privileged caller.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/addr.h"
#include "common/atomicio.h"
#include "common/log.h"
#include "common/util.h"
#include "rpcbind/rpcbd.h"

int
rpcbd_sv(const struct req *rq)
{
	switch (rq->vers) {
	case PMAPVERS:
		return RPCBD_SV_2;
	case RPCBVERS:
		return RPCBD_SV_3;
	default:
		return RPCBD_SV_4;
	}
}

void
rpcbd_owner(const struct req *rq, char *buf, size_t len)
{
	if (rq->kind == RPC_XPRT_LOCAL && rq->has_peercred) {
		if (rq->peer_uid == 0)
			str_copy(buf, RPCBD_SUPERUSER, len);
		else
			snprintf(buf, len, "%lu", (unsigned long)rq->peer_uid);
	} else
		str_copy(buf, RPCBD_UNKNOWN, len);
}

void
rpcbd_refuse_init(struct rpcbd *rb)
{
	static const char *const what[RPCBD_REFUSE_KINDS] = {
		[RPCBD_REFUSE_SET] = "refused SET calls",
		[RPCBD_REFUSE_UNSET] = "refused UNSET calls",
		[RPCBD_REFUSE_REMOTE] = "refused CALLIT/INDIRECT calls",
	};
	unsigned i;

	for (i = 0; i < RPCBD_REFUSE_KINDS; i++)
		ratelog_init(&rb->refused[i], what[i], RATELOG_BURST,
		    RATELOG_INTERVAL);
}

void
rpcbd_refuse_flush(struct rpcbd *rb)
{
	unsigned i;

	for (i = 0; i < RPCBD_REFUSE_KINDS; i++)
		ratelog_flush(&rb->refused[i]);
}

void
rpcbd_refuse_destroy(struct rpcbd *rb)
{
	unsigned i;

	for (i = 0; i < RPCBD_REFUSE_KINDS; i++)
		ratelog_destroy(&rb->refused[i]);
}

void
rpcbd_refuse(struct rpcbd *rb, struct req *rq, const char *what,
    uint32_t prog, uint32_t vers)
{
	/* SET and UNSET are procedures 1 and 2 in every version */
	unsigned kind = rq->proc == 1 ? RPCBD_REFUSE_SET : rq->proc == 2 ?
	    RPCBD_REFUSE_UNSET : RPCBD_REFUSE_REMOTE;

	if (ratelog_allow(&rb->refused[kind],
	    (const struct sockaddr *)&rq->peer))
		log_notice("refused %s of %lu/%lu from %s (%s)", what,
		    (unsigned long)prog, (unsigned long)vers,
		    req_peer_str(rq), rq->netid);
}

void
rpcbd_save(struct rpcbd *rb)
{
	char *buf;
	size_t len;
	int rc;

	if (rb->state_path == NULL)
		return;
	/* Serialize under save_lock so the last write holds the last state. */
	pthread_mutex_lock(&rb->save_lock);
	if ((rc = rpcbd_state_serialize(rb->db, RPCBD_PROG, &buf, &len)) ==
	    0) {
		rc = atomic_write_file(rb->state_path, buf, len, 0600);
		free(buf);
	}
	pthread_mutex_unlock(&rb->save_lock);
	if (rc != 0)
		log_warnx("write %s: %s", rb->state_path, strerror(-rc));
	else
		log_debug(LOG_D_STATE, "saved %s", rb->state_path);
}

/* Refuse non-local callers of SET/UNSET. */
static bool
local_only(struct req *rq, const char *what, uint32_t prog, uint32_t vers)
{
	if (req_is_local(rq))
		return true;
	rpcbd_refuse(rq->ctx, rq, what, prog, vers);
	rq->auth_stat = AUTH_TOOWEAK;
	return false;
}

enum disp
rpcbd_do_set(struct req *rq, uint32_t prog, uint32_t vers, const char *netid,
    const char *uaddr, bool_t *ok)
{
	struct rpcbd *rb = rq->ctx;
	struct rpcbd_ent e;
	char owner[RPCBD_OWNER_MAX];
	int rc;

	*ok = FALSE;
	if (!local_only(rq, "set", prog, vers)) {
		rpcbd_stat_set(rb->db, rpcbd_sv(rq), false);
		return DISP_AUTHERR;
	}
	rpcbd_owner(rq, owner, sizeof(owner));
	if (netid == NULL || uaddr == NULL ||
	    rpcbd_uaddr_check(netid, uaddr) != 0 ||
	    rpcbd_ent_make(&e, prog, vers, netid, uaddr, owner) != 0) {
		log_debug(LOG_D_STATE, "set %lu/%lu: bad netid or address",
		    (unsigned long)prog, (unsigned long)vers);
		goto out;
	}
	if (rpcbd_uaddr_privileged(netid, uaddr) && !req_is_privileged(rq)) {
		rpcbd_refuse(rb, rq, "privileged set", prog, vers);
		goto out;
	}
	/* The caller's process, watched: its registrations go with it. */
	if (rq->kind == RPC_XPRT_LOCAL && rq->has_peercred)
		rpcbd_live_owner(rb->live, rq->peer_pid, &e);
	e.checked = rpcbd_now_ms();
	if ((rc = rpcbd_db_set(rb->db, &e)) != 0) {
		if (rc == -ENOSPC || rc == -EDQUOT)
			rpcbd_refuse(rb, rq, rc == -ENOSPC ? "set (table full)" :
			    "set (owner over its quota)", prog, vers);
		log_debug(LOG_D_STATE, "set %lu/%lu/%s %s: %s",
		    (unsigned long)prog, (unsigned long)vers, netid, uaddr,
		    strerror(-rc));
		goto out;
	}
	log_debug(LOG_D_STATE, "set %lu/%lu/%s %s owner %s pid %ld",
	    (unsigned long)prog, (unsigned long)vers, netid, uaddr, owner,
	    (long)e.pid);
	*ok = TRUE;
	rpcbd_save(rb);
out:
	rpcbd_stat_set(rb->db, rpcbd_sv(rq), *ok);
	return DISP_REPLY;
}

enum disp
rpcbd_do_unset(struct req *rq, uint32_t prog, uint32_t vers,
    const char *netid, bool_t *ok)
{
	struct rpcbd *rb = rq->ctx;
	char owner[RPCBD_OWNER_MAX];
	int n;

	*ok = FALSE;
	if (!local_only(rq, "unset", prog, vers)) {
		rpcbd_stat_unset(rb->db, rpcbd_sv(rq), false);
		return DISP_AUTHERR;
	}
	rpcbd_owner(rq, owner, sizeof(owner));
	n = rpcbd_db_unset(rb->db, prog, vers, netid, owner,
	    req_is_privileged(rq));
	if (n < 0) {
		rpcbd_refuse(rb, rq, "unset (not the owner)", prog, vers);
	} else {
		/* Nothing to remove is success too, as in rpcbind. */
		*ok = TRUE;
		if (n > 0) {
			log_debug(LOG_D_STATE, "unset %lu/%lu/%s: %d removed",
			    (unsigned long)prog, (unsigned long)vers,
			    netid != NULL && *netid != '\0' ? netid : "*", n);
			rpcbd_save(rb);
		}
	}
	rpcbd_stat_unset(rb->db, rpcbd_sv(rq), *ok);
	return DISP_REPLY;
}

enum disp
rpcbd_null(struct req *rq, void *args UNUSED, void *res UNUSED)
{
	struct rpcbd *rb = rq->ctx;

	rpcbd_stat_proc(rb->db, rpcbd_sv(rq), 0);
	return DISP_REPLY;
}

/* RFC 1833 2.2: RPCBPROC_SET. The r_owner of the call is ignored. */
enum disp
rpcbd_rpcb_set(struct req *rq, rpcb *a, rpcbd_bool *res)
{
	return rpcbd_do_set(rq, a->r_prog, a->r_vers, a->r_netid, a->r_addr,
	    res);
}

/* RFC 1833 2.2: RPCBPROC_UNSET; an empty r_netid means every netid. */
enum disp
rpcbd_rpcb_unset(struct req *rq, rpcb *a, rpcbd_bool *res)
{
	return rpcbd_do_unset(rq, a->r_prog, a->r_vers, a->r_netid, res);
}

/*
 * The netid to look a GETADDR up on. RFC 1833 infers it from the transport
 * the call came in on; a call over AF_LOCAL names the netid it wants.
 */
static const char *
lookup_netid(const struct req *rq, const rpcb *a)
{
	if (rq->kind == RPC_XPRT_LOCAL && a->r_netid != NULL &&
	    *a->r_netid != '\0')
		return a->r_netid;
	return rq->netid;
}

static enum disp
getaddr(struct req *rq, rpcb *a, rpcbd_str *res, bool any_version)
{
	struct rpcbd *rb = rq->ctx;
	struct rpcbd_ent e;
	const char *netid = lookup_netid(rq, a);
	char buf[RPCBD_UADDR_MAX];

	*res = "";
	if (rpcbd_live_find(rb, a->r_prog, a->r_vers, netid, &e) == 0 &&
	    (any_version || e.vers == a->r_vers)) {
		if (rpcbd_merge_addr(e.uaddr, (struct sockaddr *)&rq->local,
		    buf, sizeof(buf)) != 0)
			str_copy(buf, e.uaddr, sizeof(buf));
		if ((*res = req_strdup(rq, buf)) == NULL)
			return DISP_SYSERR;
	}
	rpcbd_stat_getaddr(rb->db, rpcbd_sv(rq), a->r_prog, a->r_vers, netid,
	    **res != '\0');
	return DISP_REPLY;
}

/* RFC 1833 2.2: RPCBPROC_GETADDR, any version of the program will do. */
enum disp
rpcbd_rpcb_getaddr(struct req *rq, rpcb *a, rpcbd_str *res)
{
	return getaddr(rq, a, res, true);
}

/* RFC 1833 2.2.1: RPCBPROC_GETVERSADDR, that version only. */
enum disp
rpcbd_rpcb_getversaddr(struct req *rq, rpcb *a, rpcbd_str *res)
{
	return getaddr(rq, a, res, false);
}

struct dump_arg {
	struct req	*rq;
	rpcblist_ptr	*tail;
};

static int
dump_one(const struct rpcbd_ent *e, void *arg)
{
	struct dump_arg *da = arg;
	rpcblist_ptr n;

	if ((n = req_alloc(da->rq, sizeof(*n))) == NULL)
		return -ENOMEM;
	n->rpcb_map.r_prog = e->prog;
	n->rpcb_map.r_vers = e->vers;
	if ((n->rpcb_map.r_netid = req_strdup(da->rq, e->netid)) == NULL ||
	    (n->rpcb_map.r_addr = req_strdup(da->rq, e->uaddr)) == NULL ||
	    (n->rpcb_map.r_owner = req_strdup(da->rq, e->owner)) == NULL)
		return -ENOMEM;
	*da->tail = n;
	da->tail = &n->rpcb_next;
	return 0;
}

/* RFC 1833 2.2: RPCBPROC_DUMP, in registration order. */
enum disp
rpcbd_rpcb_dump(struct req *rq, void *args UNUSED, rpcbd_rpcblist *res)
{
	struct rpcbd *rb = rq->ctx;
	struct dump_arg da = { rq, res };

	*res = NULL;
	if (rpcbd_db_walk(rb->db, dump_one, &da) != 0)
		return DISP_SYSERR;
	return DISP_REPLY;
}

/* RFC 1833 2.2: RPCBPROC_GETTIME, seconds since the epoch. */
enum disp
rpcbd_rpcb_gettime(struct req *rq UNUSED, void *args UNUSED, rpcbd_u32 *res)
{
	*res = (uint32_t)time(NULL);
	return DISP_REPLY;
}

/* The family of the transport a request came in on. */
static int
req_family(const struct req *rq)
{
	if (rq->kind == RPC_XPRT_LOCAL)
		return AF_LOCAL;
	return rq->local.ss_family;
}

/* RFC 1833 2.2: RPCBPROC_UADDR2TADDR, for the request's transport. An
 * address that does not parse gives an empty netbuf. */
enum disp
rpcbd_rpcb_uaddr2taddr(struct req *rq, rpcbd_str *a, rpcbd_netbuf *res)
{
	struct sockaddr_storage ss;
	socklen_t len;

	memset(res, 0, sizeof(*res));
	if (*a == NULL ||
	    addr_from_uaddr(*a, req_family(rq), &ss, &len) != 0)
		return DISP_REPLY;
	if ((res->buf = req_alloc(rq, len)) == NULL)
		return DISP_SYSERR;
	memcpy(res->buf, &ss, len);
	res->len = res->maxlen = len;
	return DISP_REPLY;
}

/* RFC 1833 2.2: RPCBPROC_TADDR2UADDR; "" for what we cannot read. */
enum disp
rpcbd_rpcb_taddr2uaddr(struct req *rq, rpcbd_netbuf *a, rpcbd_str *res)
{
	struct sockaddr_storage ss;
	char buf[RPCBD_UADDR_MAX];
	sa_family_t fam;

	*res = "";
	if (a->buf == NULL || a->len < sizeof(fam) || a->len > sizeof(ss))
		return DISP_REPLY;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, a->buf, a->len);
	fam = ss.ss_family;
	if ((fam == AF_INET && a->len < sizeof(struct sockaddr_in)) ||
	    (fam == AF_INET6 && a->len < sizeof(struct sockaddr_in6)) ||
	    fam != req_family(rq))
		return DISP_REPLY;
	if (addr_to_uaddr((struct sockaddr *)&ss, buf, sizeof(buf)) != 0)
		return DISP_REPLY;
	if ((*res = req_strdup(rq, buf)) == NULL)
		return DISP_SYSERR;
	return DISP_REPLY;
}

struct nc_info {
	const char	*netid;
	int		 family;
	unsigned	 semantics;	/* NC_TPI_CLTS 1, NC_TPI_COTS_ORD 3 */
	const char	*protofmly;
	const char	*proto;
};

static const struct nc_info nc_table[] = {
	{ "udp",	AF_INET,	1, "inet",	"udp" },
	{ "tcp",	AF_INET,	3, "inet",	"tcp" },
	{ "udp6",	AF_INET6,	1, "inet6",	"udp" },
	{ "tcp6",	AF_INET6,	3, "inet6",	"tcp" },
	{ "local",	AF_LOCAL,	3, "loopback",	"-" },
	{ "unix",	AF_LOCAL,	3, "loopback",	"-" },
};

static const struct nc_info *
nc_find(const char *netid)
{
	size_t i;

	for (i = 0; i < nitems(nc_table); i++)
		if (strcmp(nc_table[i].netid, netid) == 0)
			return &nc_table[i];
	return NULL;
}

struct addrlist_arg {
	struct req		*rq;
	const rpcb		*a;
	int			 family;
	rpcb_entry_list_ptr	*tail;
};

static int
addrlist_one(const struct rpcbd_ent *e, void *arg)
{
	struct addrlist_arg *la = arg;
	const struct nc_info *nc;
	rpcb_entry_list_ptr n;
	char buf[RPCBD_UADDR_MAX];

	if (e->prog != la->a->r_prog || e->vers != la->a->r_vers)
		return 0;
	if ((nc = nc_find(e->netid)) == NULL)
		return 0;
	/* The caller can use what its own family reaches; AF_LOCAL
	 * callers are on this host and can use anything. */
	if (la->family != AF_LOCAL && nc->family != la->family)
		return 0;
	if (rpcbd_merge_addr(e->uaddr, (struct sockaddr *)&la->rq->local,
	    buf, sizeof(buf)) != 0)
		return 0;
	if ((n = req_alloc(la->rq, sizeof(*n))) == NULL ||
	    (n->rpcb_entry_map.r_maddr = req_strdup(la->rq, buf)) == NULL ||
	    (n->rpcb_entry_map.r_nc_netid = req_strdup(la->rq, e->netid)) ==
	    NULL)
		return -ENOMEM;
	n->rpcb_entry_map.r_nc_semantics = nc->semantics;
	n->rpcb_entry_map.r_nc_protofmly = (char *)nc->protofmly;
	n->rpcb_entry_map.r_nc_proto = (char *)nc->proto;
	*la->tail = n;
	la->tail = &n->rpcb_entry_next;
	return 0;
}

/* RFC 1833 2.2.1: RPCBPROC_GETADDRLIST, every address of that version. */
enum disp
rpcbd_rpcb_getaddrlist(struct req *rq, rpcb *a, rpcbd_entlist *res)
{
	struct rpcbd *rb = rq->ctx;
	struct addrlist_arg la = { rq, a, req_family(rq), res };

	*res = NULL;
	if (rpcbd_db_walk(rb->db, addrlist_one, &la) != 0)
		return DISP_SYSERR;
	rpcbd_stat_getaddr(rb->db, rpcbd_sv(rq), a->r_prog, a->r_vers,
	    rq->netid, *res != NULL);
	return DISP_REPLY;
}

/* RFC 1833 2.2.1: RPCBPROC_GETSTAT, a copy taken under the lock. */
enum disp
rpcbd_rpcb_getstat(struct req *rq, void *args UNUSED, struct rpcb_stat *res)
{
	struct rpcbd *rb = rq->ctx;
	struct rpcbd_stat_vers *st;
	unsigned v, i;

	if ((st = req_alloc(rq, RPCBD_NSV * sizeof(*st))) == NULL)
		return DISP_SYSERR;
	rpcbd_stat_get(rb->db, st);
	for (v = 0; v < RPCBD_NSV; v++) {
		rpcbs_addrlist_ptr *at = &res[v].addrinfo;
		rpcbs_rmtcalllist_ptr *rt = &res[v].rmtinfo;

		memcpy(res[v].info, st[v].info, sizeof(res[v].info));
		res[v].setinfo = st[v].setinfo;
		res[v].unsetinfo = st[v].unsetinfo;
		*at = NULL;
		*rt = NULL;
		for (i = 0; i < st[v].naddr; i++) {
			rpcbs_addrlist *n = req_alloc(rq, sizeof(*n));

			if (n == NULL)
				return DISP_SYSERR;
			n->prog = st[v].addr[i].prog;
			n->vers = st[v].addr[i].vers;
			n->success = st[v].addr[i].success;
			n->failure = st[v].addr[i].failure;
			n->netid = st[v].addr[i].netid;
			*at = n;
			at = &n->next;
		}
		for (i = 0; i < st[v].nrmt; i++) {
			rpcbs_rmtcalllist *n = req_alloc(rq, sizeof(*n));

			if (n == NULL)
				return DISP_SYSERR;
			n->prog = st[v].rmt[i].prog;
			n->vers = st[v].rmt[i].vers;
			n->proc = st[v].rmt[i].proc;
			n->success = st[v].rmt[i].success;
			n->failure = st[v].rmt[i].failure;
			n->indirect = st[v].rmt[i].indirect;
			n->netid = st[v].rmt[i].netid;
			*rt = n;
			rt = &n->next;
		}
	}
	return DISP_REPLY;
}

/* ---------------------------------------------------------- start-up */

static int
self_one(struct rpcbd *rb, uint32_t vers, const char *netid,
    const char *uaddr)
{
	struct rpcbd_ent e;
	int rc;

	if ((rc = rpcbd_ent_make(&e, RPCBD_PROG, vers, netid, uaddr,
	    RPCBD_SUPERUSER)) != 0)
		return rc;
	rc = rpcbd_db_set(rb->db, &e);
	return rc == -EEXIST ? 0 : rc;
}

/* The address to advertise for a family: the first bound one, or the
 * wildcard. */
static int
self_uaddr(const char *const *bind, int family, int port, char *buf,
    size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	for (; bind != NULL && *bind != NULL; bind++) {
		struct sockaddr_storage b;

		if (addr_pton(*bind, &b, &sl) == 0 && b.ss_family == family) {
			ss = b;
			break;
		}
	}
	addr_set_port((struct sockaddr *)&ss, port);
	return addr_to_uaddr((struct sockaddr *)&ss, buf, len);
}

/*
 * rpcbind's own entries, in the order Linux rpcbind shows them: 4 and 3
 * on the IPv6 transports, 4, 3 and 2 on IPv4 (portmap v2 cannot carry an
 * IPv6 address), 4 and 3 on the local socket.
 */
int
rpcbd_self_register(struct rpcbd *rb, struct rpc_srv *srv,
    const char *const *bind, const char *local_path)
{
	static const struct {
		const char		*netid;
		enum rpc_xprt_kind	 kind;
		int			 family;
		uint32_t		 lowvers;
	} tr[] = {
		{ "tcp6", RPC_XPRT_TCP, AF_INET6, RPCBVERS },
		{ "udp6", RPC_XPRT_UDP, AF_INET6, RPCBVERS },
		{ "tcp", RPC_XPRT_TCP, AF_INET, PMAPVERS },
		{ "udp", RPC_XPRT_UDP, AF_INET, PMAPVERS },
	};
	char uaddr[RPCBD_UADDR_MAX];
	size_t i;
	uint32_t v;
	int port, rc;

	for (i = 0; i < nitems(tr); i++) {
		if ((port = rpc_srv_port(srv, tr[i].kind, tr[i].family)) == 0)
			continue;
		if ((rc = self_uaddr(bind, tr[i].family, port, uaddr,
		    sizeof(uaddr))) != 0)
			return rc;
		for (v = RPCBVERS4; v >= tr[i].lowvers; v--)
			if ((rc = self_one(rb, v, tr[i].netid, uaddr)) != 0)
				return rc;
	}
	if (local_path != NULL && *local_path != '\0')
		for (v = RPCBVERS4; v >= RPCBVERS; v--)
			if ((rc = self_one(rb, v, "local", local_path)) != 0)
				return rc;
	return 0;
}
