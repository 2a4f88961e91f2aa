/*
 * statd_ha.c: the high-availability callout (-H PROG, nfs-utils' rpc.statd
 * -H, same calls): "PROG add-client MON_NAME MY_NAME" after an SM_MON
 * adds a registration, "del-client MON_NAME MY_NAME" for each one SM_UNMON
 * or SM_UNMON_ALL removes, "sm-notify MON_NAME ADDRESS STATE" for every
 * SM_NOTIFY received (ADDRESS: the caller's), so a cluster can mirror
 * statd's lists.
 *
 * The program is started by the runner, a process of its own that
 * statd_ha_new() forks before statd enters its sandbox (common/sandbox.h):
 * statd's seccomp allow-list has no execve(2), and a program the
 * administrator names must run as it would from a shell, not under
 * statd's filter and no_new_privs. The runner is forked after priv_drop()
 * (it runs as statd's user, without capabilities), keeps only its end of a
 * socket pair and stdio, and reads one fixed-size request per packet;
 * it spawns the program (posix_spawn, stdin from /dev/null, no other
 * descriptor inherited), at most STATD_HA_RUNNING at a time, reaps it, and
 * exits when statd's end of the pair closes.
 *
 * In statd, handlers only queue the request; one thread passes the queue
 * to the runner, which takes a request only when it may start one. A full
 * queue drops the request with a warning: a slow callout never holds a
 * worker.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/ratelog.h"
#include "statd/statd.h"

extern char **environ;

#define REAP_POLL_MS	50
#define RUNNER_FD	3	/* the runner's end of the pair */

struct ha_req {
	char	verb[16];
	char	arg1[STATD_NAME_MAX + 1];
	char	arg2[STATD_NAME_MAX + 1];
	char	arg3[16];		/* "": none */
};

struct statd_ha {
	char		*prog;
	int		 sock;		/* to the runner */
	pid_t		 runner;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct ha_req	 q[STATD_HA_QUEUED];
	unsigned	 head, n;
	bool		 stop;
	pthread_t	 thread;
	bool		 started;
	struct ratelog	 rate;
};

/* ------------------------------------------------------------ the runner */

struct runner {
	const char	*prog;
	pid_t		 running[STATD_HA_RUNNING];
	unsigned	 nrunning;
};

static void
spawn_one(struct runner *ru, const struct ha_req *r)
{
	posix_spawn_file_actions_t fa;
	char *argv[6];
	pid_t pid;
	int rc;

	argv[0] = (char *)(uintptr_t)ru->prog;
	argv[1] = (char *)(uintptr_t)r->verb;
	argv[2] = (char *)(uintptr_t)r->arg1;
	argv[3] = (char *)(uintptr_t)r->arg2;
	argv[4] = r->arg3[0] != '\0' ? (char *)(uintptr_t)r->arg3 : NULL;
	argv[5] = NULL;
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
		log_warnx("ha-callout %s: %s", ru->prog, strerror(rc));
		return;
	}
	(void)posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	(void)posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
	rc = posix_spawn(&pid, ru->prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		log_warnx("ha-callout %s %s %s %s %s: %s", ru->prog, r->verb,
		    r->arg1, r->arg2, r->arg3, strerror(rc));
		return;
	}
	ru->running[ru->nrunning++] = pid;
	log_debug(LOG_D_STATE, "ha-callout %s %s %s %s %s: pid %ld",
	    ru->prog, r->verb, r->arg1, r->arg2, r->arg3, (long)pid);
}

