/*
 * test_lockd.c: rpc.lockd's pure parts and its tables: lock range
 * arithmetic (overlap, split, merge, to-EOF, 32/64-bit limits), owner
 * matching, the waiter queue (bounds, order, grant on release), the grace
 * rules and the host list file.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lockd/lockd.h"

static struct lk_range
R(uint64_t s, uint64_t e, bool x)
{
	struct lk_range r = { s, e, x };

	return r;
}

static void
assert_list(const struct lk_list *l, size_t n, const struct lk_range *want)
{
	size_t i;

	assert_int_equal(l->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(l->r[i].start, want[i].start);
		assert_int_equal(l->r[i].end, want[i].end);
		assert_int_equal(l->r[i].excl, want[i].excl);
	}
}

/* ------------------------------------------------------------ ranges */

static void
test_range_make(void **state)
{
	struct lk_range r;

	(void)state;
	/* v4: 64-bit */
	assert_int_equal(lk_range_make(0, 0, 64, true, &r), 0);
	assert_int_equal(r.start, 0);
	assert_true(r.end == LK_EOF);
	assert_int_equal(lk_range_make(10, 5, 64, false, &r), 0);
	assert_int_equal(r.end, 15);
	assert_false(r.excl);
	/* past 4 GiB is fine in v4 */
	assert_int_equal(lk_range_make(5ULL << 30, 100, 64, true, &r), 0);
	assert_int_equal(r.end, (5ULL << 30) + 100);
	/* offset + len past 2^64: refused, never wrapped */
	assert_int_equal(lk_range_make(UINT64_MAX - 10, 100, 64, true, &r),
	    -EOVERFLOW);
	assert_int_equal(lk_range_make(0xffffffffffffff00ULL, 0x200, 64, true,
	    &r), -EOVERFLOW);
	/* a start the kernel cannot hold */
	assert_int_equal(lk_range_make((uint64_t)INT64_MAX + 1, 1, 64, true,
	    &r), -EOVERFLOW);
	/* an end past the kernel's last offset is the same lock as to EOF */
	assert_int_equal(lk_range_make((uint64_t)INT64_MAX - 5, 100, 64, true,
	    &r), 0);
	assert_true(r.end == LK_EOF);
	assert_int_equal(lk_range_make(LK_OFF_MAX, 0, 64, true, &r), 0);

	/* v1/v3: 32-bit */
	assert_int_equal(lk_range_make(0xffffff00u, 0x100, 32, true, &r), 0);
	assert_int_equal(r.end, 1ULL << 32);
	assert_int_equal(lk_range_make(0xffffff00u, 0x200, 32, true, &r),
	    -EOVERFLOW);
	assert_int_equal(lk_range_make(0xffffff00u, 0, 32, true, &r), 0);
	assert_true(r.end == LK_EOF);
	assert_int_equal(lk_range_make(7, 0xffffffffu, 32, true, &r), 0);
	assert_true(r.end == LK_EOF);		/* XNFS/Solaris: all ones */
	assert_int_equal(lk_range_make(1ULL << 32, 1, 32, true, &r),
	    -EOVERFLOW);
}

static void
test_range_wire(void **state)
{
	uint64_t off, len;

	(void)state;
	lk_range_wire(&(struct lk_range){ 10, 20, true }, 64, &off, &len);
	assert_int_equal(off, 10);
	assert_int_equal(len, 10);
	lk_range_wire(&(struct lk_range){ 10, LK_EOF, true }, 64, &off, &len);
	assert_int_equal(len, 0);
	/* a v4 lock beyond 4 GiB reported to a v3 TEST: clamped, to EOF */
	lk_range_wire(&(struct lk_range){ 5ULL << 30, (5ULL << 30) + 10, true },
	    32, &off, &len);
	assert_int_equal(off, UINT32_MAX);
	assert_int_equal(len, 0);
	lk_range_wire(&(struct lk_range){ 100, 6ULL << 30, true }, 32, &off,
	    &len);
	assert_int_equal(off, 100);
	assert_int_equal(len, 0);
	lk_range_wire(&(struct lk_range){ 100, 200, false }, 32, &off, &len);
	assert_int_equal(len, 100);
}

