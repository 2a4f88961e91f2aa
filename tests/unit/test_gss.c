/*
 * test_gss.c: RPCSEC_GSS's pure parts: the sequence window (replays, the
 * window's edge, big jumps, word boundaries), the context table's bounds
 * (per client and in all, least recently used first, contexts in use
 * outliving their eviction), the principal -> identity rules (machine
 * principals, auth_to_local through a throwaway krb5.conf, users that do
 * not exist), and the flavour checks per export (sec= lists, GSS service
 * -> pseudoflavour).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/admit.h"
#include "common/exports.h"
#include "common/gss_name.h"
#include "common/rpc/gss_int.h"

/* ------------------------------------------------------------ window */

static void
test_window_basic(void **state)
{
	struct gss_seqwin w;
	uint32_t s;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(gss_seqwin_check(&w, 1), 0);
	assert_int_equal(gss_seqwin_check(&w, 1), -EALREADY);
	for (s = 2; s < 300; s++)
		assert_int_equal(gss_seqwin_check(&w, s), 0);
	assert_int_equal(gss_seqwin_check(&w, 299), -EALREADY);
	/* the window is 128: 299 - 127 = 172 is its lowest */
	assert_int_equal(gss_seqwin_check(&w, 172), -EALREADY);
	assert_int_equal(gss_seqwin_check(&w, 171), -ERANGE);
	assert_int_equal(gss_seqwin_check(&w, 0), -ERANGE);
}

static void
test_window_out_of_order(void **state)
{
	struct gss_seqwin w;
	uint32_t s;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(gss_seqwin_check(&w, 1000), 0);
	/* every one below, within the window, once, in any order */
	for (s = 1000 - 127; s < 1000; s += 2)
		assert_int_equal(gss_seqwin_check(&w, s), 0);
	for (s = 1000 - 126; s < 1000; s += 2)
		assert_int_equal(gss_seqwin_check(&w, s), 0);
	for (s = 1000 - 127; s <= 1000; s++)
		assert_int_equal(gss_seqwin_check(&w, s), -EALREADY);
	assert_int_equal(gss_seqwin_check(&w, 1000 - 128), -ERANGE);
	/* a jump of 64 moves bits across the word boundary */
	assert_int_equal(gss_seqwin_check(&w, 1064), 0);
	assert_int_equal(gss_seqwin_check(&w, 1000), -EALREADY);
	assert_int_equal(gss_seqwin_check(&w, 1000 - 63), -EALREADY);
	assert_int_equal(gss_seqwin_check(&w, 1000 - 64), -ERANGE);
	assert_int_equal(gss_seqwin_check(&w, 1063), 0);
	/* a jump of 65, then 1: odd shifts keep every bit */
	assert_int_equal(gss_seqwin_check(&w, 1129), 0);
	assert_int_equal(gss_seqwin_check(&w, 1130), 0);
	assert_int_equal(gss_seqwin_check(&w, 1064), -EALREADY);
	assert_int_equal(gss_seqwin_check(&w, 1063), -EALREADY);
	assert_int_equal(gss_seqwin_check(&w, 1065), 0);
	/* a jump past the window forgets everything below */
	assert_int_equal(gss_seqwin_check(&w, 5000), 0);
	assert_int_equal(gss_seqwin_check(&w, 5000 - 127), 0);
	assert_int_equal(gss_seqwin_check(&w, 1130), -ERANGE);
}

static void
test_window_top(void **state)
{
	struct gss_seqwin w;

	(void)state;
	memset(&w, 0, sizeof(w));
	/* up to GSS_RPC_MAXSEQ - 1 (the caller refuses MAXSEQ and above) */
	assert_int_equal(gss_seqwin_check(&w, GSS_RPC_MAXSEQ - 2), 0);
	assert_int_equal(gss_seqwin_check(&w, GSS_RPC_MAXSEQ - 1), 0);
	assert_int_equal(gss_seqwin_check(&w, GSS_RPC_MAXSEQ - 2), -EALREADY);
	assert_int_equal(gss_seqwin_check(&w, 5), -ERANGE);
	/* a first call may carry any number, 0 included */
	memset(&w, 0, sizeof(w));
	assert_int_equal(gss_seqwin_check(&w, 0), 0);
	assert_int_equal(gss_seqwin_check(&w, 0), -EALREADY);
}

/* ------------------------------------------------------------ table */

static struct sockaddr_storage
addr4(const char *s)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(700);
	assert_int_equal(inet_pton(AF_INET, s, &sin->sin_addr), 1);
	return ss;
}