/* Reap what has exited. */
static void
reap(struct runner *ru)
{
	unsigned i;
	int status;
	pid_t p;

	for (i = 0; i < ru->nrunning;) {
		p = waitpid(ru->running[i], &status, WNOHANG);
		if (p == 0) {
			i++;
			continue;
		}
		if (p > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
			log_warnx("ha-callout %s (pid %ld) ended with status "
			    "%d", ru->prog, (long)p, status);
		ru->running[i] = ru->running[--ru->nrunning];
	}
}

/* A request as statd sent it: every field terminated. */
static bool
req_ok(const struct ha_req *r)
{
	return memchr(r->verb, '\0', sizeof(r->verb)) != NULL &&
	    memchr(r->arg1, '\0', sizeof(r->arg1)) != NULL &&
	    memchr(r->arg2, '\0', sizeof(r->arg2)) != NULL &&
	    memchr(r->arg3, '\0', sizeof(r->arg3)) != NULL;
}

static void __attribute__((noreturn))
runner_main(const char *prog, int fd)
{
	struct runner ru;
	struct pollfd pfd;
	struct ha_req r;
	ssize_t n;
	int rc;

	memset(&ru, 0, sizeof(ru));
	ru.prog = prog;
	for (;;) {
		reap(&ru);
		/* a request only when one may start; while children run,
		 * look at them again soon; statd gone: POLLHUP either way */
		pfd.fd = fd;
		pfd.events = ru.nrunning < STATD_HA_RUNNING ? POLLIN : 0;
		rc = poll(&pfd, 1, ru.nrunning > 0 ? REAP_POLL_MS : -1);
		if (rc == 0 || (rc == -1 && errno == EINTR))
			continue;
		if (rc == -1)
			break;
		if ((pfd.revents & POLLIN) == 0) {
			if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
				break;
			continue;
		}
		n = recv(fd, &r, sizeof(r), 0);
		if (n == 0 || (n == -1 && errno != EINTR))
			break;		/* statd is gone */
		if (n == (ssize_t)sizeof(r) && req_ok(&r))
			spawn_one(&ru, &r);
	}
	/* callouts still running are left to init, as statd always did */
	_exit(0);
}

/*
 * In the child: keep stdio and the pair, nothing else of statd's (its
 * pidfile lock above all); detached, leave statd's session and terminal
 * as daemon_detach() does for statd itself.
 */
static void __attribute__((noreturn))
runner_start(const char *prog, int fd, bool detach)
{
	sigset_t none;
	int nul;

	if (fd != RUNNER_FD && dup2(fd, RUNNER_FD) == -1)
		_exit(1);
	(void)close_range(RUNNER_FD + 1, ~0U, 0);
	if (detach) {
		if ((nul = open("/dev/null", O_RDWR)) == -1)
			_exit(1);
		(void)dup2(nul, STDIN_FILENO);
		(void)dup2(nul, STDOUT_FILENO);
		(void)dup2(nul, STDERR_FILENO);
		if (nul > STDERR_FILENO)
			close(nul);
		(void)setsid();
	}
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	runner_main(prog, RUNNER_FD);
}

/* ------------------------------------------------------------ in statd */

static void *
ha_main(void *arg)
{
	struct statd_ha *ha = arg;
	struct ha_req r;
	ssize_t n;

	pthread_mutex_lock(&ha->lock);
	for (;;) {
		while (ha->n == 0 && !ha->stop)
			pthread_cond_wait(&ha->cond, &ha->lock);
		if (ha->stop)
			break;
		r = ha->q[ha->head];
		ha->head = (ha->head + 1) % STATD_HA_QUEUED;
		ha->n--;
		pthread_mutex_unlock(&ha->lock);
		/* blocks while the runner is busy: the queue fills instead */
		do
			n = send(ha->sock, &r, sizeof(r), MSG_NOSIGNAL);
		while (n == -1 && errno == EINTR);
		if (n == -1 && ratelog_allow(&ha->rate, NULL))
			log_warn("ha-callout: cannot pass %s %s on", r.verb,
			    r.arg1);
		pthread_mutex_lock(&ha->lock);
	}
	pthread_mutex_unlock(&ha->lock);
	return NULL;
}

struct statd_ha *
statd_ha_new(const char *prog, bool detach)
{
	struct statd_ha *ha;
	int sv[2], err;

	if ((ha = calloc(1, sizeof(*ha))) == NULL)
		return NULL;
	ha->sock = -1;
	ha->runner = -1;
	pthread_mutex_init(&ha->lock, NULL);
	pthread_cond_init(&ha->cond, NULL);
	ratelog_init(&ha->rate, "dropped ha-callout requests", RATELOG_BURST,
	    RATELOG_INTERVAL);
	if ((ha->prog = strdup(prog)) == NULL) {
		err = ENOMEM;
		goto fail;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		err = errno;
		goto fail;
	}
	fflush(NULL);		/* nothing buffered is written twice */
	if ((ha->runner = fork()) == -1) {
		err = errno;
		close(sv[0]);
		close(sv[1]);
		goto fail;
	}
	if (ha->runner == 0)
		runner_start(ha->prog, sv[1], detach);
	close(sv[1]);
	ha->sock = sv[0];
	return ha;
fail:
	statd_ha_free(ha);
	errno = err;
	return NULL;
}

int
statd_ha_start(struct statd_ha *ha)
{
	int rc;

	if ((rc = pthread_create(&ha->thread, NULL, ha_main, ha)) != 0)
		return -rc;
	ha->started = true;
	return 0;
}

void
statd_ha_free(struct statd_ha *ha)
{
	if (ha == NULL)
		return;
	/* wakes a send() blocked on a busy runner; the runner sees EOF */
	if (ha->sock != -1)
		(void)shutdown(ha->sock, SHUT_RDWR);
	if (ha->started) {
		pthread_mutex_lock(&ha->lock);
		ha->stop = true;
		ha->n = 0;		/* what has not started never will */
		pthread_cond_signal(&ha->cond);
		pthread_mutex_unlock(&ha->lock);
		pthread_join(ha->thread, NULL);
	}
	if (ha->sock != -1)
		close(ha->sock);
	/* ours to reap unless daemon_detach() made init its parent (ECHILD) */
	if (ha->runner > 0)
		while (waitpid(ha->runner, NULL, 0) == -1 && errno == EINTR)
			;
	ratelog_destroy(&ha->rate);
	pthread_cond_destroy(&ha->cond);
	pthread_mutex_destroy(&ha->lock);
	free(ha->prog);
	free(ha);
}

void
statd_ha_run(struct statd_ha *ha, const char *verb, const char *arg1,
    const char *arg2, const char *arg3)
{
	struct ha_req *r;
	bool full;

	if (ha == NULL)
		return;
	pthread_mutex_lock(&ha->lock);
	if (!(full = ha->n == STATD_HA_QUEUED)) {
		r = &ha->q[(ha->head + ha->n) % STATD_HA_QUEUED];
		memset(r, 0, sizeof(*r));
		snprintf(r->verb, sizeof(r->verb), "%s", verb);
		snprintf(r->arg1, sizeof(r->arg1), "%s", arg1);
		snprintf(r->arg2, sizeof(r->arg2), "%s", arg2);
		snprintf(r->arg3, sizeof(r->arg3), "%s", arg3 != NULL ? arg3 :
		    "");
		ha->n++;
		pthread_cond_signal(&ha->cond);
	}
	pthread_mutex_unlock(&ha->lock);
	if (full && ratelog_allow(&ha->rate, NULL))
		log_warnx("ha-callout: %u requests queued, %s %s dropped",
		    STATD_HA_QUEUED, verb, arg1);
}