static void
test_overlap_conflict(void **state)
{
	struct lk_range a = R(0, 10, false), b = R(10, 20, true),
	    c = R(5, 15, false), e = R(100, LK_EOF, true);

	(void)state;
	assert_false(lk_overlap(&a, &b));	/* adjacent is not overlap */
	assert_true(lk_overlap(&a, &c));
	assert_true(lk_overlap(&b, &c));
	assert_false(lk_conflicts(&a, &c));	/* shared + shared */
	assert_true(lk_conflicts(&b, &c));	/* exclusive + shared */
	assert_true(lk_overlap(&e, &(struct lk_range){ 1ULL << 40,
	    (1ULL << 40) + 1, false }));
	assert_false(lk_overlap(&e, &a));
}

static void
test_list_set_merge_split(void **state)
{
	struct lk_list l;

	(void)state;
	lk_list_init(&l);
	/* adjacent same-type locks merge */
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 0, 10, true }), 0);
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 20, 30, true }), 0);
	assert_list(&l, 2, (struct lk_range[]){ R(0, 10, true),
	    R(20, 30, true) });
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 10, 20, true }), 0);
	assert_list(&l, 1, (struct lk_range[]){ R(0, 30, true) });
	/* a downgrade of a middle part replaces in place */
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 10, 20, false }),
	    0);
	assert_list(&l, 3, (struct lk_range[]){ R(0, 10, true),
	    R(10, 20, false), R(20, 30, true) });
	/* an upgrade over all of it merges back to one */
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 0, 30, true }), 0);
	assert_list(&l, 1, (struct lk_range[]){ R(0, 30, true) });
	/* overlapping same type extends */
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 25, 40, true }), 0);
	assert_list(&l, 1, (struct lk_range[]){ R(0, 40, true) });
	/* to EOF swallows everything after */
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 100, 200, false }),
	    0);
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 35, LK_EOF,
	    false }), 0);
	assert_list(&l, 2, (struct lk_range[]){ R(0, 35, true),
	    R(35, LK_EOF, false) });
	lk_list_free(&l);
}

static void
test_list_clear(void **state)
{
	struct lk_list l;

	(void)state;
	lk_list_init(&l);
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 0, 100, true }),
	    0);
	/* unlocking the middle splits */
	assert_int_equal(lk_list_clear(&l, &(struct lk_range){ 40, 60, false }),
	    0);
	assert_list(&l, 2, (struct lk_range[]){ R(0, 40, true),
	    R(60, 100, true) });
	/* unlocking what is not held changes nothing */
	assert_int_equal(lk_list_clear(&l, &(struct lk_range){ 200, 300, true }),
	    0);
	assert_int_equal(l.n, 2);
	/* unlock to EOF from inside the first range */
	assert_int_equal(lk_list_clear(&l, &(struct lk_range){ 10, LK_EOF,
	    true }), 0);
	assert_list(&l, 1, (struct lk_range[]){ R(0, 10, true) });
	/* a lock to EOF, split by a bounded unlock */
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 50, LK_EOF,
	    false }), 0);
	assert_int_equal(lk_list_clear(&l, &(struct lk_range){ 60, 70, false }),
	    0);
	assert_list(&l, 3, (struct lk_range[]){ R(0, 10, true),
	    R(50, 60, false), R(70, LK_EOF, false) });
	assert_int_equal(lk_list_clear(&l, &(struct lk_range){ 0, LK_EOF,
	    false }), 0);
	assert_true(lk_list_empty(&l));
	lk_list_free(&l);
}

static void
test_list_conflict_covers(void **state)
{
	struct lk_list l;
	const struct lk_range *c;

	(void)state;
	lk_list_init(&l);
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 0, 10, false }),
	    0);
	assert_int_equal(lk_list_set(&l, &(struct lk_range){ 20, 30, true }),
	    0);
	assert_null(lk_list_conflict(&l, &(struct lk_range){ 0, 10, false }));
	assert_non_null(c = lk_list_conflict(&l, &(struct lk_range){ 5, 6,
	    true }));
	assert_int_equal(c->start, 0);
	assert_non_null(c = lk_list_conflict(&l, &(struct lk_range){ 15, 25,
	    false }));
	assert_int_equal(c->start, 20);
	assert_null(lk_list_conflict(&l, &(struct lk_range){ 10, 20, true }));
	assert_true(lk_list_covers(&l, &(struct lk_range){ 2, 8, false }));
	assert_false(lk_list_covers(&l, &(struct lk_range){ 2, 8, true }));
	assert_false(lk_list_covers(&l, &(struct lk_range){ 5, 25, true }));
	assert_true(lk_list_covers(&l, &(struct lk_range){ 20, 30, true }));
	lk_list_free(&l);
}

/* ------------------------------------------------------------ grace */

