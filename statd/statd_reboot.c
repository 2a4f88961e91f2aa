/*
 * statd_reboot.c: reboots, ours and our peers'.
 *
 *  - SM_NOTIFY (XNFS 11): a peer rebooted. Every registration whose host
 *    matches the notifier (its source address, or its name for a host of
 *    no known address: statd_host_matches) gets its callback to the lock
 *    manager, unless that host's last SM_NOTIFY passed on had the same
 *    state (a replay, as nfs-utils' rpc.statd). The registrations stay:
 *    the lock manager unmonitors when it wants to. The -H callout hears of
 *    every SM_NOTIFY ("sm-notify MON_NAME ADDRESS STATE", nfs-utils').
 *  - SM_SIMU_CRASH (local callers only): act as if we had rebooted: a new
 *    state number, every monitored host moves to the notify set (sm.bak/)
 *    and is notified; the monitor list is then empty.
 *  - At start (sm-notify's job): the monitor list before the restart and
 *    whatever was not acknowledged yet are notified; sm/ itself is kept,
 *    so the registrations of a lock manager that kept running stay valid.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/addr.h"
#include "common/log.h"
#include "statd/statd.h"

/* statd_db_retire's hook: sm/KEY -> sm.bak/KEY (under the table's lock). */
static void
retire_file(void *arg, const char *key)
{
	struct statd *st = arg;
	int rc;

	if (!st->persist)
		return;
	if ((rc = statd_file_move(st->sm, st->smbak, key)) != 0)
		log_warnx("move %s/%s to %s: %s", st->sm, key, st->smbak,
		    strerror(-rc));
}

/* XNFS 11: SM_SIMU_CRASH. */
enum disp
statd_proc_simu_crash(struct req *rq, statd_void *a, statd_void *res)
{
	struct statd *st = rq->ctx;
	char (*keys)[STATD_NAME_MAX + 1] = NULL, addr[ADDR_STRLEN];
	uint32_t next;
	int n, i, rc;

	(void)a;
	(void)res;
	if (!req_is_local(rq)) {
		if (ratelog_allow(&st->rate_crash,
		    (const struct sockaddr *)&rq->peer))
			log_notice("refused SM_SIMU_CRASH from %s: not a local "
			    "caller", addr_ntop((struct sockaddr *)&rq->peer,
			    addr, sizeof(addr)));
		return DISP_REPLY;
	}
	pthread_mutex_lock(&st->crash_lock);
	if (statd_db_count(&st->db) == 0) {
		pthread_mutex_unlock(&st->crash_lock);
		log_debug(LOG_D_STATE, "SM_SIMU_CRASH: nothing monitored");
		return DISP_REPLY;
	}
	next = statd_state_next((uint32_t)atomic_load(&st->state));
	if (st->persist && (rc = statd_state_write(st->statefile, next)) != 0)
		log_warnx("SM_SIMU_CRASH: write %s: %s", st->statefile,
		    strerror(-rc));
	atomic_store(&st->state, (int32_t)next);
	n = statd_db_retire(&st->db, retire_file, st, &keys);
	pthread_mutex_unlock(&st->crash_lock);
	if (n < 0) {
		log_warnx("SM_SIMU_CRASH: %s", strerror(-n));
		return DISP_REPLY;
	}
	log_notice("SM_SIMU_CRASH: new state %u, notifying %d host%s", next,
	    n, n == 1 ? "" : "s");
	for (i = 0; i < n && st->send != NULL; i++)
		if ((rc = statd_send_notify(st->send, keys[i],
		    (int32_t)next)) != 0)
			log_warnx("cannot notify %s: %s", keys[i],
			    strerror(-rc));
	free(keys);
	return DISP_REPLY;
}

