/*
 * ratelog.c: the log limiter (see ratelog.h).
 */
#include <sys/socket.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/ratelog.h"

void
ratelog_init(struct ratelog *r, const char *what, unsigned burst,
    unsigned interval)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->what = what;
	r->burst = burst;
	r->interval = interval > 0 ? interval : 1;
}

void
ratelog_destroy(struct ratelog *r)
{
	pthread_mutex_destroy(&r->lock);
}

static void
save_peer(struct sockaddr_storage *to, const struct sockaddr *peer)
{
	socklen_t len;

	memset(to, 0, sizeof(*to));
	if (peer == NULL)
		return;
	switch (peer->sa_family) {
	case AF_INET:
		len = sizeof(struct sockaddr_in);
		break;
	case AF_INET6:
		len = sizeof(struct sockaddr_in6);
		break;
	default:
		/* AF_LOCAL and the rest: the family is enough ("local") */
		to->ss_family = peer->sa_family;
		return;
	}
	memcpy(to, peer, len);
}

/* Under the lock: end the interval if it is over, filling *sum. */
static void
roll(struct ratelog *r, time_t now, struct ratelog_summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	/* a clock that went back ends the interval too */
	if (!r->active || (now >= r->start && now - r->start < r->interval))
		return;
	if (r->suppressed > 0) {
		sum->count = r->suppressed;
		sum->secs = now > r->first_time ?
		    (unsigned)(now - r->first_time) : 1;
		sum->first = r->first;
		sum->last = r->last;
	}
	r->active = false;
	r->used = 0;
	r->suppressed = 0;
}

bool
ratelog_event(struct ratelog *r, time_t now, const struct sockaddr *peer,
    struct ratelog_summary *sum)
{
	unsigned burst;
	bool ok;

	pthread_mutex_lock(&r->lock);
	roll(r, now, sum);
	if (!r->active) {
		r->active = true;
		r->start = now;
	}
	burst = r->burst != RATELOG_BURST ? r->burst : log_get_burst();
	if ((ok = burst == 0 || r->used < burst))
		r->used++;
	else {
		if (r->suppressed++ == 0) {
			r->first_time = now;
			save_peer(&r->first, peer);
		}
		save_peer(&r->last, peer);
	}
	pthread_mutex_unlock(&r->lock);
	return ok;
}

void
ratelog_take(struct ratelog *r, time_t now, struct ratelog_summary *sum)
{
	pthread_mutex_lock(&r->lock);
	roll(r, now, sum);
	pthread_mutex_unlock(&r->lock);
}

const char *
ratelog_format(const struct ratelog *r, const struct ratelog_summary *sum,
    char *buf, size_t len)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], from[2 * ADDR_STRLEN + 32];

	from[0] = '\0';
	if (sum->first.ss_family != AF_UNSPEC) {
		addr_ntop((const struct sockaddr *)&sum->first, a, sizeof(a));
		addr_ntop((const struct sockaddr *)&sum->last, b, sizeof(b));
		if (strcmp(a, b) == 0)
			snprintf(from, sizeof(from), " (all from %s)", a);
		else
			snprintf(from, sizeof(from),
			    " (first from %s, last from %s)", a, b);
	}
	snprintf(buf, len, "... and %lu more %s in the last %u s%s",
	    sum->count, r->what, sum->secs, from);
	return buf;
}

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
say(const struct ratelog *r, const struct ratelog_summary *sum)
{
	char buf[512];

	if (sum->count > 0)
		log_notice("%s", ratelog_format(r, sum, buf, sizeof(buf)));
}

bool
ratelog_allow(struct ratelog *r, const struct sockaddr *peer)
{
	struct ratelog_summary sum;
	bool ok;

	ok = ratelog_event(r, mono_now(), peer, &sum);
	say(r, &sum);
	return ok;
}

void
ratelog_flush(struct ratelog *r)
{
	struct ratelog_summary sum;

	ratelog_take(r, mono_now(), &sum);
	say(r, &sum);
}