static void
test_grace(void **state)
{
	struct grace g;
	char *keys[] = { (char *)"192.0.2.2", (char *)"192.0.2.3" };

	(void)state;
	/* no former clients: over at once */
	assert_int_equal(grace_start(&g, 1000, 90, NULL, 0), 0);
	assert_false(grace_active(&g, 1000));
	assert_true(grace_allows(&g, 1000, GR_LOCK, false));
	grace_free(&g);
	/* no grace configured */
	assert_int_equal(grace_start(&g, 1000, 0, keys, 2), 0);
	assert_false(grace_active(&g, 1000));
	grace_free(&g);

	assert_int_equal(grace_start(&g, 1000, 90, keys, 2), 0);
	assert_true(grace_active(&g, 1001));
	assert_false(grace_allows(&g, 1001, GR_LOCK, false));
	assert_true(grace_allows(&g, 1001, GR_LOCK, true));
	assert_false(grace_allows(&g, 1001, GR_TEST, false));
	assert_false(grace_allows(&g, 1001, GR_UNLOCK, false));
	assert_false(grace_allows(&g, 1001, GR_CANCEL, false));
	assert_true(grace_allows(&g, 1001, GR_SHARE, true));
	assert_false(grace_allows(&g, 1001, GR_SHARE, false));
	assert_false(grace_allows(&g, 1001, GR_UNSHARE, false));
	assert_true(grace_allows(&g, 1001, GR_FREE_ALL, false));
	/* one of two reclaimed: still on */
	grace_reclaimed(&g, "192.0.2.2", 1005);
	grace_reclaimed(&g, "198.51.100.9", 1005);	/* not expected */
	assert_true(grace_active(&g, 1030));
	/* both: over GRACE_SETTLE s after the last reclaim */
	grace_reclaimed(&g, "192.0.2.3", 1040);
	assert_true(grace_active(&g, 1040 + GRACE_SETTLE - 1));
	grace_reclaimed(&g, "192.0.2.3", 1041);		/* another of its locks */
	assert_true(grace_active(&g, 1041 + GRACE_SETTLE - 1));
	assert_false(grace_active(&g, 1041 + GRACE_SETTLE));
	/* over for good */
	assert_false(grace_active(&g, 1000));
	assert_true(grace_allows(&g, 1000, GR_LOCK, false));
	grace_free(&g);

	/* a client that never comes back: the full period */
	assert_int_equal(grace_start(&g, 1000, 90, keys, 2), 0);
	grace_reclaimed(&g, "192.0.2.2", 1001);
	assert_true(grace_active(&g, 1089));
	assert_false(grace_active(&g, 1090));
	grace_free(&g);
}

/* ------------------------------------------------------------ host list */

static void
test_hosts_file(void **state)
{
	char *keys[] = { (char *)"198.51.100.11", (char *)"2001:db8::7" };
	char **got, *text;
	size_t n;
	int st;

	(void)state;
	assert_int_equal(lk_hosts_format(keys, 2, 7, &text), 0);
	assert_int_equal(lk_hosts_parse(text, &got, &n, &st), 0);
	assert_int_equal(n, 2);
	assert_int_equal(st, 7);
	assert_string_equal(got[0], "198.51.100.11");
	assert_string_equal(got[1], "2001:db8::7");
	lk_keys_free(got, n);
	free(text);
	/* junk, names, paths and over-long lines are skipped */
	assert_int_equal(lk_hosts_parse("garbage\nhost ../../etc\n"
	    "host some.name\nhost 10.0.0.1\nstatd-state 3\nhost\n",
	    &got, &n, &st), 0);
	assert_int_equal(n, 1);
	assert_string_equal(got[0], "10.0.0.1");
	assert_int_equal(st, 3);
	lk_keys_free(got, n);
	assert_int_equal(lk_hosts_parse("", &got, &n, &st), 0);
	assert_int_equal(n, 0);
	lk_keys_free(got, n);
}

/* ------------------------------------------------------------ tables */

static struct lockd lk;

static int
setup_lockd(void **state)
{
	struct rpc_clnt_config cc = { -1, -1, false, 16 };

	(void)state;
	memset(&lk, 0, sizeof(lk));
	pthread_mutex_init(&lk.lock, NULL);
	pthread_cond_init(&lk.mon_cond, NULL);
	lk.lim.max_hosts = 4;
	lk.lim.max_owners_per_host = 8;
	lk.lim.max_files = 16;
	lk.lim.max_waiters = 3;
	lk.lim.max_waiters_per_host = 2;
	lk.lim.max_shares_per_host = 4;
	lk.lim.host_idle = 300;
	snprintf(lk.hostname, sizeof(lk.hostname), "server");
	snprintf(lk.hosts_file, sizeof(lk.hosts_file), "/nonexistent/hosts");
	assert_non_null(lk.clnt = rpc_clnt_new(&cc));
	return 0;
}

