/*
 * test_exports.c: the exports(5) parser and matcher (common/exports*.c).
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/addr.h"
#include "common/exports.h"

/* ------------------------------------------------------------- helpers */

static struct exp_table *
parse_ok(const char *text)
{
	struct exp_table *t = NULL;
	struct exp_err err;
	char buf[512];
	int rc;

	memset(&err, 0, sizeof(err));
	rc = exp_parse(text, strlen(text), "test", &t, &err);
	if (rc != 0)
		fail_msg("parse failed: %s\n--\n%s", exp_err_fmt(&err, buf,
		    sizeof(buf)), text);
	assert_non_null(t);
	return t;
}

/* Parse must fail at line:col with msg containing what. */
static void
parse_fails(const char *text, unsigned line, unsigned col, const char *what)
{
	struct exp_table *t = NULL;
	struct exp_err err;
	char buf[512];

	memset(&err, 0, sizeof(err));
	assert_int_equal(exp_parse(text, strlen(text), "f", &t, &err), -EINVAL);
	assert_null(t);
	exp_err_fmt(&err, buf, sizeof(buf));
	if (err.pos.line != line || err.pos.col != col ||
	    strstr(err.pos.msg, what) == NULL)
		fail_msg("want %u:%u \"%s\", got %s (text: %s)", line, col,
		    what, buf, text);
	assert_string_equal(err.file, "f");
}

/* The i-th entry of path. */
static const struct exp_client *
cl(const struct exp_table *t, const char *path, size_t i)
{
	const struct exp_export *e = exp_lookup(t, path);

	assert_non_null(e);
	assert_true(i < e->nclients);
	return e->clients[i];
}

/* Options of the only entry of "/x CLIENTOPTS". */
static struct exp_table *
opts_of(const char *clientopts, const struct exp_opts **op)
{
	char text[512];
	struct exp_table *t;

	snprintf(text, sizeof(text), "/x %s\n", clientopts);
	t = parse_ok(text);
	*op = &cl(t, "/x", 0)->opts;
	return t;
}

static void
sa_of(const char *s, struct sockaddr_storage *ss)
{
	assert_int_equal(addr_pton(s, ss, NULL), 0);
}

/* Name of the entry that wins for address a (and host name n). */
static const char *
winner(const struct exp_table *t, const char *path, const char *a,
    const char *n)
{
	struct sockaddr_storage ss;
	const struct exp_client *c;

	sa_of(a, &ss);
	c = exp_match(t, path, (struct sockaddr *)&ss, n);
	return c != NULL ? c->name : "(none)";
}

static size_t
nwarn(const struct exp_table *t, const char *containing)
{
	const struct exp_err *w;
	size_t n, i, k = 0;

	w = exp_warnings(t, &n);
	for (i = 0; i < n; i++)
		if (strstr(w[i].pos.msg, containing) != NULL)
			k++;
	return k;
}

static const char *
fmt(const struct exp_opts *o)
{
	static char buf[1024];

	assert_int_equal(exp_format(o, buf, sizeof(buf)), 0);
	return buf;
}

/* A resolver stub: a few names with fixed addresses. */
static int
stub_resolve(void *arg, const char *name, struct sockaddr_storage *addrs,
    size_t max, size_t *np)
{
	static const struct {
		const char *name, *a1, *a2;
	} hosts[] = {
		{ "alpha.example.org", "192.0.2.10", "2001:db8::10" },
		{ "beta.example.org", "192.0.2.11", NULL },
		{ "admin.example.org", "192.0.2.5", NULL },
		{ "mirror-master.example.org", "198.51.100.7", NULL },
	};
	size_t i;

	(*(int *)arg)++;
	*np = 0;
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		if (strcmp(hosts[i].name, name) != 0)
			continue;
		sa_of(hosts[i].a1, &addrs[(*np)++]);
		if (hosts[i].a2 != NULL && *np < max)
			sa_of(hosts[i].a2, &addrs[(*np)++]);
		return 0;
	}
	return -ENOENT;
}

static int
stub_netgroup(void *arg, const char *ng, const char *host)
{
	(void)arg;
	return strcmp(ng, "lab") == 0 && (strcmp(host, "ng1.example.org") == 0 ||
	    strcmp(host, "192.0.2.77") == 0);
}

/* ------------------------------------------------------------- options */

/* exp_lookup of a 10,000-export table: every path, its parents and
 * near misses, through the path index (and the same answer as a scan). */
static void
test_lookup_many(void **state)
{
	enum { N = 10000 };
	struct exp_table *t;
	const struct exp_export *e;
	char path[64], *text, *p;
	size_t i;

	(void)state;
	text = malloc((size_t)N * 64);
	assert_non_null(text);
	for (i = 0, p = text; i < N; i++)
		p += sprintf(p, "/srv/d%zu/x 10.%zu.%zu.1(ro)\n", i, i / 256,
		    i % 256);
	t = parse_ok(text);
	free(text);
	assert_int_equal(exp_count(t), N);
	for (i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/srv/d%zu/x", i);
		e = exp_lookup(t, path);
		assert_non_null(e);
		assert_string_equal(e->path, path);
		assert_ptr_equal(e, exp_at(t, i));
		/* not normalized: the same export */
		snprintf(path, sizeof(path), "/srv//d%zu/./x/", i);
		assert_ptr_equal(exp_lookup(t, path), exp_at(t, i));
		snprintf(path, sizeof(path), "/srv/d%zu", i);
		assert_null(exp_lookup(t, path));
		snprintf(path, sizeof(path), "/srv/d%zu/xx", i);
		assert_null(exp_lookup(t, path));
	}
	assert_null(exp_lookup(t, "/"));
	exp_table_free(t);
}

static void
test_defaults(void **state)
{
	const struct exp_opts *o;
	struct exp_table *t = opts_of("192.0.2.1(sync)", &o);
	uint32_t f;

	(void)state;
	assert_int_equal(o->flags, EXP_F_RO | EXP_F_ROOT_SQUASH | EXP_F_WDELAY);
	assert_true(o->flags & EXP_F_RO);
	assert_false(o->flags & EXP_F_ASYNC);
	assert_false(o->flags & EXP_F_INSECURE);
	assert_false(o->flags & EXP_F_SUBTREE_CHECK);
	assert_false(o->flags & EXP_F_NOHIDE);
	assert_int_equal(o->anonuid, 65534);
	assert_int_equal(o->anongid, 65534);
	assert_int_equal(o->fsid_type, EXP_FSID_NONE);
	assert_null(o->mountpoint);
	assert_int_equal(o->nsec, 1);
	assert_int_equal(o->sec[0].flavor, EXP_SEC_SYS);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_SYS, &f), 0);
	assert_int_equal(f, o->flags);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_KRB5, &f), -EPERM);
	assert_string_equal(fmt(o), "(sync,wdelay,hide,no_subtree_check,"
	    "sec=sys,ro,secure,root_squash,no_all_squash)");
	exp_table_free(t);
}

