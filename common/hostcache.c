/*
 * hostcache.c: see hostcache.h. One mutex guards a small hash table of
 * entries; lookups that are not cached go on a queue the resolver thread
 * works through, and answers wake every waiter (they look again).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/addr.h"
#include "common/hostcache.h"
#include "common/util.h"

#define HC_BUCKETS	256

enum hc_state { HC_PENDING, HC_NAME, HC_NONE };

struct hc_ent {
	struct sockaddr_storage	 addr;
	enum hc_state		 state;
	bool			 queued;
	time_t			 expires;
	char			 name[NI_MAXHOST];
	struct hc_ent		*next;		/* bucket */
	struct hc_ent		*qnext;		/* resolver queue */
};

struct hostcache {
	pthread_mutex_t		 lock;
	pthread_cond_t		 answered;	/* an entry left HC_PENDING */
	pthread_cond_t		 work;		/* the queue has something */
	pthread_mutex_t		 nglock;	/* innetgr(3) is not MT-safe */
	pthread_t		 thread;
	bool			 stop;
	unsigned		 n, max;
	struct hc_ent		*b[HC_BUCKETS];
	struct hc_ent		*qhead, *qtail;
};

static unsigned
bucket(const struct sockaddr *sa)
{
	char buf[ADDR_STRLEN];
	const char *s = addr_ntop(sa, buf, sizeof(buf));
	unsigned h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % HC_BUCKETS;
}

static struct hc_ent *
find(struct hostcache *hc, const struct sockaddr *sa)
{
	struct hc_ent *e;

	for (e = hc->b[bucket(sa)]; e != NULL; e = e->next)
		if (addr_host_eq((struct sockaddr *)&e->addr, sa))
			return e;
	return NULL;
}

/* Is name's forward lookup the address we started from? */
static bool
confirmed(const char *name, const struct sockaddr *sa)
{
	struct addrinfo hints, *res = NULL, *ai;
	bool ok = false;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return false;
	for (ai = res; ai != NULL && !ok; ai = ai->ai_next)
		ok = addr_host_eq(ai->ai_addr, sa);
	freeaddrinfo(res);
	return ok;
}

static void *
resolver(void *arg)
{
	struct hostcache *hc = arg;

	pthread_mutex_lock(&hc->lock);
	for (;;) {
		struct sockaddr_storage ss;
		struct hc_ent *e;
		char name[NI_MAXHOST];
		bool ok;
		char *p;

		while (hc->qhead == NULL && !hc->stop)
			pthread_cond_wait(&hc->work, &hc->lock);
		if (hc->stop)
			break;
		e = hc->qhead;
		hc->qhead = e->qnext;
		if (hc->qhead == NULL)
			hc->qtail = NULL;
		e->queued = false;
		memcpy(&ss, &e->addr, sizeof(ss));
		pthread_mutex_unlock(&hc->lock);

		ok = getnameinfo((struct sockaddr *)&ss,
		    addr_len((struct sockaddr *)&ss), name, sizeof(name),
		    NULL, 0, NI_NAMEREQD) == 0 &&
		    confirmed(name, (struct sockaddr *)&ss);
		for (p = name; ok && *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);

		pthread_mutex_lock(&hc->lock);
		if ((e = find(hc, (struct sockaddr *)&ss)) != NULL) {
			e->state = ok ? HC_NAME : HC_NONE;
			if (ok)
				str_copy(e->name, name, sizeof(e->name));
			e->expires = time(NULL) + (ok ? HOSTCACHE_TTL :
			    HOSTCACHE_NEG_TTL);
		}
		pthread_cond_broadcast(&hc->answered);
	}
	pthread_mutex_unlock(&hc->lock);
	return NULL;
}

struct hostcache *
hostcache_new(unsigned max)
{
	struct hostcache *hc;

	if ((hc = calloc(1, sizeof(*hc))) == NULL)
		return NULL;
	hc->max = max != 0 ? max : 4096;
	pthread_mutex_init(&hc->lock, NULL);
	pthread_mutex_init(&hc->nglock, NULL);
	pthread_cond_init(&hc->answered, NULL);
	pthread_cond_init(&hc->work, NULL);
	if (pthread_create(&hc->thread, NULL, resolver, hc) != 0) {
		pthread_mutex_destroy(&hc->lock);
		pthread_mutex_destroy(&hc->nglock);
		pthread_cond_destroy(&hc->answered);
		pthread_cond_destroy(&hc->work);
		free(hc);
		return NULL;
	}
	return hc;
}