static int
teardown_lockd(void **state)
{
	(void)state;
	/* a failed assertion left the test with the lock held */
	(void)pthread_mutex_trylock(&lk.lock);
	pthread_mutex_unlock(&lk.lock);
	rpc_clnt_free(lk.clnt);
	pthread_mutex_lock(&lk.lock);
	lk_state_free(&lk);
	pthread_mutex_unlock(&lk.lock);
	assert_int_equal(lk.nhosts, 0);
	assert_int_equal(lk.nfiles, 0);
	assert_int_equal(lk.nofds, 0);
	assert_int_equal(lk.nwaiters, 0);
	return 0;
}

static struct sockaddr_storage
addr4(const char *s)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(789);
	assert_int_equal(inet_pton(AF_INET, s, &sin->sin_addr), 1);
	return ss;
}

static void
test_hosts_owners(void **state)
{
	struct sockaddr_storage a = addr4("192.0.2.2"), b = addr4("192.0.2.3"),
	    m;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&m;
	struct lk_host *h, *h2;
	struct lk_owner *o1, *o2, *o3, *o4;
	netobj oh1 = { 3, (char *)"abc" }, oh2 = { 3, (char *)"abd" };

	(void)state;
	pthread_mutex_lock(&lk.lock);
	assert_null(lk_host_get(&lk, (struct sockaddr *)&a, false));
	assert_non_null(h = lk_host_get(&lk, (struct sockaddr *)&a, true));
	assert_string_equal(h->key, "192.0.2.2");
	/* the port does not matter; a v4-mapped caller is the same host */
	memset(&m, 0, sizeof(m));
	s6->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.2",
	    &s6->sin6_addr), 1);
	assert_ptr_equal(lk_host_get(&lk, (struct sockaddr *)&m, true), h);
	assert_ptr_equal(lk_host_by_id(&lk, h->id), h);
	assert_non_null(h2 = lk_host_get(&lk, (struct sockaddr *)&b, true));
	assert_ptr_not_equal(h, h2);

	/* an owner is (caller_name, svid, oh) */
	assert_non_null(o1 = lk_owner_get(&lk, h, "c1", 10, &oh1, true));
	assert_ptr_equal(lk_owner_get(&lk, h, "c1", 10, &oh1, false), o1);
	assert_non_null(o2 = lk_owner_get(&lk, h, "c1", 11, &oh1, true));
	assert_non_null(o3 = lk_owner_get(&lk, h, "c1", 10, &oh2, true));
	assert_non_null(o4 = lk_owner_get(&lk, h, "c2", 10, &oh1, true));
	assert_ptr_not_equal(o1, o2);
	assert_ptr_not_equal(o1, o3);
	assert_ptr_not_equal(o1, o4);
	/* the same owner on another host is another owner */
	assert_null(lk_owner_get(&lk, h2, "c1", 10, &oh1, false));
	assert_int_equal(h->nowners, 4);
	lk_owner_unref(&lk, o1);
	lk_owner_unref(&lk, o2);
	lk_owner_unref(&lk, o3);
	lk_owner_unref(&lk, o4);
	assert_int_equal(h->nowners, 0);
	pthread_mutex_unlock(&lk.lock);
}

/* A target for a real file, as lk_target_open leaves it. */
static void
target(const char *path, struct lk_target *t)
{
	t->fd = open(path, O_PATH | O_CLOEXEC);
	assert_true(t->fd >= 0);
	assert_int_equal(fstat(t->fd, &t->st), 0);
	t->ro = false;
}