static void
test_table_bounds(void **state)
{
	struct gss_table t;
	struct sockaddr_storage a = addr4("192.0.2.1"), b = addr4("192.0.2.2");
	struct gctx *ca[3], *cb[3], *c;
	uint8_t h0[GSS_HANDLE_LEN];
	int i;

	(void)state;
	gss_table_init(&t, 5, 2);
	for (i = 0; i < 2; i++) {
		assert_non_null(ca[i] = gss_ctx_new(&t, (struct sockaddr *)&a));
		gss_ctx_put(&t, ca[i]);
	}
	assert_int_equal(gss_table_count(&t), 2);
	/* handles are unique and found */
	assert_memory_not_equal(ca[0]->handle, ca[1]->handle, GSS_HANDLE_LEN);
	assert_ptr_equal(c = gss_ctx_get(&t, ca[0]->handle, GSS_HANDLE_LEN),
	    ca[0]);
	gss_ctx_put(&t, c);		/* ca[0] is now the most recent */
	assert_null(gss_ctx_get(&t, ca[0]->handle, GSS_HANDLE_LEN - 1));
	/* a third of client a: a's least recently used (ca[1]) goes */
	memcpy(h0, ca[1]->handle, sizeof(h0));
	assert_non_null(ca[2] = gss_ctx_new(&t, (struct sockaddr *)&a));
	gss_ctx_put(&t, ca[2]);
	assert_null(gss_ctx_get(&t, h0, GSS_HANDLE_LEN));
	assert_int_equal(gss_table_count(&t), 2);
	/* another client has its own 2 */
	for (i = 0; i < 2; i++) {
		assert_non_null(cb[i] = gss_ctx_new(&t, (struct sockaddr *)&b));
		gss_ctx_put(&t, cb[i]);
	}
	assert_int_equal(gss_table_count(&t), 4);
	/* the total (5): a third client's second context evicts the least
	 * recently used of anyone (ca[0]), even while it is in use */
	{
		struct sockaddr_storage d = addr4("192.0.2.3");
		struct gctx *cd[2];

		c = gss_ctx_get(&t, ca[0]->handle, GSS_HANDLE_LEN);
		gss_ctx_put(&t, c);
		c = gss_ctx_get(&t, ca[2]->handle, GSS_HANDLE_LEN);
		gss_ctx_put(&t, c);
		/* order now, most recent first: ca2 ca0 cb1 cb0 */
		assert_non_null(c = gss_ctx_get(&t, cb[0]->handle,
		    GSS_HANDLE_LEN));	/* in use, and most recent */
		assert_non_null(cd[0] = gss_ctx_new(&t, (struct sockaddr *)&d));
		gss_ctx_put(&t, cd[0]);
		assert_int_equal(gss_table_count(&t), 5);
		/* cb[1] is the least recently used: it goes (and is freed) */
		memcpy(h0, cb[1]->handle, sizeof(h0));
		assert_non_null(cd[1] = gss_ctx_new(&t, (struct sockaddr *)&d));
		gss_ctx_put(&t, cd[1]);
		assert_int_equal(gss_table_count(&t), 5);
		assert_null(gss_ctx_get(&t, h0, GSS_HANDLE_LEN));
		/* removing one in use: gone from the table, alive for us */
		gss_ctx_remove(&t, c);
		assert_null(gss_ctx_get(&t, cb[0]->handle, GSS_HANDLE_LEN));
		assert_true(c->dead);
		assert_int_equal(gss_table_count(&t), 4);
		gss_ctx_put(&t, c);
	}
	gss_table_destroy(&t);
}

/* ------------------------------------------------------------ names */

static char krb5conf[64];

static int
setup_krb5(void **state)
{
	static const char text[] =
	    "[libdefaults]\n"
	    "\tdefault_realm = NFS.TEST\n"
	    "[realms]\n"
	    "\tNFS.TEST = {\n"
	    "\t\tauth_to_local = RULE:[1:$1@$0](.*@OTHER\\.TEST)s/@.*//\n"
	    "\t\tauth_to_local = DEFAULT\n"
	    "\t}\n"
	    "\tOTHER.TEST = {\n"
	    "\t\tauth_to_local = RULE:[1:$1@$0](.*@OTHER\\.TEST)s/@.*//\n"
	    "\t}\n";
	int fd;

	(void)state;
	snprintf(krb5conf, sizeof(krb5conf), "/tmp/test_gss.XXXXXX");
	assert_true((fd = mkstemp(krb5conf)) >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1),
	    (ssize_t)sizeof(text) - 1);
	close(fd);
	setenv("KRB5_CONFIG", krb5conf, 1);
	return 0;
}

static int
teardown_krb5(void **state)
{
	(void)state;
	unlink(krb5conf);
	return 0;
}