void
hostcache_free(struct hostcache *hc)
{
	struct hc_ent *e;
	unsigned i;

	if (hc == NULL)
		return;
	pthread_mutex_lock(&hc->lock);
	hc->stop = true;
	pthread_cond_broadcast(&hc->work);
	pthread_mutex_unlock(&hc->lock);
	pthread_join(hc->thread, NULL);
	for (i = 0; i < HC_BUCKETS; i++)
		while ((e = hc->b[i]) != NULL) {
			hc->b[i] = e->next;
			free(e);
		}
	pthread_mutex_destroy(&hc->lock);
	pthread_mutex_destroy(&hc->nglock);
	pthread_cond_destroy(&hc->answered);
	pthread_cond_destroy(&hc->work);
	free(hc);
}

/* Drop answered entries: expired ones, or any when the table is full. */
static void
make_room(struct hostcache *hc, time_t now)
{
	struct hc_ent **pp, *e;
	unsigned i;
	int pass;

	for (pass = 0; pass < 2 && hc->n >= hc->max; pass++)
		for (i = 0; i < HC_BUCKETS && hc->n >= hc->max; i++)
			for (pp = &hc->b[i]; (e = *pp) != NULL;) {
				if (e->state != HC_PENDING &&
				    (pass == 1 || e->expires <= now)) {
					*pp = e->next;
					free(e);
					hc->n--;
				} else
					pp = &e->next;
			}
}

int
hostcache_name(struct hostcache *hc, const struct sockaddr *addr, char *buf,
    size_t len, unsigned wait_ms)
{
	struct timespec until;
	struct hc_ent *e;
	time_t now = time(NULL);
	int rc;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&hc->lock);
	if ((e = find(hc, addr)) == NULL) {
		make_room(hc, now);
		if (hc->n >= hc->max || (e = calloc(1, sizeof(*e))) == NULL) {
			pthread_mutex_unlock(&hc->lock);
			return -EAGAIN;	/* every entry is being resolved */
		}
		memcpy(&e->addr, addr, addr_len(addr));
		e->next = hc->b[bucket(addr)];
		hc->b[bucket(addr)] = e;
		hc->n++;
		e->state = HC_PENDING;
	} else if (e->state != HC_PENDING && e->expires <= now)
		e->state = HC_PENDING;	/* look again */
	if (e->state == HC_PENDING && !e->queued) {
		e->queued = true;
		e->qnext = NULL;
		if (hc->qtail != NULL)
			hc->qtail->qnext = e;
		else
			hc->qhead = e;
		hc->qtail = e;
		pthread_cond_signal(&hc->work);
	}
	for (;;) {
		if ((e = find(hc, addr)) == NULL) {
			rc = -EAGAIN;
			break;
		}
		if (e->state == HC_NAME) {
			str_copy(buf, e->name, len);
			rc = 0;
			break;
		}
		if (e->state == HC_NONE) {
			rc = -ENOENT;
			break;
		}
		if (pthread_cond_timedwait(&hc->answered, &hc->lock,
		    &until) == ETIMEDOUT) {
			rc = -EAGAIN;
			break;
		}
	}
	pthread_mutex_unlock(&hc->lock);
	return rc;
}

static int
in_netgroup(void *arg, const char *group, const char *host)
{
	struct hostcache *hc = arg;
	int r;

	pthread_mutex_lock(&hc->nglock);
	r = innetgr(group, host, NULL, NULL);
	pthread_mutex_unlock(&hc->nglock);
	return r;
}

/* Fill peer with addr and, through hc, its name. false: no name. */
static bool
named_peer(struct hostcache *hc, const struct sockaddr *addr,
    struct exp_peer *peer, char *name, size_t len, unsigned wait_ms)
{
	memset(peer, 0, sizeof(*peer));
	peer->addr = addr;
	if (hc == NULL || hostcache_name(hc, addr, name, len, wait_ms) != 0)
		return false;
	peer->name = name;
	peer->in_netgroup = in_netgroup;
	peer->ng_arg = hc;
	return true;
}

const struct exp_client *
hostcache_match_under(struct hostcache *hc, const struct exp_table *t,
    const char *path, const struct sockaddr *addr, unsigned wait_ms)
{
	const struct exp_client *c;
	struct exp_peer peer;
	char name[NI_MAXHOST];

	memset(&peer, 0, sizeof(peer));
	peer.addr = addr;
	if ((c = exp_match_under(t, path, &peer)) != NULL ||
	    !exp_table_needs_names(t) ||
	    !named_peer(hc, addr, &peer, name, sizeof(name), wait_ms))
		return c;
	return exp_match_under(t, path, &peer);
}

const struct exp_client *
hostcache_match_export(struct hostcache *hc, const struct exp_export *e,
    const struct sockaddr *addr, unsigned wait_ms)
{
	const struct exp_client *c;
	struct exp_peer peer;
	char name[NI_MAXHOST];

	memset(&peer, 0, sizeof(peer));
	peer.addr = addr;
	if ((c = exp_match_export(e, &peer)) != NULL || !exp_export_needs_names(e) ||
	    !named_peer(hc, addr, &peer, name, sizeof(name), wait_ms))
		return c;
	return exp_match_export(e, &peer);
}