static void
test_waiters(void **state)
{
	char path[] = "/tmp/test_lockd.XXXXXX";
	struct sockaddr_storage a = addr4("192.0.2.2"), b = addr4("192.0.2.3");
	netobj oh = { 2, (char *)"oh" }, fh = { 4, (char *)"\1\2\3\4" },
	    cookie = { 1, (char *)"c" };
	struct lk_target t;
	struct lk_host *ha, *hb;
	struct lk_owner *oa, *ob1, *ob2, *ob3;
	struct lk_file *f;
	struct lk_ofd *da, *db1, *db2, *db3;
	struct lk_waiter *w1, *w2, *w3;
	struct lk_args args;
	int fd, err = 0;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	target(path, &t);
	memset(&args, 0, sizeof(args));
	args.cookie = &cookie;
	args.fh = &fh;
	args.vers = 4;
	args.range = R(0, 100, true);
	args.len = 100;

	pthread_mutex_lock(&lk.lock);
	ha = lk_host_get(&lk, (struct sockaddr *)&a, true);
	hb = lk_host_get(&lk, (struct sockaddr *)&b, true);
	oa = lk_owner_get(&lk, ha, "a", 1, &oh, true);
	ob1 = lk_owner_get(&lk, hb, "b", 1, &oh, true);
	ob2 = lk_owner_get(&lk, hb, "b", 2, &oh, true);
	ob3 = lk_owner_get(&lk, ha, "a", 3, &oh, true);
	assert_non_null(f = lk_file_get(&lk, t.st.st_dev, t.st.st_ino, true));
	assert_non_null(da = lk_ofd_get(&lk, f, oa, &t, &err));
	assert_true(da->rw);
	assert_ptr_equal(lk_ofd_get(&lk, f, oa, &t, &err), da);
	assert_non_null(db1 = lk_ofd_get(&lk, f, ob1, &t, &err));
	assert_non_null(db2 = lk_ofd_get(&lk, f, ob2, &t, &err));
	assert_non_null(db3 = lk_ofd_get(&lk, f, ob3, &t, &err));
	assert_int_equal(lk.nofds, 4);

	/* A holds [0,100) exclusively: the kernel says the same to B */
	assert_int_equal(lk_k_setlk(da->fd, &args.range, false), 0);
	assert_int_equal(lk_list_set(&da->locks, &args.range), 0);
	assert_int_equal(lk_k_setlk(db1->fd, &args.range, false), -EAGAIN);
	{
		bool conflict;
		struct lk_range held;
		pid_t pid;

		assert_int_equal(lk_k_getlk(db1->fd, &(struct lk_range){ 50, 60, false },
		    &conflict, &held, &pid), 0);
		assert_true(conflict);
		assert_int_equal(held.start, 0);
		assert_int_equal(held.end, 100);
		assert_int_equal(pid, -1);	/* another description */
		assert_int_equal(lk_k_getlk(db1->fd, &(struct lk_range){ 100, LK_EOF, true },
		    &conflict, &held, &pid), 0);
		assert_false(conflict);
	}

	/* B's two owners queue; the per-host bound refuses a third */
	assert_int_equal(lk_waiter_add(&lk, db1, &args, RPC_CLNT_UDP, &w1), 0);
	assert_int_equal(lk_waiter_add(&lk, db2, &args, RPC_CLNT_UDP, &w2), 0);
	assert_int_equal(lk_waiter_add(&lk, db2, &args, RPC_CLNT_UDP, &w3),
	    -ENOLCK);
	assert_ptr_equal(lk_waiter_find(db1, &args.range), w1);
	assert_null(lk_waiter_find(db1, &(struct lk_range){ 0, 100, false }));
	/* a third owner on A's host; then the total bound */
	assert_int_equal(lk_waiter_add(&lk, db3, &args, RPC_CLNT_TCP, &w3), 0);
	assert_int_equal(lk_waiter_add(&lk, db3, &args, RPC_CLNT_TCP, &w3),
	    -ENOLCK);
	assert_int_equal(lk.nwaiters, 3);
	assert_int_equal(f->nwaiting, 3);

	/* nothing can go while A holds it */
	lk_file_wake(&lk, f);
	assert_int_equal(w1->state, W_WAITING);
	/* A unlocks: the first waiter in queue order gets it, at once */
	assert_int_equal(lk_k_setlk(da->fd, &args.range, true), 0);
	assert_int_equal(lk_list_clear(&da->locks, &args.range), 0);
	lk_file_wake(&lk, f);
	assert_int_equal(w1->state, W_GRANTING);
	assert_true(lk_list_covers(&db1->locks, &args.range));
	assert_int_equal(w2->state, W_WAITING);
	assert_int_equal(w3->state, W_WAITING);
	assert_int_equal(f->nwaiting, 2);
	/* the client refuses the grant: released, and the next one gets it */
	w1->inflight = false;
	lk_grant_answer(&lk, w1->id, 0, NLM4_DENIED, NULL);
	/* db1 held nothing else and had no other waiter: it is closed */
	assert_int_equal(lk.nofds, 3);
	assert_int_equal(lk_k_setlk(da->fd, &(struct lk_range){ 0, 100, false },
	    false), -EAGAIN);	/* but w2 got the kernel lock */
	assert_int_equal(w2->state, W_GRANTING);
	/* an answer from another host is not taken */
	lk_grant_answer(&lk, w2->id, 0, NLM4_GRANTED, ha);
	assert_int_equal(w2->state, W_GRANTING);
	/* CANCEL of a grant not yet acknowledged releases it too */
	lk_waiter_remove(&lk, w2, true);
	lk_file_wake(&lk, f);
	assert_int_equal(w3->state, W_GRANTING);
	/* accepted: the waiter goes, the lock stays */
	lk_grant_answer(&lk, w3->id, 0, NLM4_GRANTED, ha);
	assert_int_equal(lk.nwaiters, 0);
	assert_true(lk_list_covers(&db3->locks, &args.range));
	/* the host reboots: everything it had goes */
	lk_host_free_all(&lk, ha, NULL);
	assert_int_equal(ha->nowners, 0);
	/* B's first owner lost its description with its last waiter */
	assert_null(lk_owner_get(&lk, hb, "b", 1, &oh, false));
	ob1 = lk_owner_get(&lk, hb, "b", 1, &oh, true);
	/* and the file went with the last description on it */
	assert_int_equal(lk.nfiles, 0);
	assert_non_null(f = lk_file_get(&lk, t.st.st_dev, t.st.st_ino, true));
	assert_non_null(db1 = lk_ofd_get(&lk, f, ob1, &t, &err));
	assert_int_equal(lk_k_setlk(db1->fd, &args.range, false), 0);
	assert_int_equal(lk_list_set(&db1->locks, &args.range), 0);
	/* FREE_ALL of another name leaves B's owner alone */
	lk_host_free_all(&lk, hb, "not-b");
	assert_int_equal(hb->nowners, 1);	/* ob2 went with db2 */
	assert_true(lk_list_covers(&db1->locks, &args.range));
	lk_host_free_all(&lk, hb, "b");
	assert_int_equal(hb->nowners, 0);
	assert_int_equal(lk.nofds, 0);
	assert_int_equal(lk.nfiles, 0);
	pthread_mutex_unlock(&lk.lock);
	lk_target_close(&t);
	unlink(path);
}