static void
test_flag_options(void **state)
{
	/* each option after its opposite, so every case changes the bit */
	static const struct {
		const char	*opp, *opt;
		uint32_t	bit;
		bool		set;
	} cases[] = {
		{ "ro", "rw", EXP_F_RO, false }, { "rw", "ro", EXP_F_RO, true },
		{ "sync", "async", EXP_F_ASYNC, true },
		{ "async", "sync", EXP_F_ASYNC, false },
		{ "root_squash", "no_root_squash", EXP_F_ROOT_SQUASH, false },
		{ "no_root_squash", "root_squash", EXP_F_ROOT_SQUASH, true },
		{ "no_all_squash", "all_squash", EXP_F_ALL_SQUASH, true },
		{ "all_squash", "no_all_squash", EXP_F_ALL_SQUASH, false },
		{ "secure", "insecure", EXP_F_INSECURE, true },
		{ "insecure", "secure", EXP_F_INSECURE, false },
		{ "no_subtree_check", "subtree_check", EXP_F_SUBTREE_CHECK,
		    true },
		{ "subtree_check", "no_subtree_check", EXP_F_SUBTREE_CHECK,
		    false },
		{ "wdelay", "no_wdelay", EXP_F_WDELAY, false },
		{ "no_wdelay", "wdelay", EXP_F_WDELAY, true },
		{ "hide", "nohide", EXP_F_NOHIDE, true },
		{ "nohide", "hide", EXP_F_NOHIDE, false },
		{ "nocrossmnt", "crossmnt", EXP_F_CROSSMNT, true },
		{ "crossmnt", "nocrossmnt", EXP_F_CROSSMNT, false },
		{ "sync", "nordirplus", EXP_F_NORDIRPLUS, true },
		{ "sync", "public", EXP_F_PUBLIC, true },
		{ "secure_locks", "insecure_locks", EXP_F_INSECURE_LOCKS, true },
		{ "auth_nlm", "no_auth_nlm", EXP_F_INSECURE_LOCKS, true },
		{ "insecure_locks", "secure_locks", EXP_F_INSECURE_LOCKS, false },
		{ "no_auth_nlm", "auth_nlm", EXP_F_INSECURE_LOCKS, false },
		{ "acl", "no_acl", EXP_F_NO_ACL, true },
		{ "no_acl", "acl", EXP_F_NO_ACL, false },
		{ "no_pnfs", "pnfs", EXP_F_PNFS, true },
		{ "pnfs", "no_pnfs", EXP_F_PNFS, false },
		{ "sync", "security_label", EXP_F_SECURITY_LABEL, true },
	};
	const struct exp_opts *o;
	struct exp_table *t;
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "h(%s,%s)", cases[i].opp,
		    cases[i].opt);
		t = opts_of(buf, &o);
		if (((o->flags & cases[i].bit) != 0) != cases[i].set)
			fail_msg("option %s", buf);
		exp_table_free(t);
		snprintf(buf, sizeof(buf), "h(%s)", cases[i].opp);
		t = opts_of(buf, &o);
		if (((o->flags & cases[i].bit) != 0) == cases[i].set &&
		    strcmp(cases[i].opp, "sync") != 0)
			fail_msg("option %s", buf);
		exp_table_free(t);
	}
	/* later wins, as in nfs-utils */
	t = opts_of("h(rw,ro,async,sync,insecure)", &o);
	assert_true(o->flags & EXP_F_RO);
	assert_false(o->flags & EXP_F_ASYNC);
	assert_true(o->flags & EXP_F_INSECURE);
	exp_table_free(t);
	/* a trailing comma is accepted (nfs-utils does) */
	t = opts_of("h(rw,)", &o);
	assert_false(o->flags & EXP_F_RO);
	exp_table_free(t);
}

static void
test_anon_ids(void **state)
{
	const struct exp_opts *o;
	struct exp_table *t;

	(void)state;
	t = opts_of("h(anonuid=1000,anongid=100)", &o);
	assert_int_equal(o->anonuid, 1000);
	assert_int_equal(o->anongid, 100);
	assert_string_equal(fmt(o), "(sync,wdelay,hide,no_subtree_check,"
	    "anonuid=1000,anongid=100,sec=sys,ro,secure,root_squash,"
	    "no_all_squash)");
	exp_table_free(t);
	t = opts_of("h(anonuid=0,anongid=-2)", &o);	/* old files say -2 */
	assert_int_equal(o->anonuid, 0);
	assert_int_equal(o->anongid, 4294967294u);
	exp_table_free(t);
	parse_fails("/x h(anonuid=abc)", 1, 6, "bad anonuid");
	parse_fails("/x h(rw,anonuid=)", 1, 9, "bad anonuid");
	parse_fails("/x h(anonuid=12x)", 1, 6, "bad anonuid");
	parse_fails("/x h(anonuid=-1)", 1, 6, "bad anonuid");
	parse_fails("/x h(anonuid=99999999999)", 1, 6, "bad anonuid");
	parse_fails("/x h(sync,anongid=1.5)", 1, 11, "bad anongid");
}

static void
test_fsid(void **state)
{
	static const uint8_t want[16] = {
		0x1b, 0x4e, 0x28, 0xba, 0x2f, 0xa1, 0x11, 0xd2,
		0x88, 0x3f, 0x00, 0x16, 0xd3, 0xcc, 0xa4, 0x27
	};
	const struct exp_opts *o;
	struct exp_table *t;

	(void)state;
	t = opts_of("h(fsid=0)", &o);
	assert_int_equal(o->fsid_type, EXP_FSID_NUM);
	assert_int_equal(o->fsid, 0);
	assert_non_null(strstr(fmt(o), ",fsid=0,"));
	exp_table_free(t);
	t = opts_of("h(fsid=root)", &o);
	assert_int_equal(o->fsid_type, EXP_FSID_NUM);
	assert_int_equal(o->fsid, 0);
	exp_table_free(t);
	t = opts_of("h(fsid=0x10)", &o);		/* strtoul base 0 */
	assert_int_equal(o->fsid, 16);
	exp_table_free(t);
	t = opts_of("h(fsid=1b4e28ba-2fa1-11d2-883f-0016d3cca427)", &o);
	assert_int_equal(o->fsid_type, EXP_FSID_UUID);
	assert_memory_equal(o->uuid, want, 16);
	assert_non_null(strstr(fmt(o),
	    ",fsid=1b4e28ba-2fa1-11d2-883f-0016d3cca427,"));
	exp_table_free(t);
	t = opts_of("h(fsid=1B4E28BA2FA111D2883F0016D3CCA427)", &o);
	assert_int_equal(o->fsid_type, EXP_FSID_UUID);
	assert_memory_equal(o->uuid, want, 16);
	exp_table_free(t);
	parse_fails("/x h(fsid=)", 1, 6, "bad fsid");
	parse_fails("/x h(fsid=abc)", 1, 6, "bad fsid");
	parse_fails("/x h(fsid=1b4e28ba-2fa1-11d2-883f-0016d3cca42)", 1, 6,
	    "bad fsid");
	parse_fails("/x h(fsid=4294967296)", 1, 6, "bad fsid");
}

