/*
 * ratelog.h: a limiter for log lines of one kind (refused calls, dropped
 * requests), so that a flood of them costs a bounded number of lines.
 *
 * The first `burst` events of an interval are logged by the caller as they
 * come; the rest are only counted. Once the interval is over, one summary
 * line (at NOTICE) gives their number, the time they span and the first
 * and last caller:
 *
 *   ... and 4995 more refused MNT calls in the last 3 s (first from
 *   192.0.2.2, last from 192.0.2.7)
 *
 * The summary comes before the first line of the next interval, or from
 * ratelog_flush(), which a daemon's timer calls about once a second so
 * that the end of a flood is reported too. A sustained flood therefore
 * costs burst + 1 lines per interval, whatever its rate. Intervals are
 * measured on the monotonic clock. Thread-safe.
 */
#ifndef NFS_RATELOG_H
#define NFS_RATELOG_H

#include <sys/socket.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* What the suite's daemons use for refusals: per kind, the [global]
 * log-burst lines (log_get_burst(), 5 unless configured; 0: no limit) per
 * 5 s. */
#define RATELOG_BURST		0	/* that setting */
#define RATELOG_INTERVAL	5

struct ratelog {
	pthread_mutex_t		 lock;
	const char		*what;		/* "refused MNT calls" */
	unsigned		 burst;		/* lines per interval, or
						   RATELOG_BURST */
	unsigned		 interval;	/* seconds */
	bool			 active;	/* an interval is running */
	time_t			 start;		/* ... since then */
	unsigned		 used;		/* lines let through in it */
	unsigned long		 suppressed;	/* events not logged */
	time_t			 first_time;	/* of the first of those */
	struct sockaddr_storage	 first, last;	/* their callers, or
						   AF_UNSPEC */
};

/* What a summary line reports (ratelog_take()). */
struct ratelog_summary {
	unsigned long		 count;		/* 0: nothing to report */
	unsigned		 secs;		/* time the events span */
	struct sockaddr_storage	 first, last;
};

/* what: the events in the plural, kept by reference ("refused MNT calls");
 * burst: lines per interval, RATELOG_BURST (0) for log_get_burst(), read
 * at each event; interval 0 is taken as 1 s. */
void	ratelog_init(struct ratelog *r, const char *what, unsigned burst,
	    unsigned interval);
void	ratelog_destroy(struct ratelog *r);

/*
 * One event, from peer (NULL if there is none). Logs the summary of the
 * previous interval first if one is due. Returns true if the caller should
 * log this event, false if it was only counted.
 */
bool	ratelog_allow(struct ratelog *r, const struct sockaddr *peer);
/* Log the summary of an interval that is over (from a timer). */
void	ratelog_flush(struct ratelog *r);

/*
 * The same at a given time (seconds on any clock that does not go back),
 * for tests and callers with a clock of their own. The summary, if one is
 * due, is returned in *sum rather than logged (sum->count 0: none).
 */
bool	ratelog_event(struct ratelog *r, time_t now, const struct sockaddr *peer,
	    struct ratelog_summary *sum);
void	ratelog_take(struct ratelog *r, time_t now, struct ratelog_summary *sum);
/* The summary line for r's events; returns buf. */
const char *ratelog_format(const struct ratelog *r,
	    const struct ratelog_summary *sum, char *buf, size_t len);

#endif
