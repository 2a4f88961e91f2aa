/*
 * statd_ha.c: the high-availability callout (-H PROG, nfs-utils' rpc.statd
 * -H, same calls): "PROG add-client MON_NAME MY_NAME" after an SM_MON
 * adds a registration, "del-client MON_NAME MY_NAME" for each one SM_UNMON
 * or SM_UNMON_ALL removes, "sm-notify MON_NAME ADDRESS STATE" for every
 * SM_NOTIFY received (ADDRESS: the caller's), so a cluster can mirror
 * statd's lists.
 *
 * Handlers only queue the request; one thread of ours spawns the program
 * (posix_spawn, stdin from /dev/null, no other descriptor inherited), at
 * most STATD_HA_RUNNING at a time, and reaps it. A full queue drops the
 * request with a warning: a slow callout never holds a worker.
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "statd/statd.h"

extern char **environ;

#define REAP_POLL_MS	50

struct ha_req {
	char	verb[16];
	char	arg1[STATD_NAME_MAX + 1];
	char	arg2[STATD_NAME_MAX + 1];
	char	arg3[16];		/* "": none */
};

struct statd_ha {
	char		*prog;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct ha_req	 q[STATD_HA_QUEUED];
	unsigned	 head, n;
	bool		 stop;
	pid_t		 running[STATD_HA_RUNNING];
	unsigned	 nrunning;
	pthread_t	 thread;
	bool		 started;
	struct statd_rate rate;
};

static void
spawn_one(struct statd_ha *ha, const struct ha_req *r)
{
	posix_spawn_file_actions_t fa;
	char *argv[6];
	pid_t pid;
	int rc;

	argv[0] = ha->prog;
	argv[1] = (char *)(uintptr_t)r->verb;
	argv[2] = (char *)(uintptr_t)r->arg1;
	argv[3] = (char *)(uintptr_t)r->arg2;
	argv[4] = r->arg3[0] != '\0' ? (char *)(uintptr_t)r->arg3 : NULL;
	argv[5] = NULL;
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
		log_warnx("ha-callout %s: %s", ha->prog, strerror(rc));
		return;
	}
	(void)posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	(void)posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
	rc = posix_spawn(&pid, ha->prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		log_warnx("ha-callout %s %s %s %s %s: %s", ha->prog, r->verb,
		    r->arg1, r->arg2, r->arg3, strerror(rc));
		return;
	}
	ha->running[ha->nrunning++] = pid;
	log_debug(LOG_D_STATE, "ha-callout %s %s %s %s %s: pid %ld",
	    ha->prog, r->verb, r->arg1, r->arg2, r->arg3, (long)pid);
}

/* Reap what has exited (no lock needed: only this thread touches it). */
static void
reap(struct statd_ha *ha)
{
	unsigned i;
	int status;
	pid_t p;

	for (i = 0; i < ha->nrunning;) {
		p = waitpid(ha->running[i], &status, WNOHANG);
		if (p == 0) {
			i++;
			continue;
		}
		if (p > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
			log_warnx("ha-callout %s (pid %ld) ended with status "
			    "%d", ha->prog, (long)p, status);
		ha->running[i] = ha->running[--ha->nrunning];
	}
}

static void *
ha_main(void *arg)
{
	struct statd_ha *ha = arg;
	struct ha_req r;
	struct timespec ts;

	pthread_mutex_lock(&ha->lock);
	for (;;) {
		pthread_mutex_unlock(&ha->lock);
		reap(ha);
		pthread_mutex_lock(&ha->lock);
		while (ha->n > 0 && ha->nrunning < STATD_HA_RUNNING) {
			r = ha->q[ha->head];
			ha->head = (ha->head + 1) % STATD_HA_QUEUED;
			ha->n--;
			pthread_mutex_unlock(&ha->lock);
			spawn_one(ha, &r);
			pthread_mutex_lock(&ha->lock);
		}
		if (ha->stop)
			break;
		if (ha->nrunning == 0 && ha->n == 0) {
			pthread_cond_wait(&ha->cond, &ha->lock);
			continue;
		}
		/* children running: look again soon */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += REAP_POLL_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&ha->cond, &ha->lock, &ts);
	}
	pthread_mutex_unlock(&ha->lock);
	reap(ha);
	return NULL;
}

struct statd_ha *
statd_ha_new(const char *prog)
{
	struct statd_ha *ha;
	int rc;

	if ((ha = calloc(1, sizeof(*ha))) == NULL)
		return NULL;
	if ((ha->prog = strdup(prog)) == NULL) {
		free(ha);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&ha->lock, NULL);
	pthread_cond_init(&ha->cond, NULL);
	statd_rate_init(&ha->rate, "dropped ha-callout requests", 1);
	if ((rc = pthread_create(&ha->thread, NULL, ha_main, ha)) != 0) {
		statd_ha_free(ha);
		errno = rc;
		return NULL;
	}
	ha->started = true;
	return ha;
}

void
statd_ha_free(struct statd_ha *ha)
{
	if (ha == NULL)
		return;
	if (ha->started) {
		pthread_mutex_lock(&ha->lock);
		ha->stop = true;
		ha->n = 0;		/* what has not started never will */
		pthread_cond_signal(&ha->cond);
		pthread_mutex_unlock(&ha->lock);
		pthread_join(ha->thread, NULL);
	}
	/* children still running are left to init */
	statd_rate_destroy(&ha->rate);
	pthread_cond_destroy(&ha->cond);
	pthread_mutex_destroy(&ha->lock);
	free(ha->prog);
	free(ha);
}

void
statd_ha_run(struct statd_ha *ha, const char *verb, const char *arg1,
    const char *arg2, const char *arg3)
{
	unsigned long sup;
	struct ha_req *r;
	bool full;

	if (ha == NULL)
		return;
	pthread_mutex_lock(&ha->lock);
	if (!(full = ha->n == STATD_HA_QUEUED)) {
		r = &ha->q[(ha->head + ha->n) % STATD_HA_QUEUED];
		snprintf(r->verb, sizeof(r->verb), "%s", verb);
		snprintf(r->arg1, sizeof(r->arg1), "%s", arg1);
		snprintf(r->arg2, sizeof(r->arg2), "%s", arg2);
		snprintf(r->arg3, sizeof(r->arg3), "%s", arg3 != NULL ? arg3 :
		    "");
		ha->n++;
		pthread_cond_signal(&ha->cond);
	}
	pthread_mutex_unlock(&ha->lock);
	if (full && statd_rate_allow(&ha->rate, time(NULL), &sup))
		log_warnx("ha-callout: %u requests queued, %s %s dropped%s",
		    STATD_HA_QUEUED, verb, arg1, sup > 0 ?
		    " (and more)" : "");
}