static void
test_mountpoint(void **state)
{
	const struct exp_opts *o;
	struct exp_table *t;

	(void)state;
	t = opts_of("h(mountpoint)", &o);
	assert_non_null(o->mountpoint);
	assert_string_equal(o->mountpoint, "");
	assert_non_null(strstr(fmt(o), ",mountpoint,"));
	exp_table_free(t);
	t = opts_of("h(mp=/mnt/data)", &o);
	assert_string_equal(o->mountpoint, "/mnt/data");
	assert_non_null(strstr(fmt(o), ",mountpoint=/mnt/data,"));
	exp_table_free(t);
	t = opts_of("h(mp)", &o);
	assert_string_equal(o->mountpoint, "");
	exp_table_free(t);
	/* an escaped comma is part of the value, not a separator */
	t = opts_of("h(mountpoint=/a\\054b,rw)", &o);
	assert_string_equal(o->mountpoint, "/a,b");
	assert_false(o->flags & EXP_F_RO);
	exp_table_free(t);
	parse_fails("/x h(mp=rel)", 1, 6, "absolute");
}

static void
test_sec(void **state)
{
	const struct exp_opts *o;
	struct exp_table *t;
	struct cred_squash sq;
	uint32_t f;

	(void)state;
	t = opts_of("h(sec=krb5p:krb5i:krb5:sys)", &o);
	assert_int_equal(o->nsec, 4);
	assert_int_equal(o->sec[0].flavor, EXP_SEC_KRB5P);
	assert_int_equal(o->sec[1].flavor, EXP_SEC_KRB5I);
	assert_int_equal(o->sec[2].flavor, EXP_SEC_KRB5);
	assert_int_equal(o->sec[3].flavor, EXP_SEC_SYS);
	assert_non_null(strstr(fmt(o), ",sec=krb5p:krb5i:krb5:sys,ro,"));
	exp_table_free(t);

	/* per-flavour options: after a sec=, they apply to its flavours */
	t = opts_of("h(sec=krb5p,rw,no_root_squash,sec=sys,ro,root_squash)",
	    &o);
	assert_int_equal(o->nsec, 2);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_KRB5P, &f), 0);
	assert_false(f & EXP_F_RO);
	assert_false(f & EXP_F_ROOT_SQUASH);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_SYS, &f), 0);
	assert_true(f & EXP_F_RO);
	assert_true(f & EXP_F_ROOT_SQUASH);
	assert_false(o->flags & EXP_F_RO);	/* the entry's = sec[0]'s */
	assert_int_equal(exp_squash(o, EXP_SEC_KRB5P, &sq), 0);
	assert_false(sq.root_squash);
	assert_int_equal(sq.anonuid, 65534);
	assert_int_equal(exp_squash(o, EXP_SEC_SYS, &sq), 0);
	assert_true(sq.root_squash);
	assert_int_equal(exp_squash(o, EXP_SEC_KRB5, &sq), -EPERM);
	assert_string_equal(fmt(o), "(sync,wdelay,hide,no_subtree_check,"
	    "sec=krb5p,rw,secure,no_root_squash,no_all_squash,"
	    "sec=sys,ro,secure,root_squash,no_all_squash)");
	exp_table_free(t);

	/* a flavour named later starts from the entry's flags then */
	t = opts_of("h(rw,sec=sys,sec=krb5,all_squash)", &o);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_SYS, &f), 0);
	assert_false(f & EXP_F_ALL_SQUASH);
	assert_false(f & EXP_F_RO);
	assert_int_equal(exp_sec_flags(o, EXP_SEC_KRB5, &f), 0);
	assert_true(f & EXP_F_ALL_SQUASH);
	assert_false(f & EXP_F_RO);
	exp_table_free(t);

	/* aliases and duplicates */
	t = opts_of("h(sec=unix:none:sys)", &o);
	assert_int_equal(o->nsec, 2);
	assert_int_equal(o->sec[0].flavor, EXP_SEC_SYS);
	assert_int_equal(o->sec[1].flavor, EXP_SEC_NONE);
	exp_table_free(t);

	/* the flavour's column is reported */
	parse_fails("/x h(sec=sys:krb6)", 1, 14, "unknown security flavour");
	parse_fails("/x h(sec=)", 1, 10, "unknown security flavour");
}

static void
test_refused_and_unknown(void **state)
{
	const struct exp_opts *o;
	struct exp_table *t;

	(void)state;
	parse_fails("/x h(rw,refer=/a@srv)", 1, 9, "not supported");
	parse_fails("/x h(replicas=/a@srv)", 1, 6, "not supported");
	parse_fails("/x h(xprtsec=tls)", 1, 6, "not supported");
	parse_fails("/x h(rw,bogus,sync)", 1, 9, "unknown option \"bogus\"");
	parse_fails("/x h(rw,,sync)", 1, 9, "empty option");
	parse_fails("/x -rw,nosuch h", 1, 8, "unknown option");
	t = opts_of("h(xprtsec=none,rw)", &o);
	assert_false(o->flags & EXP_F_RO);
	exp_table_free(t);
}

/* ------------------------------------------------------------- clients */

