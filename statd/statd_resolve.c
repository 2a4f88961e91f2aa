/*
 * statd_resolve.c: name lookups that nobody has to wait for longer than it
 * wants. getaddrinfo() has no timeout of its own (the resolver's retries
 * can take half a minute), so each lookup runs in a detached thread that
 * holds a reference on its resolver: the thread posts its result there and
 * wakes the resolver's eventfd. A caller that stops waiting just drops its
 * reference; the last one out frees the resolver.
 *
 * The number of lookups running at once is bounded for the whole process
 * (a counter outliving every resolver, hence file-scope): past it a lookup
 * is refused with -EAGAIN rather than piling up threads.
 */
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "statd/statd.h"

#define LOOKUPS_MAX	16

static atomic_uint lookups_running;

struct result {
	struct result		*next;
	uint64_t		 tag;
	int			 err;
	struct statd_addrs	 addrs;
};

struct statd_resolver {
	pthread_mutex_t		 lock;
	unsigned		 refs;
	int			 evfd;
	struct result		*head, **tail;
};

struct lookup {
	struct statd_resolver	*r;
	uint64_t		 tag;
	char			 name[STATD_NAME_MAX + 1];
};

struct statd_resolver *
statd_resolver_new(void)
{
	struct statd_resolver *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->lock, NULL);
	r->refs = 1;
	r->tail = &r->head;
	return r;
}

static void
resolver_unref(struct statd_resolver *r)
{
	struct result *res;
	bool last;

	pthread_mutex_lock(&r->lock);
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->lock);
	if (!last)
		return;
	while ((res = r->head) != NULL) {
		r->head = res->next;
		free(res);
	}
	close(r->evfd);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

void
statd_resolver_put(struct statd_resolver *r)
{
	if (r != NULL)
		resolver_unref(r);
}

int
statd_resolver_fd(const struct statd_resolver *r)
{
	return r->evfd;
}

/* getaddrinfo into a; 0 or -errno. */
static int
lookup_name(const char *name, struct statd_addrs *a)
{
	struct addrinfo hints, *res = NULL, *ai;
	unsigned i;
	bool dup;
	int rc;

	memset(a, 0, sizeof(*a));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	rc = getaddrinfo(name, NULL, &hints, &res);
	switch (rc) {
	case 0:
		break;
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
		return -ENOENT;
	case EAI_AGAIN:
		return -EAGAIN;
	case EAI_MEMORY:
		return -ENOMEM;
	default:
		return -EIO;
	}
	for (ai = res; ai != NULL && a->n < STATD_MAXADDRS; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(a->a[0]))
			continue;
		for (dup = false, i = 0; i < a->n && !dup; i++)
			dup = memcmp(&a->a[i], ai->ai_addr, ai->ai_addrlen) == 0;
		if (dup)
			continue;
		memset(&a->a[a->n], 0, sizeof(a->a[0]));
		memcpy(&a->a[a->n++], ai->ai_addr, ai->ai_addrlen);
	}
	freeaddrinfo(res);
	return a->n > 0 ? 0 : -ENOENT;
}

static void *
lookup_main(void *arg)
{
	struct lookup *l = arg;
	struct statd_resolver *r = l->r;
	struct result *res;
	uint64_t one = 1;
	ssize_t n;

	if ((res = calloc(1, sizeof(*res))) != NULL) {
		res->tag = l->tag;
		res->err = lookup_name(l->name, &res->addrs);
		pthread_mutex_lock(&r->lock);
		*r->tail = res;
		r->tail = &res->next;
		pthread_mutex_unlock(&r->lock);
		n = write(r->evfd, &one, sizeof(one));
		(void)n;
	}
	free(l);
	atomic_fetch_sub(&lookups_running, 1);
	resolver_unref(r);
	return NULL;
}

int
statd_resolver_start(struct statd_resolver *r, const char *name,
    uint64_t tag)
{
	pthread_attr_t attr;
	struct lookup *l;
	pthread_t t;
	int rc;

	if (strlen(name) > STATD_NAME_MAX)
		return -EINVAL;
	if (atomic_fetch_add(&lookups_running, 1) >= LOOKUPS_MAX) {
		atomic_fetch_sub(&lookups_running, 1);
		return -EAGAIN;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		atomic_fetch_sub(&lookups_running, 1);
		return -ENOMEM;
	}
	l->r = r;
	l->tag = tag;
	memcpy(l->name, name, strlen(name) + 1);
	pthread_mutex_lock(&r->lock);
	r->refs++;
	pthread_mutex_unlock(&r->lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, lookup_main, l);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		free(l);
		atomic_fetch_sub(&lookups_running, 1);
		resolver_unref(r);
		return -rc;
	}
	return 0;
}

int
statd_resolver_take(struct statd_resolver *r, uint64_t *tagp, int *errp,
    struct statd_addrs *a)
{
	struct result *res;
	uint64_t v;
	ssize_t n;

	pthread_mutex_lock(&r->lock);
	if ((res = r->head) != NULL) {
		if ((r->head = res->next) == NULL)
			r->tail = &r->head;
	} else {
		/* drained: clear the eventfd under the lock, so a result
		 * posted later wakes the reader again */
		n = read(r->evfd, &v, sizeof(v));
		(void)n;
	}
	pthread_mutex_unlock(&r->lock);
	if (res == NULL)
		return -EAGAIN;
	*tagp = res->tag;
	*errp = res->err;
	*a = res->addrs;
	free(res);
	return 0;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
statd_resolve(const char *name, unsigned timeout_ms, struct statd_addrs *a)
{
	struct statd_resolver *r;
	struct pollfd pfd;
	uint64_t tag, end = now_ms() + timeout_ms, now;
	int rc, err;

	memset(a, 0, sizeof(*a));
	if ((r = statd_resolver_new()) == NULL)
		return -ENOMEM;
	if ((rc = statd_resolver_start(r, name, 0)) != 0)
		goto out;
	for (;;) {
		if (statd_resolver_take(r, &tag, &err, a) == 0) {
			rc = err;
			break;
		}
		if ((now = now_ms()) >= end) {
			rc = -ETIMEDOUT;
			break;
		}
		pfd.fd = statd_resolver_fd(r);
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, (int)(end - now));
	}
out:
	statd_resolver_put(r);
	return rc;
}

const char *
statd_resolve_strerror(int err)
{
	switch (err) {
	case -ENOENT:
		return "no such host";
	case -EAGAIN:
		return "temporary failure in name resolution";
	case -ETIMEDOUT:
		return "the lookup timed out";
	case -EIO:
		return "name resolution failed";
	default:
		return strerror(-err);
	}
}