static void
test_machine_names(void **state)
{
	(void)state;
	assert_true(gss_name_is_machine("nfs/server.example@NFS.TEST"));
	assert_true(gss_name_is_machine("host/client1@NFS.TEST"));
	assert_true(gss_name_is_machine("root/client1@NFS.TEST"));
	assert_true(gss_name_is_machine("nfs/server"));
	assert_false(gss_name_is_machine("nfs@NFS.TEST"));
	assert_false(gss_name_is_machine("nfs/@NFS.TEST"));
	assert_false(gss_name_is_machine("alice@NFS.TEST"));
	assert_false(gss_name_is_machine("nfsuser/admin@NFS.TEST"));
	assert_false(gss_name_is_machine("host/a/b@NFS.TEST"));
	assert_false(gss_name_is_machine("roots/x@NFS.TEST"));
}

static void
test_name_to_cred(void **state)
{
	struct cred *c = calloc(1, sizeof(*c));

	(void)state;
	/* machine principals: root, whatever the passwd database says */
	assert_int_equal(gss_name_to_cred("nfs/client@NFS.TEST", c), 0);
	assert_int_equal(c->uid, 0);
	assert_int_equal(c->gid, 0);
	assert_string_equal(c->principal, "nfs/client@NFS.TEST");
	/* the default realm's rule: user@NFS.TEST is user */
	assert_int_equal(gss_name_to_cred("nobody@NFS.TEST", c), 0);
	assert_int_equal(c->uid, 65534);
	assert_int_equal(c->gid, 65534);
	assert_true(c->ngroups >= 1);
	assert_int_equal(gss_name_to_cred("daemon@NFS.TEST", c), 0);
	assert_int_equal(c->uid, 1);
	/* root@REALM is the user root, with its groups */
	assert_int_equal(gss_name_to_cred("root@NFS.TEST", c), 0);
	assert_int_equal(c->uid, 0);
	/* a realm with a rule */
	assert_int_equal(gss_name_to_cred("daemon@OTHER.TEST", c), 0);
	assert_int_equal(c->uid, 1);
	/* no local user, no rule */
	assert_int_equal(gss_name_to_cred("no-such-user-xyz@NFS.TEST", c),
	    -ENOENT);
	assert_int_equal(gss_name_to_cred("daemon@THIRD.TEST", c), -ENOENT);
	/* malformed */
	assert_int_equal(gss_name_to_cred("", c), -EINVAL);
	free(c);
}

/* ------------------------------------------------------------ exports */

static void
test_export_flavours(void **state)
{
	static const char text[] =
	    "/k 127.0.0.1(sec=krb5p:krb5i,rw) 10.0.0.0/8(sec=sys:krb5,ro)\n"
	    "/s 127.0.0.1(rw)\n";
	struct exp_table *t = NULL;
	struct exp_err err;
	const struct exp_export *e;
	const struct exp_opts *o;
	uint32_t f;
	struct cred c;

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(exp_parse(text, sizeof(text) - 1, "exports", &t,
	    &err), 0);
	assert_non_null(e = exp_lookup(t, "/k"));
	o = &e->clients[0]->opts;
	/* in the admin's order (MNT returns them so) */
	assert_int_equal(o->nsec, 2);
	assert_int_equal(o->sec[0].flavor, EXP_SEC_KRB5P);
	assert_int_equal(o->sec[1].flavor, EXP_SEC_KRB5I);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_KRB5P, &f), 0);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_KRB5I, &f), 0);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_KRB5, &f), -EPERM);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_SYS, &f), -EPERM);
	o = &e->clients[1]->opts;
	assert_int_equal(exp_sec_flags(o, EXP_SEC_SYS, &f), 0);
	assert_true(f & EXP_F_RO);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_KRB5, &f), 0);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_KRB5I, &f), -EPERM);
	/* no sec=: sys only */
	assert_non_null(e = exp_lookup(t, "/s"));
	o = &e->clients[0]->opts;
	assert_int_equal(exp_sec_flags(o, EXP_SEC_SYS, &f), 0);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_KRB5, &f), -EPERM);
	exp_table_free(t);

	/* a call's flavour and service -> the pseudoflavour it is held to */
	memset(&c, 0, offsetof(struct cred, groups));
	c.flavor = CRED_AUTH_SYS;
	assert_int_equal(admit_flavor(&c), EXP_SEC_SYS);
	c.flavor = CRED_AUTH_NONE;
	assert_int_equal(admit_flavor(&c), EXP_SEC_SYS);
	c.flavor = CRED_RPCSEC_GSS;
	c.gss_service = 1;
	assert_int_equal(admit_flavor(&c), EXP_SEC_KRB5);
	c.gss_service = 2;
	assert_int_equal(admit_flavor(&c), EXP_SEC_KRB5I);
	c.gss_service = 3;
	assert_int_equal(admit_flavor(&c), EXP_SEC_KRB5P);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_basic),
		cmocka_unit_test(test_window_out_of_order),
		cmocka_unit_test(test_window_top),
		cmocka_unit_test(test_table_bounds),
		cmocka_unit_test(test_machine_names),
		cmocka_unit_test_setup_teardown(test_name_to_cred, setup_krb5,
		    teardown_krb5),
		cmocka_unit_test(test_export_flavours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