static void
test_client_forms(void **state)
{
	struct exp_table *t;
	const struct exp_client *c;
	struct sockaddr_storage ss;
	char buf[64];

	(void)state;
	t = parse_ok("/x host1.example.org(rw) 192.0.2.1 2001:db8::1(rw) "
	    "192.0.2.0/24 2001:db8:1::/64 198.51.100.77/255.255.255.0 "
	    "2001:db8:2::/ffff:ffff:ffff:ffff:: *.example.org build-?? "
	    "[ab]x.example.org @lab *(ro) 10.1.2.3/8\n");
	c = cl(t, "/x", 0);
	assert_int_equal(c->type, EXP_CL_HOST);
	assert_false(c->numeric);
	assert_int_equal(c->naddrs, 0);		/* until exp_resolve() */
	c = cl(t, "/x", 1);
	assert_int_equal(c->type, EXP_CL_HOST);
	assert_true(c->numeric);
	assert_int_equal(c->naddrs, 1);
	assert_int_equal(c->addrs[0].ss_family, AF_INET);
	c = cl(t, "/x", 2);
	assert_int_equal(c->type, EXP_CL_HOST);
	assert_int_equal(c->addrs[0].ss_family, AF_INET6);
	c = cl(t, "/x", 3);
	assert_int_equal(c->type, EXP_CL_SUBNET);
	assert_int_equal(c->prefix, 24);
	c = cl(t, "/x", 4);
	assert_int_equal(c->type, EXP_CL_SUBNET);
	assert_int_equal(c->prefix, 64);
	assert_int_equal(c->net.ss_family, AF_INET6);
	c = cl(t, "/x", 5);
	assert_int_equal(c->type, EXP_CL_SUBNET);
	assert_int_equal(c->prefix, 24);
	/* the network is kept masked; the name as written */
	assert_string_equal(addr_ntop((struct sockaddr *)&c->net, buf,
	    sizeof(buf)), "198.51.100.0");
	assert_string_equal(c->name, "198.51.100.77/255.255.255.0");
	c = cl(t, "/x", 6);
	assert_int_equal(c->prefix, 64);
	assert_int_equal(cl(t, "/x", 7)->type, EXP_CL_WILDCARD);
	assert_int_equal(cl(t, "/x", 8)->type, EXP_CL_WILDCARD);
	assert_int_equal(cl(t, "/x", 9)->type, EXP_CL_WILDCARD);
	c = cl(t, "/x", 10);
	assert_int_equal(c->type, EXP_CL_NETGROUP);
	assert_string_equal(c->name, "@lab");
	c = cl(t, "/x", 11);
	assert_int_equal(c->type, EXP_CL_ANY);
	assert_string_equal(c->name, "*");
	c = cl(t, "/x", 12);
	assert_int_equal(c->prefix, 8);
	sa_of("10.200.0.1", &ss);
	assert_true(addr_in_net((struct sockaddr *)&ss,
	    (struct sockaddr *)&c->net, c->prefix));
	exp_table_free(t);

	/* "(opts)" alone and a path alone are everyone, with a warning */
	t = parse_ok("/a (rw)\n/b\n/c -rw\n");
	c = cl(t, "/a", 0);
	assert_int_equal(c->type, EXP_CL_ANY);
	assert_string_equal(c->name, "*");
	assert_false(c->opts.flags & EXP_F_RO);
	c = cl(t, "/b", 0);
	assert_int_equal(c->type, EXP_CL_ANY);
	assert_true(c->opts.flags & EXP_F_RO);
	c = cl(t, "/c", 0);
	assert_int_equal(c->type, EXP_CL_ANY);
	assert_false(c->opts.flags & EXP_F_RO);
	assert_int_equal(nwarn(t, "No host name given"), 1);
	assert_int_equal(nwarn(t, "no client given"), 2);
	exp_table_free(t);
	/* a client without options gets the defaults, with a warning */
	t = parse_ok("/a h1\n");
	assert_int_equal(nwarn(t, "No options for"), 1);
	exp_table_free(t);
}

static void
test_client_errors(void **state)
{
	(void)state;
	parse_fails("/x gss/krb5(rw)", 1, 4, "obsolete");
	parse_fails("/x h gss/krb5p", 1, 6, "sec=krb5p");
	parse_fails("/x [2001:db8::1](rw)", 1, 4, "brackets");
	parse_fails("/x 10.0.0.0/255.0.255.0(rw)", 1, 13, "bad netmask");
	parse_fails("/x 10.0.0.0/255.255.255.0.1", 1, 13, "bad netmask");
	parse_fails("/x 10.0.0.0/ffff::", 1, 13, "bad netmask");
	parse_fails("/x  10.0.0.0/", 1, 14, "bad netmask");
	parse_fails("/x 10.0.0.0/33", 1, 13, "bad prefix length");
	parse_fails("/x 2001:db8::/129", 1, 15, "bad prefix length");
	parse_fails("/x 10.0.0.300/8", 1, 4, "bad network address");
	parse_fails("/x host.example.org/24", 1, 4, "bad network address");
	parse_fails("/x @", 1, 4, "empty netgroup");
	parse_fails("/x h(rw, sync)", 1, 5, "no ')'");
	parse_fails("/x h(rw)x", 1, 9, "text after option list");
	parse_fails("/x h)", 1, 5, "unexpected ')'");
	parse_fails("/x h((rw))", 1, 6, "unexpected '('");
	parse_fails("/x ho$t(rw)", 1, 4, "bad client name");
	parse_fails("x h(rw)", 1, 1, "absolute");
	parse_fails("/a/../b h(rw)", 1, 1, "..");
}

/* --------------------------------------------------------- the syntax */

static void
test_default_options_form(void **state)
{
	struct exp_table *t;
	const struct exp_client *c;

	(void)state;
	t = parse_ok("/p -rw,async h1 h2(ro) -no_root_squash,sec=krb5 h3 "
	    "h4(sec=sys)\n/q h5\n");
	c = cl(t, "/p", 0);
	assert_false(c->opts.flags & EXP_F_RO);
	assert_true(c->opts.flags & EXP_F_ASYNC);
	assert_true(c->opts.flags & EXP_F_ROOT_SQUASH);
	c = cl(t, "/p", 1);
	assert_true(c->opts.flags & EXP_F_RO);
	assert_true(c->opts.flags & EXP_F_ASYNC);
	c = cl(t, "/p", 2);				/* both defaults */
	assert_false(c->opts.flags & EXP_F_RO);
	assert_false(c->opts.flags & EXP_F_ROOT_SQUASH);
	assert_int_equal(c->opts.nsec, 1);
	assert_int_equal(c->opts.sec[0].flavor, EXP_SEC_KRB5);
	c = cl(t, "/p", 3);			/* inherited list, then its own */
	assert_int_equal(c->opts.nsec, 2);
	assert_int_equal(c->opts.sec[0].flavor, EXP_SEC_KRB5);
	assert_int_equal(c->opts.sec[1].flavor, EXP_SEC_SYS);
	/* no "no options" warning under defaults; the next line is fresh */
	assert_int_equal(nwarn(t, "No options for"), 1);
	c = cl(t, "/q", 0);
	assert_true(c->opts.flags & EXP_F_RO);
	assert_false(c->opts.flags & EXP_F_ASYNC);
	exp_table_free(t);

	/* the entry's own options reach the flavours it inherited */
	t = parse_ok("/p -sec=krb5 h(rw)\n");
	c = cl(t, "/p", 0);
	assert_int_equal(c->opts.sec[0].flavor, EXP_SEC_KRB5);
	assert_false(c->opts.sec[0].flags & EXP_F_RO);
	exp_table_free(t);
}