/* XNFS 11: SM_NOTIFY. */
enum disp
statd_proc_notify(struct req *rq, sm_stat_chge *a, statd_void *res)
{
	struct statd *st = rq->ctx;
	struct statd_reg *regs = NULL;
	char addr[ADDR_STRLEN], safe[64], sstate[16];
	const char *name;
	unsigned matched;
	int n, i, rc;

	(void)res;
	/* a name we would not store cannot match one we stored */
	name = statd_name_invalid(a->mon_name) == NULL ? a->mon_name : NULL;
	addr_ntop((struct sockaddr *)&rq->peer, addr, sizeof(addr));
	if (name != NULL) {
		snprintf(sstate, sizeof(sstate), "%d", (int)a->state);
		statd_ha_run(st->ha, "sm-notify", name, addr, sstate);
	}
	n = statd_db_match(&st->db, (struct sockaddr *)&rq->peer, name,
	    a->state, &regs, &matched);
	if (n < 0) {
		log_warnx("SM_NOTIFY from %s: %s", addr, strerror(-n));
		return DISP_REPLY;
	}
	if (n == 0) {
		log_debug(LOG_D_STATE, "SM_NOTIFY from %s (mon_name %s, state "
		    "%d): %s, ignored", addr, statd_name_safe(a->mon_name,
		    safe, sizeof(safe)), a->state, matched > 0 ?
		    "this state was passed on already" : "not monitored");
		return DISP_REPLY;
	}
	if (ratelog_allow(&st->rate_notify, (const struct sockaddr *)&rq->peer))
		log_notice("SM_NOTIFY from %s (mon_name %s): %s rebooted, "
		    "state %d; %d callback%s", addr, statd_name_safe(
		    a->mon_name, safe, sizeof(safe)), regs[0].mon_name,
		    a->state, n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		if (st->send != NULL && (rc = statd_send_callback(st->send,
		    &regs[i], a->state)) != 0)
			log_warnx("callback for %s: %s", regs[i].mon_name,
			    strerror(-rc));
	free(regs);
	return DISP_REPLY;
}

int
statd_load_monitors(struct statd *st)
{
	char (*names)[STATD_NAME_MAX + 1] = NULL;
	struct statd_reg *regs;
	unsigned bad, skipped, full = 0;
	char *text;
	size_t len, n, j;
	int count = 0, nn, i, rc;

	if ((nn = statd_dir_list(st->sm, &names, &bad)) < 0) {
		log_warnx("%s: %s", st->sm, strerror(-nn));
		return 0;
	}
	if (bad > 0)
		log_warnx("%s: %u entries that are not host files skipped",
		    st->sm, bad);
	for (i = 0; i < nn; i++) {
		if ((rc = statd_file_get(st->sm, names[i], &text, &len)) != 0) {
			log_warnx("%s/%s: %s", st->sm, names[i],
			    strerror(-rc));
			continue;
		}
		rc = statd_rec_parse(text, len, names[i], &regs, &n, &skipped);
		free(text);
		if (rc != 0) {
			log_warnx("%s/%s: %s", st->sm, names[i],
			    strerror(-rc));
			continue;
		}
		if (skipped > 0)
			log_warnx("%s/%s: %u malformed record%s skipped",
			    st->sm, names[i], skipped, skipped == 1 ? "" : "s");
		for (j = 0; j < n; j++) {
			if (!statd_callback_allowed(regs[j].prog, regs[j].vers,
			    regs[j].proc)) {
				log_warnx("%s/%s: a record calling back "
				    "%u/%u/%u skipped (not the lock manager)",
				    st->sm, names[i], regs[j].prog,
				    regs[j].vers, regs[j].proc);
				continue;
			}
			rc = statd_db_load(&st->db, &regs[j]);
			if (rc == -ENOSPC)
				full++;
			else if (rc == 1)
				count++;
		}
		free(regs);
	}
	free(names);
	if (full > 0)
		log_warnx("%s: %u registrations over max-monitors dropped",
		    st->sm, full);
	return count;
}

int
statd_notify_restart(struct statd *st, int32_t state)
{
	char (*names)[STATD_NAME_MAX + 1] = NULL;
	unsigned bad;
	int n, i, rc;

	/* first make sure every monitored host is in the notify set, so
	 * that a crash now still notifies it at the next start */
	if ((n = statd_dir_list(st->sm, &names, NULL)) < 0)
		log_warnx("%s: %s", st->sm, strerror(-n));
	for (i = 0; i < n; i++)
		if ((rc = statd_file_copy(st->sm, st->smbak, names[i])) != 0)
			log_warnx("copy %s/%s to %s: %s", st->sm, names[i],
			    st->smbak, strerror(-rc));
	free(names);
	names = NULL;
	if ((n = statd_dir_list(st->smbak, &names, &bad)) < 0) {
		log_warnx("%s: %s", st->smbak, strerror(-n));
		return n;
	}
	if (bad > 0)
		log_warnx("%s: %u entries that are not host files skipped",
		    st->smbak, bad);
	if (n > 0)
		log_notice("notifying %d host%s of our restart (state %d)", n,
		    n == 1 ? "" : "s", (int)state);
	for (i = 0; i < n && st->send != NULL; i++)
		if ((rc = statd_send_notify(st->send, names[i], state)) != 0)
			log_warnx("cannot notify %s: %s", names[i],
			    strerror(-rc));
	free(names);
	return n;
}

void
statd_on_acked(void *arg, const char *host)
{
	struct statd *st = arg;
	int rc;

	if (st->persist && (rc = statd_file_put(st->smbak, host, NULL, 0)) != 0)
		log_warnx("remove %s/%s: %s", st->smbak, host, strerror(-rc));
}

void
statd_on_resolved(void *arg, const char *host, const struct statd_addrs *a)
{
	struct statd *st = arg;

	if (statd_db_set_addrs(&st->db, host, a) == 0)
		log_debug(LOG_D_STATE, "%s resolved: %u address%s", host, a->n,
		    a->n == 1 ? "" : "es");
}