/* ------------------------------------------------------------ tables */

static void
test_procs(void **state)
{
	static const char *const names[] = {
		"null", "test", "lock", "cancel", "unlock", "granted",
		"test_msg", "lock_msg", "cancel_msg", "unlock_msg",
		"granted_msg", "res_ignored", "res_ignored", "res_ignored",
		"res_ignored", "granted_res", "nsm_notify", NULL, NULL, NULL,
		"share", "share", "lock", "free_all",
	};
	const struct rpc_program *p = lockd_program(&lk);
	unsigned v, i, want[] = { 1, 3, 4 }, nprocs[] = { 17, 24, 24 };

	(void)state;
	assert_int_equal(p->prog, 100021);
	assert_int_equal(p->nversions, 3);
	for (v = 0; v < 3; v++) {
		const struct rpc_version *ver = &p->versions[v];

		assert_int_equal(ver->vers, want[v]);
		assert_int_equal(ver->nprocs, nprocs[v]);
		for (i = 0; i < ver->nprocs; i++) {
			const struct rpc_proc *pd = &ver->procs[i];

			if (names[i] == NULL) {
				assert_null(pd->fn);	/* PROC_UNAVAIL */
				continue;
			}
			assert_non_null(pd->fn);
			if (strstr(pd->name, names[i]) == NULL)
				fail_msg("v%u proc %u is %s, expected *%s*",
				    ver->vers, i, pd->name, names[i]);
			/* statd's callback only from this host */
			assert_int_equal((pd->flags & P_LOCAL) != 0, i == 16);
		}
		assert_int_equal(ver->procs[0].args_size, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_make),
		cmocka_unit_test(test_range_wire),
		cmocka_unit_test(test_overlap_conflict),
		cmocka_unit_test(test_list_set_merge_split),
		cmocka_unit_test(test_list_clear),
		cmocka_unit_test(test_list_conflict_covers),
		cmocka_unit_test(test_grace),
		cmocka_unit_test(test_hosts_file),
		cmocka_unit_test(test_procs),
		cmocka_unit_test_setup_teardown(test_hosts_owners, setup_lockd,
		    teardown_lockd),
		cmocka_unit_test_setup_teardown(test_waiters, setup_lockd,
		    teardown_lockd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