static void
test_continuation_comments(void **state)
{
	struct exp_table *t;
	const struct exp_client *c;

	(void)state;
	t = parse_ok("# a comment line\n"
	    "\n"
	    "   # indented comment\n"
	    "/a h1(rw) \\\n"
	    "    h2(ro)\t\\\n"
	    "\th3(rw) # trailing comment \\\n"
	    "/b h4(rw)#no blank needed\n"
	    "/c#comment\n");
	assert_int_equal(exp_count(t), 3);
	assert_int_equal(exp_lookup(t, "/a")->nclients, 3);
	c = cl(t, "/a", 1);
	assert_string_equal(c->name, "h2");
	assert_int_equal(c->where.line, 5);
	assert_int_equal(c->where.col, 5);
	c = cl(t, "/a", 2);
	assert_int_equal(c->where.line, 6);
	assert_int_equal(c->where.col, 2);
	assert_string_equal(cl(t, "/b", 0)->name, "h4");
	assert_int_equal(cl(t, "/c", 0)->type, EXP_CL_ANY);	/* "/c" alone */
	exp_table_free(t);

	/* errors after a continuation name the physical line */
	parse_fails("/a h1(rw) \\\n  h2(rw,nope)\n", 2, 9, "unknown option");
	/* CRLF files */
	t = parse_ok("/a h1(rw)\r\n/b \\\r\n h2(ro)\r\n");
	assert_false(cl(t, "/a", 0)->opts.flags & EXP_F_RO);
	assert_string_equal(cl(t, "/b", 0)->name, "h2");
	exp_table_free(t);
}

static void
test_quoting_escapes(void **state)
{
	struct exp_table *t;

	(void)state;
	t = parse_ok("\"/srv/a b\" h1(rw)\n"
	    "/srv/c\\040d h2(rw)\n"
	    "/srv/e\"f g\"h h3(rw)\n"
	    "\"/srv/#not a comment\" h4(rw)\n"
	    "/srv/tab\\011x \"h5\"(rw)\n"
	    "/srv//dup/./slash/ h6(rw)\n");
	assert_non_null(exp_lookup(t, "/srv/a b"));
	assert_non_null(exp_lookup(t, "/srv/c d"));
	assert_non_null(exp_lookup(t, "/srv/ef gh"));
	assert_non_null(exp_lookup(t, "/srv/#not a comment"));
	assert_non_null(exp_lookup(t, "/srv/tab\tx"));
	assert_string_equal(cl(t, "/srv/tab\tx", 0)->name, "h5");
	assert_string_equal(exp_at(t, 5)->path, "/srv/dup/slash");
	assert_non_null(exp_lookup(t, "/srv/dup/slash/"));
	/* \400 is not an escape (over 255): kept as written */
	exp_table_free(t);
	t = parse_ok("/srv/\\400 h(rw)\n");
	assert_string_equal(exp_at(t, 0)->path, "/srv/\\400");
	exp_table_free(t);

	parse_fails("/ok h(rw)\n\"/srv/a b h(rw)\n", 2, 1, "unterminated quote");
	parse_fails("/ok h(rw)\n/x \"h(rw)\n/y h\n", 2, 4, "unterminated quote");
}

static void
test_error_positions(void **state)
{
	(void)state;
	parse_fails("/a h(rw)\n\n/b  host.example.org(rw,sync,frobnicate)\n",
	    3, 30, "unknown option \"frobnicate\"");
	parse_fails("/a\t10.0.0.0/255.255.0.255(rw)\n", 1, 13, "bad netmask");
	parse_fails("/a h(ro)\n/b h(anonuid=nobody)\n", 2, 6, "bad anonuid");
	parse_fails("/a h(ro)\n/b h(ro) \"/c\n", 2, 10, "unterminated quote");
}

static void
test_nul_byte(void **state)
{
	static const char text[] = "/a h(ro)\n/b h\0(rw)\n";
	struct exp_table *t = NULL;
	struct exp_err err;

	(void)state;
	assert_int_equal(exp_parse(text, sizeof(text) - 1, "f", &t, &err),
	    -EINVAL);
	assert_null(t);
	assert_int_equal(err.pos.line, 2);
	assert_int_equal(err.pos.col, 5);
	assert_non_null(strstr(err.pos.msg, "NUL"));
}

static void
test_duplicates_and_merge(void **state)
{
	struct exp_table *t;

	(void)state;
	t = parse_ok("/a h1(rw)\n/b h2(rw)\n/a h3(ro) H1(ro)\n");
	assert_int_equal(exp_count(t), 2);
	assert_string_equal(exp_at(t, 0)->path, "/a");
	assert_int_equal(exp_lookup(t, "/a")->nclients, 2);
	assert_string_equal(cl(t, "/a", 1)->name, "h3");
	assert_false(cl(t, "/a", 0)->opts.flags & EXP_F_RO);	/* first kept */
	assert_int_equal(nwarn(t, "duplicated export entries"), 1);
	exp_table_free(t);
}

/* ------------------------------------------------------------ matching */

static void
test_precedence_classes(void **state)
{
	struct exp_table *t;
	int calls = 0;
	struct sockaddr_storage ss;
	struct exp_peer p;
	const struct exp_client *c;

	(void)state;
	/* written in reverse precedence order on purpose */
	t = parse_ok("/x *(ro) @lab(rw) *.example.org(rw,async) "
	    "192.0.2.0/24(rw,no_root_squash) beta.example.org(rw,all_squash)\n");
	assert_int_equal(exp_resolve(t, stub_resolve, &calls), 0);
	assert_int_equal(calls, 1);
	/* host beats subnet, wildcard, netgroup and anyone */
	assert_string_equal(winner(t, "/x", "192.0.2.11", "beta.example.org"),
	    "beta.example.org");
	/* subnet beats wildcard */
	assert_string_equal(winner(t, "/x", "192.0.2.12", "gamma.example.org"),
	    "192.0.2.0/24");
	/* wildcard needs the name */
	assert_string_equal(winner(t, "/x", "203.0.113.9", "Delta.Example.ORG"),
	    "*.example.org");
	assert_string_equal(winner(t, "/x", "203.0.113.9", NULL), "*");
	assert_string_equal(winner(t, "/x", "203.0.113.9", "example.org"), "*");
	/* netgroup only with the callback, and after wildcards */
	sa_of("203.0.113.50", &ss);
	p.addr = (struct sockaddr *)&ss;
	p.name = "ng1.example.org";
	p.in_netgroup = stub_netgroup;
	p.ng_arg = NULL;
	c = exp_match_export(exp_lookup(t, "/x"), &p);
	assert_string_equal(c->name, "*.example.org");
	p.name = "ng1.other.net";
	c = exp_match_export(exp_lookup(t, "/x"), &p);
	assert_string_equal(c->name, "*");
	sa_of("192.0.2.77", &ss);	/* the address itself is a member */
	p.name = NULL;
	c = exp_match_export(exp_lookup(t, "/x"), &p);
	assert_string_equal(c->name, "192.0.2.0/24");
	exp_table_free(t);

	t = parse_ok("/y @lab(rw) *(ro)\n");
	sa_of("203.0.113.50", &ss);
	p.name = "ng1.example.org";
	c = exp_match_export(exp_lookup(t, "/y"), &p);
	assert_string_equal(c->name, "@lab");
	assert_false(c->opts.flags & EXP_F_RO);
	assert_string_equal(winner(t, "/y", "203.0.113.50", "ng1.example.org"),
	    "*");			/* exp_match(): no netgroup callback */
	exp_table_free(t);

	/* nothing matches: denied; an unknown path: denied */
	t = parse_ok("/z 10.0.0.0/8(rw)\n");
	assert_string_equal(winner(t, "/z", "192.0.2.1", NULL), "(none)");
	assert_string_equal(winner(t, "/nope", "10.0.0.1", NULL), "(none)");
	assert_string_equal(winner(t, "/z", "10.0.0.1", NULL), "10.0.0.0/8");
	exp_table_free(t);
}

