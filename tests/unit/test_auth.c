/* test_auth.c: AUTH_SYS decoding limits (RFC 5531 appendix A). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "common/rpc/rpc_int.h"

struct enc {
	uint8_t	b[1024];
	size_t	n;
};

static void
w32(struct enc *e, uint32_t v)
{
	v = htonl(v);
	memcpy(e->b + e->n, &v, 4);
	e->n += 4;
}

static void
wstr(struct enc *e, const char *s, uint32_t claimed)
{
	size_t l = strlen(s);

	w32(e, claimed);
	memcpy(e->b + e->n, s, l);
	e->n += (l + 3) & ~(size_t)3;
}

static void
make_sys(struct enc *e, const char *mach, uint32_t uid, uint32_t gid,
    unsigned ngids)
{
	unsigned i;

	memset(e, 0, sizeof(*e));
	w32(e, 12345);
	wstr(e, mach, (uint32_t)strlen(mach));
	w32(e, uid);
	w32(e, gid);
	w32(e, ngids);
	for (i = 0; i < ngids; i++)
		w32(e, 100 + i);
}

static int
decode(struct enc *e, struct cred *c, enum auth_stat *why)
{
	struct rpc_opaque o = { AUTH_SYS, (uint32_t)e->n, e->b };

	return auth_sys_decode(&o, c, why);
}

static void
good_cred(void **st)
{
	struct enc e;
	struct cred *c = calloc(1, sizeof(*c));
	enum auth_stat why;

	(void)st;
	make_sys(&e, "client.example", 1000, 100, 16);
	assert_int_equal(decode(&e, c, &why), 0);
	assert_int_equal(c->uid, 1000);
	assert_int_equal(c->gid, 100);
	assert_int_equal(c->ngroups, 16);
	assert_int_equal(c->groups[15], 115);
	assert_string_equal(c->machname, "client.example");
	assert_int_equal(c->stamp, 12345);
	free(c);
}

static void
seventeen_gids_badcred(void **st)
{
	struct enc e;
	struct cred *c = calloc(1, sizeof(*c));
	enum auth_stat why = AUTH_OK;

	(void)st;
	make_sys(&e, "h", 0, 0, 17);
	assert_int_equal(decode(&e, c, &why), -EINVAL);
	assert_int_equal(why, AUTH_BADCRED);
	free(c);
}

static void
long_machname_badcred(void **st)
{
	struct enc e;
	struct cred *c = calloc(1, sizeof(*c));
	enum auth_stat why = AUTH_OK;
	char name[257];

	(void)st;
	memset(name, 'm', 256);
	name[256] = '\0';
	make_sys(&e, name, 0, 0, 0);
	assert_int_equal(decode(&e, c, &why), -EINVAL);
	assert_int_equal(why, AUTH_BADCRED);
	/* 255 is the limit and is fine */
	name[255] = '\0';
	make_sys(&e, name, 0, 0, 0);
	assert_int_equal(decode(&e, c, &why), 0);
	assert_int_equal(strlen(c->machname), 255);
	free(c);
}

static void
claimed_lengths_past_body(void **st)
{
	struct enc e;
	struct cred *c = calloc(1, sizeof(*c));
	enum auth_stat why;

	(void)st;
	/* name length claims 200 bytes but the body has 4 */
	memset(&e, 0, sizeof(e));
	w32(&e, 1);
	wstr(&e, "abcd", 200);
	assert_int_equal(decode(&e, c, &why), -EINVAL);
	/* a 4 GiB claim */
	memset(&e, 0, sizeof(e));
	w32(&e, 1);
	w32(&e, 0xffffffffu);
	assert_int_equal(decode(&e, c, &why), -EINVAL);
	/* gids count says 3, body carries 2 */
	make_sys(&e, "h", 1, 1, 3);
	e.n -= 4;
	assert_int_equal(decode(&e, c, &why), -EINVAL);
	free(c);
}

static void
every_truncation_rejected(void **st)
{
	struct enc e;
	struct cred *c = calloc(1, sizeof(*c));
	enum auth_stat why;
	size_t full, n;

	(void)st;
	make_sys(&e, "host", 7, 8, 4);
	full = e.n;
	for (n = 0; n < full; n++) {
		e.n = n;
		assert_int_equal(decode(&e, c, &why), -EINVAL);
	}
	e.n = full;
	assert_int_equal(decode(&e, c, &why), 0);
	/* trailing garbage */
	e.n = full + 4;
	assert_int_equal(decode(&e, c, &why), -EINVAL);
	free(c);
}

/* The uid an inline gate reads from a raw call (rpc_req_peek_sys_uid):
 * the credential's own, and nothing for other flavours or a short one. */
static void
peek_sys_uid(void **state)
{
	struct enc cred, call;
	struct req rq;
	uint32_t uid = 0;
	size_t full;

	(void)state;
	make_sys(&cred, "client.example.com", 4321, 100, 3);
	memset(&call, 0, sizeof(call));
	w32(&call, 7);		/* xid */
	w32(&call, 0);		/* CALL */
	w32(&call, 2);
	w32(&call, 100003);
	w32(&call, 3);
	w32(&call, 1);		/* GETATTR */
	w32(&call, AUTH_SYS);
	w32(&call, (uint32_t)cred.n);
	memcpy(call.b + call.n, cred.b, cred.n);
	call.n += cred.n;
	w32(&call, 0);		/* verifier AUTH_NONE */
	w32(&call, 0);
	memset(&rq, 0, sizeof(rq));
	rq.buf = call.b;
	rq.len = call.n;
	assert_true(rpc_req_peek_sys_uid(&rq, &uid));
	assert_int_equal(uid, 4321);
	/* cut inside the machine name: no uid */
	full = call.n;
	rq.len = 24 + 8 + 8;
	assert_false(rpc_req_peek_sys_uid(&rq, &uid));
	/* a credential length past the record */
	rq.len = full;
	call.b[28] = 0x7f;
	assert_false(rpc_req_peek_sys_uid(&rq, &uid));
	call.b[28] = 0;
	/* AUTH_NONE: nothing to read */
	call.b[27] = AUTH_NONE;
	assert_false(rpc_req_peek_sys_uid(&rq, &uid));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_cred),
		cmocka_unit_test(peek_sys_uid),
		cmocka_unit_test(seventeen_gids_badcred),
		cmocka_unit_test(long_machname_badcred),
		cmocka_unit_test(claimed_lengths_past_body),
		cmocka_unit_test(every_truncation_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