static void
test_precedence_within_class(void **state)
{
	struct exp_table *t;

	(void)state;
	t = parse_ok("/x 10.0.0.0/8(ro) 10.1.0.0/16(rw) *.a.org(ro) "
	    "*.b.a.org(rw)\n/x 10.1.2.0/24(rw)\n");
	/* the first listed wins, not the longest prefix */
	assert_string_equal(winner(t, "/x", "10.1.2.3", NULL), "10.0.0.0/8");
	assert_true(exp_match(t, "/x", NULL, NULL) == NULL);
	assert_true(cl(t, "/x", 0)->opts.flags & EXP_F_RO);
	assert_string_equal(winner(t, "/x", "192.0.2.1", "h.b.a.org"),
	    "*.a.org");
	exp_table_free(t);
	t = parse_ok("/x 10.1.0.0/16(rw) 10.0.0.0/8(ro)\n");
	assert_string_equal(winner(t, "/x", "10.1.2.3", NULL), "10.1.0.0/16");
	assert_string_equal(winner(t, "/x", "10.2.0.1", NULL), "10.0.0.0/8");
	exp_table_free(t);
}

static void
test_resolve_and_addresses(void **state)
{
	struct exp_table *t;
	int calls = 0;
	struct sockaddr_in6 mapped;
	const struct exp_client *c;

	(void)state;
	t = parse_ok("/x alpha.example.org(rw) nosuch.example.org(rw) "
	    "192.0.2.10(ro) 10.0.0.0/8(rw) 2001:db8:1::/48(rw)\n");
	assert_int_equal(exp_resolve(t, stub_resolve, &calls), 0);
	assert_int_equal(calls, 2);		/* names only, not addresses */
	c = cl(t, "/x", 0);
	assert_int_equal(c->naddrs, 2);
	assert_int_equal(cl(t, "/x", 1)->naddrs, 0);
	assert_int_equal(nwarn(t, "cannot resolve nosuch.example.org"), 1);
	/* any address of the name; the name wins over the address entry
	 * because it comes first in the same class */
	assert_string_equal(winner(t, "/x", "192.0.2.10", NULL),
	    "alpha.example.org");
	assert_string_equal(winner(t, "/x", "2001:db8::10", NULL),
	    "alpha.example.org");
	assert_string_equal(winner(t, "/x", "2001:db8:1:2::3", NULL),
	    "2001:db8:1::/48");
	/* a v4 client on a dual-stack socket */
	memset(&mapped, 0, sizeof(mapped));
	mapped.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "::ffff:10.9.8.7",
	    &mapped.sin6_addr), 1);
	c = exp_match(t, "/x", (struct sockaddr *)&mapped, NULL);
	assert_non_null(c);
	assert_string_equal(c->name, "10.0.0.0/8");
	exp_table_free(t);

	/* without exp_resolve() a name matches nobody */
	t = parse_ok("/x alpha.example.org(rw)\n");
	assert_string_equal(winner(t, "/x", "192.0.2.10", NULL), "(none)");
	exp_table_free(t);
}

static void
test_match_under(void **state)
{
	struct exp_table *t;
	struct sockaddr_storage ss;
	struct exp_peer p = { NULL, NULL, NULL, NULL };
	const struct exp_client *c;

	(void)state;
	t = parse_ok("/ 10.0.0.1(ro)\n/srv 10.0.0.0/8(rw)\n"
	    "/srv/a 10.0.0.2(rw)\n");
	sa_of("10.0.0.3", &ss);
	p.addr = (struct sockaddr *)&ss;
	c = exp_match_under(t, "/srv/a/b/c", &p);	/* /srv/a: not to us */
	assert_non_null(c);
	assert_string_equal(c->export->path, "/srv");
	c = exp_match_under(t, "/srv/", &p);
	assert_string_equal(c->export->path, "/srv");
	assert_null(exp_match_under(t, "/home/x", &p));
	sa_of("10.0.0.1", &ss);
	c = exp_match_under(t, "/home/x", &p);
	assert_string_equal(c->export->path, "/");
	assert_null(exp_match_under(t, "relative", &p));
	exp_table_free(t);
}

/* -------------------------------------------------- output and loading */

static void
test_format_and_serialize(void **state)
{
	struct exp_table *t, *t2;
	char *s1, *s2;
	size_t l1, l2;
	char small[16];
	const char *text = "\"/srv/a b\" -rw 10.0.0.0/8(async,no_wdelay,"
	    "nohide,crossmnt,subtree_check,insecure_locks,nordirplus,no_acl,"
	    "fsid=12,mp=/srv,anonuid=7,anongid=8,sec=sys:krb5,insecure,"
	    "sec=krb5p,no_root_squash,all_squash) *(ro)\n"
	    "/srv/b\\043c host1(rw,public,mountpoint=/m\\054n)\n";

	(void)state;
	t = parse_ok(text);
	assert_string_equal(fmt(&cl(t, "/srv/a b", 0)->opts),
	    "(async,no_wdelay,nohide,crossmnt,subtree_check,insecure_locks,"
	    "nordirplus,no_acl,fsid=12,mountpoint=/srv,anonuid=7,anongid=8,"
	    "sec=sys:krb5,rw,insecure,root_squash,no_all_squash,"
	    "sec=krb5p,rw,insecure,no_root_squash,all_squash)");
	assert_int_equal(exp_format(&cl(t, "/srv/a b", 0)->opts, small,
	    sizeof(small)), -ENOSPC);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(exp_serialize(t, &s1, &l1), 0);
	assert_int_equal(strlen(s1), l1);
	assert_non_null(strstr(s1, "/srv/a\\040b\t10.0.0.0/8(async,"));
	assert_non_null(strstr(s1, "/srv/a\\040b\t*(sync,"));
	assert_non_null(strstr(s1, "/srv/b\\043c\thost1("));
	assert_non_null(strstr(s1, "mountpoint=/m\\054n"));
	/* the canonical text parses back to the same table */
	t2 = parse_ok(s1);
	assert_int_equal(exp_serialize(t2, &s2, &l2), 0);
	assert_string_equal(s1, s2);
	assert_true(exp_table_hash(t) == exp_table_hash(t2));
	assert_string_equal(cl(t2, "/srv/b#c", 0)->opts.mountpoint, "/m,n");
	free(s1);
	free(s2);
	exp_table_free(t2);
	/* any change of meaning changes the hash; a comment does not */
	t2 = parse_ok("# comment\n\"/srv/a b\" -rw 10.0.0.0/8(async,no_wdelay,"
	    "nohide,crossmnt,subtree_check,insecure_locks,nordirplus,no_acl,"
	    "fsid=12,mp=/srv,anonuid=7,anongid=8,sec=sys:krb5,insecure,"
	    "sec=krb5p,no_root_squash,all_squash) *(ro)\n"
	    "/srv/b\\043c host1(rw,public,mountpoint=/m\\054n)\n");
	assert_true(exp_table_hash(t) == exp_table_hash(t2));
	exp_table_free(t2);
	t2 = parse_ok("\"/srv/a b\" -rw 10.0.0.0/8(async) *(ro)\n");
	assert_true(exp_table_hash(t) != exp_table_hash(t2));
	exp_table_free(t2);
	exp_table_free(t);
}

static void
test_showmount(void **state)
{
	struct exp_table *t;
	const struct exp_mnt_export *m;
	size_t n;
	int calls = 0;

	(void)state;
	/* nfs-utils' mountd: classes in order, each new export and each
	 * name put in front; "*" with others is "everyone" (no names);
	 * a subnet swallows the hosts it covers. */
	t = parse_ok("/a h1(rw) h2(rw)\n"
	    "/b 10.0.0.0/8(rw)\n"
	    "/c 10.1.1.1(rw) *(ro)\n"
	    "/d *(ro)\n"
	    "/e 10.2.2.2(rw) alpha.example.org(rw) 10.0.0.0/8(ro) @ng(rw)\n");
	assert_int_equal(exp_resolve(t, stub_resolve, &calls), 0);
	m = exp_showmount(t, &n);
	assert_int_equal(n, 5);
	assert_string_equal(m[0].path, "/d");
	assert_int_equal(m[0].ngroups, 1);
	assert_string_equal(m[0].groups[0], "*");
	assert_string_equal(m[1].path, "/b");
	assert_int_equal(m[1].ngroups, 1);
	assert_string_equal(m[1].groups[0], "10.0.0.0/8");
	assert_string_equal(m[2].path, "/e");
	assert_int_equal(m[2].ngroups, 3);
	assert_string_equal(m[2].groups[0], "@ng");
	assert_string_equal(m[2].groups[1], "10.0.0.0/8");
	assert_string_equal(m[2].groups[2], "alpha.example.org");
	assert_string_equal(m[3].path, "/c");
	assert_int_equal(m[3].ngroups, 0);		/* (everyone) */
	assert_string_equal(m[4].path, "/a");
	assert_int_equal(m[4].ngroups, 2);
	assert_string_equal(m[4].groups[0], "h2");
	assert_string_equal(m[4].groups[1], "h1");
	exp_table_free(t);
}

/* Create dir/name with text. */
static void
put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
test_load_exports_d(void **state)
{
	char tmpl[] = "/tmp/test_exports.XXXXXX", d[256], f[256];
	char buf[512], cmd[300];
	struct exp_table *t;
	struct exp_err err;
	const char *dir;

	(void)state;
	assert_non_null(dir = mkdtemp(tmpl));
	snprintf(f, sizeof(f), "%s/exports", dir);
	snprintf(d, sizeof(d), "%s/exports.d", dir);
	/* nothing there at all: an empty table */
	assert_int_equal(exp_load(f, d, &t, &err), 0);
	assert_int_equal(exp_count(t), 0);
	exp_table_free(t);

	put(dir, "exports", "/main h(rw)\n");
	assert_int_equal(mkdir(d, 0755), 0);
	put(d, "10-b.exports", "/ten h(rw)\n");
	put(d, "2-a.exports", "/two h(rw)\n/main h2(ro)\n");
	put(d, "1-skip.conf", "/conf h(rw)\n");
	put(d, ".0-hidden.exports", "/hidden h(rw)\n");
	put(d, ".exports", "/dot h(rw)\n");
	snprintf(buf, sizeof(buf), "%s/0-dir.exports", d);
	assert_int_equal(mkdir(buf, 0755), 0);
	assert_int_equal(exp_load(f, d, &t, &err), 0);
	assert_int_equal(exp_count(t), 3);
	assert_string_equal(exp_at(t, 0)->path, "/main");
	assert_string_equal(exp_at(t, 1)->path, "/two");	/* 2 < 10 */
	assert_string_equal(exp_at(t, 2)->path, "/ten");
	assert_int_equal(exp_lookup(t, "/main")->nclients, 2);
	assert_non_null(strstr(cl(t, "/main", 1)->where.file, "2-a.exports"));
	assert_null(exp_lookup(t, "/conf"));
	assert_null(exp_lookup(t, "/hidden"));
	exp_table_free(t);

	/* an error in exports.d names that file */
	put(d, "30-bad.exports", "/ok h(rw)\n/bad h(rw,what)\n");
	assert_int_equal(exp_load(f, d, &t, &err), -EINVAL);
	assert_null(t);
	assert_non_null(strstr(err.file, "30-bad.exports"));
	assert_int_equal(err.pos.line, 2);
	assert_int_equal(err.pos.col, 11);
	exp_err_fmt(&err, buf, sizeof(buf));
	assert_non_null(strstr(buf, "30-bad.exports:2:11: unknown option"));

	/* the file alone, and the directory alone */
	assert_int_equal(exp_load(f, NULL, &t, &err), 0);
	assert_int_equal(exp_count(t), 1);
	exp_table_free(t);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* EXP_LOAD_PARTIAL leaves bad lines out (all of each one, with what it
 * warned about) and keeps the rest; EXP_LOAD_WARN_SUBTREE warns as
 * nfs-utils' exportfs; "host (opts)" gets its own warning. */
static void
test_load_partial_and_warnings(void **state)
{
	char tmpl[] = "/tmp/test_exports.XXXXXX", f[256], cmd[300];
	const struct exp_err *e;
	struct exp_table *t;
	struct exp_err err;
	const char *dir;
	size_t n;

	(void)state;
	assert_non_null(dir = mkdtemp(tmpl));
	snprintf(f, sizeof(f), "%s/exports", dir);
	put(dir, "exports",
	    "/a h1(rw,no_subtree_check)\n"		/* 1 */
	    "/a h2(rw) h3(rw,what)\n"			/* 2: bad, h2 too */
	    "/b \"unterminated h(rw)\n"		/* 3: bad */
	    "/c 10.0.0.1 (rw)\n"			/* 4 */
	    "/d h(rw\n"					/* 5: bad */
	    "/e -subtree_check h(rw) h(rw)\n"		/* 6: a duplicate */
	    "/b h(ro)\n");				/* 7 */
	assert_int_equal(exp_load(f, NULL, &t, &err), -EINVAL);
	assert_int_equal(err.pos.line, 2);
	assert_int_equal(exp_load_flags(f, NULL, EXP_LOAD_PARTIAL |
	    EXP_LOAD_WARN_SUBTREE, &t, &err), 0);
	e = exp_skipped(t, &n);
	assert_int_equal(n, 3);
	assert_int_equal(e[0].pos.line, 2);
	assert_int_equal(e[0].pos.col, 17);
	assert_non_null(strstr(e[0].file, "exports"));
	assert_int_equal(e[1].pos.line, 3);
	assert_int_equal(e[2].pos.line, 5);
	assert_int_equal(exp_count(t), 4);
	assert_int_equal(exp_lookup(t, "/a")->nclients, 1);
	assert_null(exp_lookup(t, "/d"));
	assert_string_equal(cl(t, "/b", 0)->name, "h");
	/* 10.0.0.1 (rw): 10.0.0.1 read-only, everyone read-write */
	assert_int_equal(exp_lookup(t, "/c")->nclients, 2);
	assert_true(cl(t, "/c", 0)->opts.flags & EXP_F_RO);
	assert_string_equal(cl(t, "/c", 1)->name, "*");
	assert_false(cl(t, "/c", 1)->opts.flags & EXP_F_RO);
	assert_int_equal(nwarn(t, "No options for /c 10.0.0.1: suggest "
	    "10.0.0.1(sync) to avoid warning"), 1);
	assert_int_equal(nwarn(t, "No host name given with /c (rw), suggest "
	    "*(rw) to avoid warning"), 1);
	assert_int_equal(nwarn(t, "blank between 10.0.0.1 and (rw)"), 1);
	/* subtree: /c twice, /b once; not /a (given), not /e (defaults),
	 * nothing from the lines left out */
	assert_int_equal(nwarn(t, "Neither 'subtree_check' or "
	    "'no_subtree_check' specified for export"), 3);
	assert_int_equal(nwarn(t, "\"10.0.0.1:/c\""), 1);
	assert_int_equal(nwarn(t, "\"*:/c\""), 1);
	assert_int_equal(nwarn(t, "h2"), 0);
	assert_int_equal(nwarn(t, "duplicated export entries: h:/e ignored "
	    "(first at line 6)"), 1);
	e = exp_warnings(t, &n);
	for (; n > 0; n--, e++)
		assert_int_equal(e->severe,
		    strstr(e->pos.msg, "duplicated") != NULL);
	exp_table_free(t);
	/* options that differ: "incompatible" */
	t = parse_ok("/a h(rw)\n/a h(ro)\n/b h(rw) h(rw)\n");
	assert_int_equal(nwarn(t, "incompatible duplicated export entries: "
	    "h:/a"), 1);
	assert_int_equal(nwarn(t, "incompatible"), 1);
	assert_int_equal(nwarn(t, "Neither"), 0);	/* not asked for */
	exp_table_free(t);
	/* a NUL byte: that line is left out, the next one is read */
	put(dir, "exports", "/a h(rw)\n/b h(r");
	{
		FILE *fp = fopen(f, "a");

		assert_non_null(fp);
		fputc('\0', fp);
		fputs("w)\n/c h(rw)\n", fp);
		fclose(fp);
	}
	assert_int_equal(exp_load_flags(f, NULL, EXP_LOAD_PARTIAL, &t, &err),
	    0);
	e = exp_skipped(t, &n);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].pos.line, 2);
	assert_int_equal(exp_count(t), 2);
	assert_non_null(exp_lookup(t, "/c"));
	exp_table_free(t);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_example_file(void **state)
{
	const char *src = getenv("SRCDIR");
	char path[PATH_MAX], buf[512];
	struct exp_table *t;
	struct exp_err err;
	const struct exp_client *c;
	int calls = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/exports.example",
	    src != NULL ? src : ".");
	if (exp_load(path, NULL, &t, &err) != 0)
		fail_msg("%s", exp_err_fmt(&err, buf, sizeof(buf)));
	assert_int_equal(exp_count(t), 7);
	assert_int_equal(exp_resolve(t, stub_resolve, &calls), 0);
	c = cl(t, "/srv/nfs", 0);
	assert_int_equal(c->opts.fsid_type, EXP_FSID_NUM);
	assert_true(c->opts.flags & EXP_F_CROSSMNT);
	assert_non_null(exp_lookup(t, "/srv/nfs/media library"));
	assert_string_equal(winner(t, "/srv/nfs/home", "192.0.2.5", NULL),
	    "admin.example.org");
	assert_string_equal(winner(t, "/srv/nfs/home", "192.0.2.6", NULL),
	    "192.0.2.0/255.255.255.0");
	assert_string_equal(winner(t, "/srv/nfs/projects", "2001:db8:42::9",
	    NULL), "2001:db8:42::/64");
	assert_string_equal(winner(t, "/srv/nfs/projects", "203.0.113.1",
	    "build-07.example.org"), "build-??.example.org");
	c = cl(t, "/srv/nfs/scratch", 0);
	assert_int_equal(c->type, EXP_CL_NETGROUP);
	assert_int_equal(c->opts.anonuid, 1500);
	c = exp_match(t, "/srv/nfs/mirror", NULL, NULL);
	assert_null(c);
	assert_false(cl(t, "/srv/nfs/mirror", 1)->opts.flags & EXP_F_RO);
	assert_true(cl(t, "/srv/nfs/mirror", 0)->opts.flags & EXP_F_INSECURE);
	assert_true(cl(t, "/srv/nfs/mirror", 1)->opts.flags & EXP_F_PUBLIC);
	c = cl(t, "/srv/nfs/secure", 0);
	assert_int_equal(c->opts.sec[0].flavor, EXP_SEC_KRB5P);
	assert_int_equal(c->opts.fsid_type, EXP_FSID_UUID);
	exp_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_lookup_many),
		cmocka_unit_test(test_flag_options),
		cmocka_unit_test(test_anon_ids),
		cmocka_unit_test(test_fsid),
		cmocka_unit_test(test_mountpoint),
		cmocka_unit_test(test_sec),
		cmocka_unit_test(test_refused_and_unknown),
		cmocka_unit_test(test_client_forms),
		cmocka_unit_test(test_client_errors),
		cmocka_unit_test(test_default_options_form),
		cmocka_unit_test(test_continuation_comments),
		cmocka_unit_test(test_quoting_escapes),
		cmocka_unit_test(test_error_positions),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_duplicates_and_merge),
		cmocka_unit_test(test_precedence_classes),
		cmocka_unit_test(test_precedence_within_class),
		cmocka_unit_test(test_resolve_and_addresses),
		cmocka_unit_test(test_match_under),
		cmocka_unit_test(test_format_and_serialize),
		cmocka_unit_test(test_showmount),
		cmocka_unit_test(test_load_exports_d),
		cmocka_unit_test(test_load_partial_and_warnings),
		cmocka_unit_test(test_example_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
