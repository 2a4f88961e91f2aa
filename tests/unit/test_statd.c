/*
 * test_statd.c: rpc.statd's pure parts and its policy: state number
 * arithmetic and the state file, host-name validation, the host-file
 * record format, the registration table (dedupe, max, del, del_all,
 * matching notifiers, replays), the log limiter, the state directory
 * (symbolic links refused, files handed over), the dispatch table and the
 * handlers' local/remote rules, run on a table kept in memory.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#include "common/log.h"
#include "statd/statd.h"

/* ------------------------------------------------------------ helpers */

static char tmpdir[PATH_MAX];

static int
setup_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_statd.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
rm_tree(const char *path)
{
	struct stat st;
	struct dirent *de;
	char sub[PATH_MAX];
	DIR *d;

	if (lstat(path, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			rm_tree(sub);
		}
		closedir(d);
		return rmdir(path);
	}
	return unlink(path);
}

static int
teardown_tmp(void **state)
{
	(void)state;
	return rm_tree(tmpdir);
}

/* buf (PATH_MAX bytes) = dir/name */
static void
join(char *buf, const char *dir, const char *name)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", dir, name);

	assert_true(n > 0 && n < PATH_MAX);
}

static void
path(char *buf, const char *name)
{
	join(buf, tmpdir, name);
}

static void
write_bytes(const char *p, const void *buf, size_t len)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* Number of entries of dir, "." and ".." left out. */
static int
entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static struct statd_reg
reg(const char *mon, const char *my, uint32_t prog, uint32_t vers,
    uint32_t proc, uint8_t seed)
{
	struct statd_reg r;
	int i;

	memset(&r, 0, sizeof(r));
	snprintf(r.mon_name, sizeof(r.mon_name), "%s", mon);
	snprintf(r.my_name, sizeof(r.my_name), "%s", my);
	r.prog = prog;
	r.vers = vers;
	r.proc = proc;
	for (i = 0; i < SM_PRIVLEN; i++)
		r.priv[i] = (uint8_t)(seed + 37 * i);
	return r;
}

static void
assert_reg_equal(const struct statd_reg *a, const struct statd_reg *b)
{
	assert_string_equal(a->mon_name, b->mon_name);
	assert_string_equal(a->my_name, b->my_name);
	assert_int_equal(a->prog, b->prog);
	assert_int_equal(a->vers, b->vers);
	assert_int_equal(a->proc, b->proc);
	assert_memory_equal(a->priv, b->priv, SM_PRIVLEN);
}

static struct sockaddr_storage
sa(const char *a)
{
	struct sockaddr_storage ss;

	assert_true(statd_name_numeric(a, &ss));
	return ss;
}

/* ------------------------------------------------------------ state */

static void
test_state_next(void **state)
{
	uint32_t s, n;

	(void)state;
	assert_int_equal(statd_state_next(0), 1);
	assert_int_equal(statd_state_next(1), 3);
	assert_int_equal(statd_state_next(2), 3);
	assert_int_equal(statd_state_next(3), 5);
	assert_int_equal(statd_state_next(4), 5);
	/* always odd, always bigger, never past INT32_MAX */
	for (s = 0; s < 1000; s++) {
		n = statd_state_next(s);
		assert_true(n & 1);
		assert_true(n > s);
		assert_true(n - s <= 2);
	}
	assert_int_equal(statd_state_next(INT32_MAX - 1), INT32_MAX);
	assert_int_equal(statd_state_next(INT32_MAX - 2), INT32_MAX);
	/* past INT32_MAX the protocol's int would be negative: 1 again */
	assert_int_equal(statd_state_next(INT32_MAX), 1);
	assert_int_equal(statd_state_next((uint32_t)INT32_MAX + 1), 1);
	assert_int_equal(statd_state_next(UINT32_MAX - 1), 1);
	assert_int_equal(statd_state_next(UINT32_MAX), 1);
}

static void
test_state_file(void **state)
{
	char p[PATH_MAX], q[PATH_MAX];
	uint32_t s = 77, v;
	struct stat st;
	static const size_t bad[] = { 0, 1, 3, 5, 8, 64 };
	char junk[64];
	size_t i;

	(void)state;
	path(p, "state");
	/* no file yet: state 0 */
	assert_int_equal(statd_state_read(p, &s), 0);
	assert_int_equal(s, 0);
	/* round trip, 4 bytes in host order (nfs-utils' format) */
	assert_int_equal(statd_state_write(p, 5), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(statd_state_read(p, &s), 0);
	assert_int_equal(s, 5);
	{
		FILE *f = fopen(p, "rb");

		assert_non_null(f);
		assert_int_equal(fread(&v, 1, sizeof(v), f), sizeof(v));
		fclose(f);
		assert_int_equal(v, 5);
	}
	/* overwritten atomically: the file is replaced, nothing left over */
	assert_int_equal(statd_state_write(p, statd_state_next(5)), 0);
	assert_int_equal(statd_state_read(p, &s), 0);
	assert_int_equal(s, 7);
	assert_int_equal(entries(tmpdir), 1);
	/* the value as written by another program (Debian's sm-notify) */
	v = 0x12345;
	write_bytes(p, &v, sizeof(v));
	assert_int_equal(statd_state_read(p, &s), 0);
	assert_int_equal(s, 0x12345);
	/* bad sizes are refused, and say 0 */
	memset(junk, 0x5a, sizeof(junk));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_bytes(p, junk, bad[i]);
		s = 99;
		assert_int_equal(statd_state_read(p, &s), -EINVAL);
		assert_int_equal(s, 0);
	}
	/* a directory is not a state file; a missing directory cannot be
	 * written */
	path(q, "dir");
	assert_int_equal(mkdir(q, 0700), 0);
	assert_true(statd_state_read(q, &s) < 0);
	path(q, "nodir/state");
	assert_int_equal(statd_state_write(q, 1), -ENOENT);
}

/* ------------------------------------------------------------ names */

static void
test_name_invalid(void **state)
{
	static const char *const good[] = {
		"host", "Host.Example.COM", "a", "a..b", "a.", "x-y_z",
		"192.0.2.1", "::1", "2001:db8::1", "::ffff:192.0.2.1",
		"fe80::1%eth0", "localhost", "127.0.0.1",
	};
	static const struct {
		const char	*name;
		const char	*why;		/* a word of the reason */
	} bad[] = {
		{ "", "empty" },
		{ ".", "'.'" }, { "..", "'.'" }, { ".hidden", "'.'" },
		{ "../etc", "'.'" },
		{ "/", "'/'" }, { "a/b", "'/'" }, { "a/../../etc", "'/'" },
		{ "host/", "'/'" },
		{ "a b", "blank" }, { "a\tb", "blank" }, { "a\nb", "blank" },
		{ "a\rb", "blank" }, { "a\vb", "blank" }, { "a\fb", "blank" },
		{ "\x01", "control" }, { "a\x1b[31m", "control" },
		{ "a\x7f", "control" },
		{ "h\xc3\xa9llo", "ASCII" }, { "\xff", "ASCII" },
	};
	char name[STATD_NAME_MAX + 2];
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if ((why = statd_name_invalid(good[i])) != NULL)
			fail_msg("\"%s\" refused: %s", good[i], why);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = statd_name_invalid(bad[i].name);
		if (why == NULL)
			fail_msg("bad name #%zu accepted", i);
		if (strstr(why, bad[i].why) == NULL)
			fail_msg("bad name #%zu: \"%s\", expected \"%s\"", i,
			    why, bad[i].why);
	}
	assert_non_null(statd_name_invalid(NULL));
	/* length: STATD_NAME_MAX passes, one more does not */
	memset(name, 'a', sizeof(name));
	name[STATD_NAME_MAX] = '\0';
	assert_null(statd_name_invalid(name));
	name[STATD_NAME_MAX] = 'a';
	name[STATD_NAME_MAX + 1] = '\0';
	assert_non_null(strstr(statd_name_invalid(name), "longer"));
	/* a name that fits also fits as sm/'s temporary ".NAME.xxxxxxxx" */
	assert_true(STATD_NAME_MAX + 10 <= NAME_MAX);
}

static void
test_name_numeric(void **state)
{
	struct sockaddr_storage ss;
	struct in_addr a4;
	struct in6_addr a6;

	(void)state;
	assert_true(statd_name_numeric("192.0.2.7", &ss));
	assert_int_equal(ss.ss_family, AF_INET);
	inet_pton(AF_INET, "192.0.2.7", &a4);
	assert_memory_equal(&((struct sockaddr_in *)&ss)->sin_addr, &a4,
	    sizeof(a4));
	assert_true(statd_name_numeric("2001:db8::7", &ss));
	assert_int_equal(ss.ss_family, AF_INET6);
	inet_pton(AF_INET6, "2001:db8::7", &a6);
	assert_memory_equal(&((struct sockaddr_in6 *)&ss)->sin6_addr, &a6,
	    sizeof(a6));
	assert_true(statd_name_numeric("::ffff:192.0.2.7", NULL));
	assert_true(statd_name_numeric("::1", NULL));
	assert_false(statd_name_numeric("host.example", &ss));
	assert_false(statd_name_numeric("192.0.2", NULL));
	assert_false(statd_name_numeric("256.0.0.1", NULL));
	assert_false(statd_name_numeric("192.0.2.1 ", NULL));
	assert_false(statd_name_numeric("", NULL));
}

static void
test_name_key_safe(void **state)
{
	char key[STATD_NAME_MAX + 1], buf[8], lng[STATD_NAME_MAX + 20];

	(void)state;
	statd_name_key("Host.EXAMPLE.com", key);
	assert_string_equal(key, "host.example.com");
	statd_name_key("2001:DB8::A", key);
	assert_string_equal(key, "2001:db8::a");
	/* a key never overflows */
	memset(lng, 'X', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	statd_name_key(lng, key);
	assert_int_equal(strlen(key), STATD_NAME_MAX);
	assert_int_equal(key[0], 'x');

	assert_string_equal(statd_name_safe("ab\ncd", buf, sizeof(buf)),
	    "ab?cd");
	assert_string_equal(statd_name_safe("a b\x7f\xff", buf, sizeof(buf)),
	    "a?b??");
	assert_string_equal(statd_name_safe("0123456789", buf, sizeof(buf)),
	    "0123456");
	assert_string_equal(statd_name_safe(NULL, buf, sizeof(buf)), "");
	buf[0] = 'z';
	statd_name_safe("abc", buf, 0);
	assert_int_equal(buf[0], 'z');
}

static void
test_callback_allowed(void **state)
{
	(void)state;
	assert_true(statd_callback_allowed(100021, 4, 16));
	assert_true(statd_callback_allowed(100021, 3, 16));
	assert_true(statd_callback_allowed(100021, 1, 24));
	assert_false(statd_callback_allowed(100021, 4, 15));
	assert_false(statd_callback_allowed(100021, 4, 0));
	assert_false(statd_callback_allowed(100000, 2, 16));
	assert_false(statd_callback_allowed(100003, 3, 16));
	assert_false(statd_callback_allowed(100024, 1, 6));
}

/* ------------------------------------------------------------ records */

static void
test_rec_format(void **state)
{
	struct statd_reg r = reg("192.0.2.2", "server", 100021, 4, 16, 0);
	char buf[700], want[700], cb[16], priv[2 * SM_PRIVLEN + 1];
	size_t n, i;

	(void)state;
	/* nfs-utils' line: the callback address as the in_addr's bytes read
	 * as a host-order word, prog vers proc, priv, mon_name, my_name */
	snprintf(cb, sizeof(cb), "%08x", (unsigned)htonl(INADDR_LOOPBACK));
	for (i = 0; i < SM_PRIVLEN; i++)
		snprintf(priv + 2 * i, 3, "%02x", r.priv[i]);
	snprintf(want, sizeof(want), "%s 000186b5 00000004 00000010 %s "
	    "192.0.2.2 server\n", cb, priv);
	n = statd_rec_format(&r, buf, sizeof(buf));
	assert_int_equal(n, strlen(want));
	assert_string_equal(buf, want);
	/* too small a buffer: 0, never a cut line */
	assert_int_equal(statd_rec_format(&r, buf, n), 0);
	assert_int_equal(statd_rec_format(&r, buf, n + 1), n);
}

static void
test_rec_round_trip(void **state)
{
	struct statd_reg in[5], *out = NULL;
	char lng[STATD_NAME_MAX + 1], *text = NULL;
	unsigned skipped = 9;
	size_t len = 7, n = 0, i;

	(void)state;
	memset(lng, 'q', STATD_NAME_MAX);
	lng[STATD_NAME_MAX] = '\0';
	in[0] = reg("host.example", "me", 100021, 4, 16, 1);
	in[1] = reg("HOST.example", "other", 100021, 3, 16, 200);
	in[2] = reg("host.example", "me", 100021, 1, 24, 0xff);
	in[3] = reg("host.example", lng, 0xffffffffu, 0, 0x80000000u, 7);
	in[4] = reg("host.example", "x", 1, 2, 3, 0);
	memset(in[4].priv, 0xff, SM_PRIVLEN);

	assert_int_equal(statd_rec_serialize(in, 0, &text, &len), 0);
	assert_null(text);
	assert_int_equal(len, 0);
	assert_int_equal(statd_rec_serialize(in, 5, &text, &len), 0);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	/* one line per registration */
	for (n = 0, i = 0; i < len; i++)
		n += text[i] == '\n';
	assert_int_equal(n, 5);
	assert_int_equal(statd_rec_parse(text, len, "host.example", &out, &n,
	    &skipped), 0);
	assert_int_equal(n, 5);
	assert_int_equal(skipped, 0);
	for (i = 0; i < 5; i++)
		assert_reg_equal(&out[i], &in[i]);
	free(out);
	/* the key is compared in lower case; another key skips them all */
	assert_int_equal(statd_rec_parse(text, len, "other.example", &out, &n,
	    &skipped), 0);
	assert_int_equal(n, 0);
	assert_int_equal(skipped, 5);
	free(out);
	/* no key: everything */
	assert_int_equal(statd_rec_parse(text, len, NULL, &out, &n, &skipped),
	    0);
	assert_int_equal(n, 5);
	free(out);
	free(text);
}

static void
test_rec_malformed(void **state)
{
	struct statd_reg good = reg("h", "me", 100021, 4, 16, 3), *out = NULL;
	char line[700], text[8192];
	static const char *const bad[] = {
		"0100007f 000186b5 00000004 00000010",
		"0100007f 000186b5 00000004 0000001",
		"0100007f 000186b5 0000000g 00000010 "
		    "00000000000000000000000000000000 h me",
		"0100007f  000186b5 00000004 00000010 "
		    "00000000000000000000000000000000 h me",
		"0100007f 000186b5 00000004 00000010 "
		    "0000000000000000000000000000000 h me",
		"0100007f 000186b5 00000004 00000010 "
		    "0000000000000000000000000000000z h me",
		"0100007f 000186b5 00000004 00000010 "
		    "00000000000000000000000000000000h me",
		"0100007f 000186b5 00000004 00000010 "
		    "00000000000000000000000000000000 h",
		"0100007f 000186b5 00000004 00000010 "
		    "00000000000000000000000000000000 h ",
		"0100007f 000186b5 00000004 00000010 "
		    "00000000000000000000000000000000  h me",
		"0100007f 000186b5 00000004 00000010 "
		    "00000000000000000000000000000000 h me extra",
		"0100007f 000186b5 00000004 00000010 "
		    "00000000000000000000000000000000 .h me",
		"0100007f 000186b5 00000004 00000010 "
		    "00000000000000000000000000000000 h/x me",
		"0100007f 000186b5 00000004 00000010 "
		    "00000000000000000000000000000000 h me\r",
		"0100007f 000186b5 00000004 00000010 "
		    "00000000000000000000000000000000 H2 me",	/* key h */
		"garbage",
	};
	unsigned skipped;
	size_t n, len, i, l;

	(void)state;
	l = statd_rec_format(&good, line, sizeof(line));
	assert_true(l > 0);
	/* every bad line between two good ones: the good ones survive */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = (size_t)snprintf(text, sizeof(text), "%s%s\n%s", line,
		    bad[i], line);
		assert_int_equal(statd_rec_parse(text, len, "h", &out, &n,
		    &skipped), 0);
		if (n != 2 || skipped != 1)
			fail_msg("bad line #%zu: %zu records, %u skipped", i, n,
			    skipped);
		assert_reg_equal(&out[0], &good);
		assert_reg_equal(&out[1], &good);
		free(out);
	}
	/* empty lines are not records, nor errors; a last line without its
	 * newline still counts; upper-case hex reads the same */
	len = (size_t)snprintf(text, sizeof(text), "\n\n%s\n", line);
	text[len - 2] = '\0';	/* line's own newline -> end */
	len = strlen(text);
	assert_int_equal(statd_rec_parse(text, len, "h", &out, &n, &skipped),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(skipped, 0);
	free(out);
	snprintf(text, sizeof(text), "0100007F 000186B5 00000004 00000010 "
	    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF h me\n");
	assert_int_equal(statd_rec_parse(text, strlen(text), "h", &out, &n,
	    &skipped), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].prog, 100021);
	assert_int_equal(out[0].priv[15], 0xff);
	free(out);
	/* a NUL inside a line: skipped, not cut short */
	memcpy(text, line, l);
	text[l - 3] = '\0';
	assert_int_equal(statd_rec_parse(text, l, "h", &out, &n, &skipped), 0);
	assert_int_equal(n, 0);
	assert_int_equal(skipped, 1);
	free(out);
	/* nothing at all */
	assert_int_equal(statd_rec_parse("", 0, "h", &out, &n, &skipped), 0);
	assert_int_equal(n, 0);
	assert_null(out);
}

/* ------------------------------------------------------------ table */

/* The save hook: the last file written per call, and a failure switch. */
static struct {
	int	 calls;
	int	 fail;		/* -errno to return */
	char	 key[STATD_NAME_MAX + 1];
	char	*text;		/* NULL: removed */
} saved;

static int
save_hook(void *arg, const char *key, const char *text, size_t len)
{
	(void)arg;
	saved.calls++;
	if (saved.fail != 0)
		return saved.fail;
	snprintf(saved.key, sizeof(saved.key), "%s", key);
	free(saved.text);
	saved.text = text != NULL ? strndup(text, len) : NULL;
	return 0;
}

static void
test_db_add_dedupe_max(void **state)
{
	struct statd_db db;
	struct statd_reg a = reg("Host.Example", "me", 100021, 4, 16, 1), b,
	    *out = NULL;
	unsigned skipped;
	size_t n;

	(void)state;
	memset(&saved, 0, sizeof(saved));
	statd_db_init(&db, 4, save_hook, NULL);
	assert_true(statd_db_room(&db, &a));
	assert_int_equal(statd_db_add(&db, &a, NULL), 1);
	assert_int_equal(statd_db_count(&db), 1);
	/* saved under the lower-case key, parseable back */
	assert_string_equal(saved.key, "host.example");
	assert_non_null(saved.text);
	assert_int_equal(statd_rec_parse(saved.text, strlen(saved.text),
	    saved.key, &out, &n, &skipped), 0);
	assert_int_equal(n, 1);
	assert_reg_equal(&out[0], &a);
	free(out);
	/* the same registration again (any case of mon_name): an update of
	 * priv, not a second one */
	b = reg("HOST.EXAMPLE", "me", 100021, 4, 16, 99);
	assert_int_equal(statd_db_add(&db, &b, NULL), 0);
	assert_int_equal(statd_db_count(&db), 1);
	assert_int_equal(statd_rec_parse(saved.text, strlen(saved.text),
	    saved.key, &out, &n, &skipped), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(out[0].priv, b.priv, SM_PRIVLEN);
	assert_string_equal(out[0].mon_name, "Host.Example");
	free(out);
	/* each part of my_id makes a new registration */
	b = reg("host.example", "other", 100021, 4, 16, 1);
	assert_int_equal(statd_db_add(&db, &b, NULL), 1);
	b = reg("host.example", "me", 100021, 3, 16, 1);
	assert_int_equal(statd_db_add(&db, &b, NULL), 1);
	b = reg("host.example", "me", 100021, 4, 24, 1);
	assert_int_equal(statd_db_add(&db, &b, NULL), 1);
	assert_int_equal(statd_db_count(&db), 4);
	/* full: a new one is refused, an update still goes through */
	b = reg("192.0.2.9", "me", 100021, 4, 16, 1);
	assert_false(statd_db_room(&db, &b));
	assert_int_equal(statd_db_add(&db, &b, NULL), -ENOSPC);
	assert_int_equal(statd_db_load(&db, &b), -ENOSPC);
	assert_int_equal(statd_db_count(&db), 4);
	assert_false(statd_db_known(&db, "192.0.2.9"));
	b = reg("host.example", "me", 100021, 4, 16, 5);
	assert_true(statd_db_room(&db, &b));
	b.vers = 2;
	assert_false(statd_db_room(&db, &b));
	b.vers = 4;
	assert_int_equal(statd_db_add(&db, &b, NULL), 0);
	/* the file holds the four, in order */
	assert_int_equal(statd_rec_parse(saved.text, strlen(saved.text),
	    saved.key, &out, &n, &skipped), 0);
	assert_int_equal(n, 4);
	assert_string_equal(out[1].my_name, "other");
	free(out);
	statd_db_destroy(&db);
	free(saved.text);
	saved.text = NULL;
}

static void
test_db_save_failure(void **state)
{
	struct statd_db db;
	struct statd_reg a = reg("192.0.2.1", "me", 100021, 4, 16, 1), b,
	    *out = NULL;
	struct sockaddr_storage from = sa("192.0.2.1");
	int n;

	(void)state;
	memset(&saved, 0, sizeof(saved));
	statd_db_init(&db, 0, save_hook, NULL);
	/* a new host that cannot be saved is not kept */
	saved.fail = -EIO;
	assert_int_equal(statd_db_add(&db, &a, NULL), -EIO);
	assert_int_equal(statd_db_count(&db), 0);
	assert_false(statd_db_known(&db, "192.0.2.1"));
	saved.fail = 0;
	assert_int_equal(statd_db_add(&db, &a, NULL), 1);
	/* a second registration of a known host: undone */
	saved.fail = -ENOSPC;
	b = reg("192.0.2.1", "other", 100021, 4, 16, 2);
	assert_int_equal(statd_db_add(&db, &b, NULL), -ENOSPC);
	assert_int_equal(statd_db_count(&db), 1);
	/* an update: the old cookie stays */
	b = reg("192.0.2.1", "me", 100021, 4, 16, 77);
	assert_int_equal(statd_db_add(&db, &b, NULL), -ENOSPC);
	saved.fail = 0;
	n = statd_db_match(&db, (struct sockaddr *)&from, NULL, 3, &out, NULL);
	assert_int_equal(n, 1);
	assert_memory_equal(out[0].priv, a.priv, SM_PRIVLEN);
	free(out);
	/* a removal that cannot be saved is reported, and stays done */
	saved.fail = -EIO;
	assert_int_equal(statd_db_del(&db, "192.0.2.1", "me", 100021, 4, 16),
	    -EIO);
	assert_int_equal(statd_db_count(&db), 0);
	saved.fail = 0;
	statd_db_destroy(&db);
	free(saved.text);
	saved.text = NULL;
}

static void
test_db_del(void **state)
{
	struct statd_db db;
	struct statd_reg r, *removed = NULL;
	size_t n = 99;
	int i;

	(void)state;
	memset(&saved, 0, sizeof(saved));
	statd_db_init(&db, 0, save_hook, NULL);
	for (i = 0; i < 3; i++) {
		char name[32];

		snprintf(name, sizeof(name), "192.0.2.%d", i + 1);
		r = reg(name, "me", 100021, 4, 16, (uint8_t)i);
		assert_int_equal(statd_db_add(&db, &r, NULL), 1);
		r = reg(name, "other", 100021, 4, 16, (uint8_t)i);
		assert_int_equal(statd_db_add(&db, &r, NULL), 1);
	}
	r = reg("192.0.2.9", "me", 100021, 3, 16, 0);
	assert_int_equal(statd_db_add(&db, &r, NULL), 1);
	assert_int_equal(statd_db_count(&db), 7);
	/* SM_UNMON: one registration; unknown ones are 0 */
	assert_int_equal(statd_db_del(&db, "192.0.2.1", "me", 100021, 4, 15),
	    0);
	assert_int_equal(statd_db_del(&db, "192.0.2.7", "me", 100021, 4, 16),
	    0);
	assert_int_equal(statd_db_del(&db, "192.0.2.1", "ME", 100021, 4, 16),
	    0);
	saved.calls = 0;
	assert_int_equal(statd_db_del(&db, "192.0.2.1", "me", 100021, 4, 16),
	    1);
	assert_int_equal(saved.calls, 1);
	assert_string_equal(saved.key, "192.0.2.1");
	assert_non_null(saved.text);		/* "other" is left */
	assert_int_equal(statd_db_del(&db, "192.0.2.1", "me", 100021, 4, 16),
	    0);
	assert_int_equal(statd_db_count(&db), 6);
	/* the last one of a host removes its file */
	assert_int_equal(statd_db_del(&db, "192.0.2.1", "other", 100021, 4,
	    16), 1);
	assert_null(saved.text);
	assert_string_equal(saved.key, "192.0.2.1");
	assert_false(statd_db_known(&db, "192.0.2.1"));
	/* a name too long to be stored is simply not there */
	{
		char lng[STATD_NAME_MAX + 5];

		memset(lng, 'a', sizeof(lng) - 1);
		lng[sizeof(lng) - 1] = '\0';
		assert_int_equal(statd_db_del(&db, lng, "me", 100021, 4, 16),
		    0);
	}
	/* SM_UNMON_ALL: every host's registration of that my_id only */
	assert_int_equal(statd_db_del_all(&db, "me", 100021, 4, 16, &removed,
	    &n), 2);
	assert_int_equal(n, 2);
	assert_string_equal(removed[0].my_name, "me");
	assert_int_equal(removed[0].vers, 4);
	assert_int_equal(removed[1].vers, 4);
	assert_true(strcmp(removed[0].mon_name, removed[1].mon_name) != 0);
	free(removed);
	assert_int_equal(statd_db_count(&db), 3);
	assert_true(statd_db_known(&db, "192.0.2.9"));	/* vers 3 stays */
	/* nothing left of it: 0, no copy */
	assert_int_equal(statd_db_del_all(&db, "me", 100021, 4, 16, &removed,
	    &n), 0);
	assert_null(removed);
	assert_int_equal(n, 0);
	assert_int_equal(statd_db_del_all(&db, "other", 100021, 4, 16, NULL,
	    NULL), 2);
	assert_int_equal(statd_db_count(&db), 1);
	statd_db_destroy(&db);
	free(saved.text);
	saved.text = NULL;
}

static void
test_db_match(void **state)
{
	struct statd_db db;
	struct statd_reg r, *out = NULL;
	struct statd_addrs addrs;
	struct sockaddr_storage from2 = sa("192.0.2.2"),
	    mapped2 = sa("::ffff:192.0.2.2"), from3 = sa("192.0.2.3"),
	    from6 = sa("2001:db8::6"), from9 = sa("192.0.2.99");
	unsigned matched;
	int n;

	(void)state;
	statd_db_init(&db, 0, NULL, NULL);
	/* a numeric host is its own address */
	r = reg("192.0.2.2", "me", 100021, 4, 16, 1);
	assert_int_equal(statd_db_add(&db, &r, NULL), 1);
	r = reg("192.0.2.2", "other", 100021, 4, 16, 2);
	assert_int_equal(statd_db_add(&db, &r, NULL), 1);
	r = reg("2001:db8::6", "me", 100021, 4, 16, 3);
	assert_int_equal(statd_db_add(&db, &r, NULL), 1);
	/* a name with no address known: matched by name */
	r = reg("Peer.Example", "me", 100021, 4, 16, 4);
	assert_int_equal(statd_db_add(&db, &r, NULL), 1);
	/* a name given addresses at SM_MON: matched by address only */
	memset(&addrs, 0, sizeof(addrs));
	addrs.n = 1;
	addrs.a[0] = from3;
	r = reg("resolved.example", "me", 100021, 4, 16, 5);
	assert_int_equal(statd_db_add(&db, &r, &addrs), 1);
	assert_true(statd_db_known(&db, "RESOLVED.example"));
	assert_false(statd_db_known(&db, "peer.example"));
	assert_true(statd_db_known(&db, "192.0.2.2"));

	n = statd_db_match(&db, (struct sockaddr *)&from2, "anything", 5,
	    &out, &matched);
	assert_int_equal(n, 2);
	assert_int_equal(matched, 1);
	assert_string_equal(out[0].my_name, "me");
	assert_string_equal(out[1].my_name, "other");
	assert_int_equal(out[1].priv[0], 2);
	free(out);
	/* a replay of that state is not passed on again ... */
	n = statd_db_match(&db, (struct sockaddr *)&from2, NULL, 5, &out,
	    &matched);
	assert_int_equal(n, 0);
	assert_int_equal(matched, 1);
	assert_null(out);
	/* ... even from the v4-mapped form of the address; a new state is */
	n = statd_db_match(&db, (struct sockaddr *)&mapped2, NULL, 5, &out,
	    NULL);
	assert_int_equal(n, 0);
	n = statd_db_match(&db, (struct sockaddr *)&mapped2, NULL, 7, &out,
	    NULL);
	assert_int_equal(n, 2);
	free(out);
	n = statd_db_match(&db, (struct sockaddr *)&from6, NULL, 1, &out,
	    NULL);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].mon_name, "2001:db8::6");
	free(out);
	/* by name, any case, from anywhere, for the unresolved host only */
	n = statd_db_match(&db, (struct sockaddr *)&from9, "PEER.EXAMPLE", 3,
	    &out, &matched);
	assert_int_equal(n, 1);
	assert_int_equal(matched, 1);
	assert_string_equal(out[0].mon_name, "Peer.Example");
	free(out);
	n = statd_db_match(&db, (struct sockaddr *)&from9, "resolved.example",
	    3, &out, &matched);
	assert_int_equal(n, 0);
	assert_int_equal(matched, 0);
	n = statd_db_match(&db, (struct sockaddr *)&from3, "whatever", 3,
	    &out, NULL);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].mon_name, "resolved.example");
	free(out);
	/* nobody */
	n = statd_db_match(&db, (struct sockaddr *)&from9, NULL, 3, &out,
	    &matched);
	assert_int_equal(n, 0);
	assert_int_equal(matched, 0);
	/* once a lookup gives the name an address, the name alone no longer
	 * matches; a numeric host keeps its own */
	addrs.a[0] = from9;
	assert_int_equal(statd_db_set_addrs(&db, "peer.example", &addrs), 0);
	n = statd_db_match(&db, (struct sockaddr *)&from3, "peer.example", 9,
	    &out, &matched);
	assert_int_equal(matched, 1);		/* resolved.example */
	free(out);
	n = statd_db_match(&db, (struct sockaddr *)&from9, NULL, 9, &out,
	    NULL);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].mon_name, "Peer.Example");
	free(out);
	assert_int_equal(statd_db_set_addrs(&db, "192.0.2.2", &addrs), 0);
	n = statd_db_match(&db, (struct sockaddr *)&from2, NULL, 11, &out,
	    NULL);
	assert_int_equal(n, 2);
	free(out);
	assert_int_equal(statd_db_set_addrs(&db, "gone.example", &addrs),
	    -ENOENT);
	statd_db_destroy(&db);
}

static int retired;
static char retired_keys[8][STATD_NAME_MAX + 1];

static void
retire_hook(void *arg, const char *key)
{
	(void)arg;
	if (retired < 8)
		snprintf(retired_keys[retired], sizeof(retired_keys[0]), "%s",
		    key);
	retired++;
}

static void
test_db_retire_unresolved(void **state)
{
	struct statd_db db;
	struct statd_reg r;
	char (*keys)[STATD_NAME_MAX + 1] = NULL;
	int n, i, seen = 0;

	(void)state;
	statd_db_init(&db, 0, NULL, NULL);
	n = statd_db_unresolved(&db, &keys);
	assert_int_equal(n, 0);
	assert_null(keys);
	r = reg("192.0.2.1", "me", 100021, 4, 16, 1);
	assert_int_equal(statd_db_load(&db, &r), 1);
	r = reg("Alpha.example", "me", 100021, 4, 16, 1);
	assert_int_equal(statd_db_load(&db, &r), 1);
	r = reg("beta.example", "me", 100021, 4, 16, 1);
	assert_int_equal(statd_db_load(&db, &r), 1);
	r = reg("beta.example", "other", 100021, 4, 16, 1);
	assert_int_equal(statd_db_load(&db, &r), 1);
	/* the names without an address, by key */
	n = statd_db_unresolved(&db, &keys);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		seen |= strcmp(keys[i], "alpha.example") == 0 ? 1 :
		    strcmp(keys[i], "beta.example") == 0 ? 2 : 4;
	assert_int_equal(seen, 3);
	free(keys);
	/* SM_SIMU_CRASH: every host retired once, the table empty */
	retired = 0;
	n = statd_db_retire(&db, retire_hook, NULL, &keys);
	assert_int_equal(n, 3);
	assert_int_equal(retired, 3);
	for (i = 0; i < n; i++)
		assert_string_equal(keys[i], retired_keys[i]);
	free(keys);
	assert_int_equal(statd_db_count(&db), 0);
	assert_false(statd_db_known(&db, "192.0.2.1"));
	n = statd_db_retire(&db, retire_hook, NULL, &keys);
	assert_int_equal(n, 0);
	assert_int_equal(retired, 3);
	statd_db_destroy(&db);
}

/* ------------------------------------------------------------ directory */

static void
test_dir_prepare(void **state)
{
	char d[PATH_MAX], p[PATH_MAX], q[PATH_MAX];
	struct stat st;

	(void)state;
	path(d, "statd");
	assert_int_equal(statd_dir_prepare(d, getuid(), getgid()), 0);
	join(p, d, "sm");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	join(p, d, "sm.bak");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* again: nothing to do */
	assert_int_equal(statd_dir_prepare(d, getuid(), getgid()), 0);

	/* the directory itself a symbolic link: refused */
	path(p, "link");
	assert_int_equal(symlink(d, p), 0);
	assert_true(statd_dir_prepare(p, getuid(), getgid()) < 0);
	/* sm or sm.bak a symbolic link (to a directory): refused */
	path(p, "evil");
	assert_int_equal(mkdir(p, 0755), 0);
	path(q, "s2");
	assert_int_equal(mkdir(q, 0700), 0);
	join(q, tmpdir, "s2/sm");
	assert_int_equal(symlink(p, q), 0);
	path(q, "s2");
	assert_true(statd_dir_prepare(q, getuid(), getgid()) < 0);
	path(q, "s3");
	assert_int_equal(mkdir(q, 0700), 0);
	join(q, tmpdir, "s3/sm.bak");
	assert_int_equal(symlink(p, q), 0);
	path(q, "s3");
	assert_true(statd_dir_prepare(q, getuid(), getgid()) < 0);
	/* sm a regular file */
	path(q, "s4");
	assert_int_equal(mkdir(q, 0700), 0);
	join(q, tmpdir, "s4/sm");
	write_bytes(q, "x", 1);
	path(q, "s4");
	assert_true(statd_dir_prepare(q, getuid(), getgid()) < 0);
	/* and the symbolic link's target was left alone */
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
}

/* As root: the tree goes to the run-as user, never through a link, never
 * a file with more than one link. */
static void
test_dir_prepare_owner(void **state)
{
	char d[PATH_MAX], p[PATH_MAX], q[PATH_MAX], victim[PATH_MAX];
	const uid_t uid = 65534;
	const gid_t gid = 65534;
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		skip();
	path(d, "owned");
	assert_int_equal(statd_dir_prepare(d, 0, 0), 0);
	join(p, d, "state");
	assert_int_equal(statd_state_write(p, 3), 0);
	join(p, d, "sm/192.0.2.1");
	write_bytes(p, "x\n", 2);
	path(victim, "victim");
	write_bytes(victim, "v", 1);
	join(q, d, "sm/hardlink");
	assert_int_equal(link(victim, q), 0);
	join(q, d, "sm.bak/symlink");
	assert_int_equal(symlink(victim, q), 0);

	assert_int_equal(statd_dir_prepare(d, uid, gid), 0);
	assert_int_equal(stat(d, &st), 0);
	assert_int_equal(st.st_uid, uid);
	join(q, d, "state");
	assert_int_equal(stat(q, &st), 0);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_gid, gid);
	join(q, d, "sm");
	assert_int_equal(stat(q, &st), 0);
	assert_int_equal(st.st_uid, uid);
	join(q, d, "sm.bak");
	assert_int_equal(stat(q, &st), 0);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_uid, uid);
	/* the victim, reachable by a hard link and a symbolic link, is
	 * still root's */
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_uid, 0);
	join(q, d, "sm.bak/symlink");
	assert_int_equal(lstat(q, &st), 0);
	assert_int_equal(st.st_uid, 0);
}

static void
test_dir_files(void **state)
{
	char d[PATH_MAX], sm[PATH_MAX], bak[PATH_MAX], p[PATH_MAX];
	char (*names)[STATD_NAME_MAX + 1] = NULL, *text = NULL;
	unsigned bad = 0;
	size_t len;
	int n, i, seen = 0;

	(void)state;
	path(d, "files");
	assert_int_equal(statd_dir_prepare(d, getuid(), getgid()), 0);
	join(sm, d, "sm");
	join(bak, d, "sm.bak");
	assert_int_equal(statd_file_put(sm, "192.0.2.1", "one\n", 4), 0);
	assert_int_equal(statd_file_put(sm, "host.example", "two\n", 4), 0);
	/* what is not a host file is skipped (and counted) */
	join(p, sm, ".host.example.1234abcd");
	write_bytes(p, "tmp", 3);
	join(p, sm, "subdir");
	assert_int_equal(mkdir(p, 0700), 0);
	join(p, sm, "link");
	assert_int_equal(symlink("192.0.2.1", p), 0);
	join(p, sm, "bad name");
	write_bytes(p, "x", 1);
	n = statd_dir_list(sm, &names, &bad);
	assert_int_equal(n, 2);
	assert_int_equal(bad, 3);
	for (i = 0; i < n; i++)
		seen |= strcmp(names[i], "192.0.2.1") == 0 ? 1 :
		    strcmp(names[i], "host.example") == 0 ? 2 : 4;
	assert_int_equal(seen, 3);
	free(names);

	assert_int_equal(statd_file_get(sm, "host.example", &text, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(text, "two\n", 4);
	free(text);
	/* copy keeps the source, move does not; the target is replaced */
	assert_int_equal(statd_file_put(bak, "host.example", "old\n", 4), 0);
	assert_int_equal(statd_file_copy(sm, bak, "host.example"), 0);
	assert_int_equal(statd_file_get(bak, "host.example", &text, &len), 0);
	assert_memory_equal(text, "two\n", 4);
	free(text);
	assert_int_equal(statd_file_move(sm, bak, "192.0.2.1"), 0);
	assert_int_equal(statd_file_get(sm, "192.0.2.1", &text, &len),
	    -ENOENT);
	assert_int_equal(statd_file_get(bak, "192.0.2.1", &text, &len), 0);
	free(text);
	/* removal; removing what is not there is fine */
	assert_int_equal(statd_file_put(bak, "192.0.2.1", NULL, 0), 0);
	assert_int_equal(statd_file_put(bak, "192.0.2.1", NULL, 0), 0);
	n = statd_dir_list(bak, &names, NULL);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "host.example");
	free(names);
	assert_int_equal(statd_file_copy(sm, bak, "nosuch"), -ENOENT);
	assert_true(statd_dir_list("/nonexistent/sm", &names, NULL) < 0);
}

/* ------------------------------------------------------------ table + handlers */

static void
test_procs(void **state)
{
	const struct rpc_program *p = statd_program();
	const struct rpc_version *v;
	static const char *const want[] = {
		[SM_NULL] = "statd_proc_null",
		[SM_STAT] = "statd_proc_stat",
		[SM_MON] = "statd_proc_mon",
		[SM_UNMON] = "statd_proc_unmon",
		[SM_UNMON_ALL] = "statd_proc_unmon_all",
		[SM_SIMU_CRASH] = "statd_proc_simu_crash",
		[SM_NOTIFY] = "statd_proc_notify",
	};
	unsigned i;

	(void)state;
	assert_int_equal(p->prog, 100024);
	assert_int_equal(p->nversions, 1);
	v = &p->versions[0];
	assert_int_equal(v->vers, 1);
	assert_int_equal(v->nprocs, 7);
	for (i = 0; i < v->nprocs; i++) {
		assert_non_null(v->procs[i].fn);
		assert_string_equal(v->procs[i].name, want[i]);
		/* the handlers decide local/remote themselves (a remote
		 * SM_MON gets stat_fail, not an RPC error) */
		assert_int_equal(v->procs[i].flags & P_LOCAL, 0);
	}
	assert_int_equal(v->procs[SM_MON].args_size, sizeof(sm_mon));
	assert_int_equal(v->procs[SM_MON].res_size, sizeof(sm_stat_res));
	assert_int_equal(v->procs[SM_NOTIFY].args_size, sizeof(sm_stat_chge));
}

static struct statd st;

static int
setup_statd(void **state)
{
	if (setup_tmp(state) != 0)
		return -1;
	/* memory only: no file is written, nothing sent */
	if (statd_init(&st, tmpdir, 3, false) != 0)
		return -1;
	atomic_store(&st.state, 5);
	return 0;
}

static int
teardown_statd(void **state)
{
	statd_destroy(&st);
	return teardown_tmp(state);
}

static void
req_local(struct req *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->ctx = &st;
	rq->kind = RPC_XPRT_LOCAL;
}

static void
req_from(struct req *rq, const char *peer, const char *local)
{
	memset(rq, 0, sizeof(*rq));
	rq->ctx = &st;
	rq->kind = RPC_XPRT_UDP;
	rq->peer = sa(peer);
	rq->local = sa(local);
	rq->locallen = rq->local.ss_family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static sm_mon
mon(const char *name, const char *my, int prog, int vers, int proc)
{
	sm_mon m;

	memset(&m, 0, sizeof(m));
	m.mon_id.mon_name = (char *)(uintptr_t)name;
	m.mon_id.my_id.my_name = (char *)(uintptr_t)my;
	m.mon_id.my_id.my_prog = prog;
	m.mon_id.my_id.my_vers = vers;
	m.mon_id.my_id.my_proc = proc;
	memset(m.priv, 0xab, sizeof(m.priv));
	return m;
}

static void
test_handlers_policy(void **state)
{
	struct req rq;
	sm_stat_res res;
	sm_stat sres;
	sm_mon m;
	sm_name n;
	sm_mon_id mid;
	sm_my_id id;
	char lng[STATD_NAME_MAX + 2];
	int dummy = 0;

	(void)state;
	/* SM_STAT: our state, whether the name would do */
	req_from(&rq, "192.0.2.2", "192.0.2.1");
	n.mon_name = (char *)(uintptr_t)"host.example";
	assert_int_equal(statd_proc_stat(&rq, &n, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_succ);
	assert_int_equal(res.state, 5);
	n.mon_name = (char *)(uintptr_t)"../etc/passwd";
	assert_int_equal(statd_proc_stat(&rq, &n, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_fail);
	assert_int_equal(res.state, 5);

	/* SM_MON: a local caller with a lock manager's callback */
	req_local(&rq);
	m = mon("192.0.2.2", "127.0.0.1", 100021, 4, 16);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_succ);
	assert_int_equal(res.state, 5);
	assert_int_equal(statd_db_count(&st.db), 1);
	/* loopback to loopback is local too, IPv4 and IPv6 */
	req_from(&rq, "127.0.0.1", "127.0.0.1");
	m = mon("192.0.2.3", "127.0.0.1", 100021, 4, 16);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_succ);
	req_from(&rq, "::1", "::1");
	m = mon("192.0.2.3", "127.0.0.1", 100021, 4, 16);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_succ);
	assert_int_equal(statd_db_count(&st.db), 2);

	/* remote callers change nothing; SM_MON says stat_fail, state -1 */
	req_from(&rq, "192.0.2.2", "192.0.2.1");
	m = mon("192.0.2.9", "127.0.0.1", 100021, 4, 16);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_fail);
	assert_int_equal(res.state, -1);
	/* a spoofed loopback source reaching a non-loopback address */
	req_from(&rq, "127.0.0.1", "192.0.2.1");
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_fail);
	req_from(&rq, "192.0.2.2", "192.0.2.1");
	mid.mon_name = (char *)(uintptr_t)"192.0.2.2";
	mid.my_id = m.mon_id.my_id;
	assert_int_equal(statd_proc_unmon(&rq, &mid, &sres), DISP_REPLY);
	assert_int_equal(sres.state, 5);
	id = m.mon_id.my_id;
	assert_int_equal(statd_proc_unmon_all(&rq, &id, &sres), DISP_REPLY);
	assert_int_equal(statd_proc_simu_crash(&rq, &dummy, &dummy),
	    DISP_REPLY);
	assert_int_equal(atomic_load(&st.state), 5);
	assert_int_equal(statd_db_count(&st.db), 2);

	/* local, but a bad name, a bad callback, or over max-monitors */
	req_local(&rq);
	m = mon("a/b", "127.0.0.1", 100021, 4, 16);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_fail);
	assert_int_equal(res.state, -1);
	m = mon("192.0.2.4", "bad name", 100021, 4, 16);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_fail);
	memset(lng, 'a', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	m = mon(lng, "127.0.0.1", 100021, 4, 16);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_fail);
	m = mon("192.0.2.4", "127.0.0.1", 100000, 2, 1);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_fail);
	m = mon("192.0.2.4", "127.0.0.1", 100021, 4, 15);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_fail);
	assert_int_equal(statd_db_count(&st.db), 2);
	m = mon("192.0.2.4", "127.0.0.1", 100021, 4, 24);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_succ);
	m = mon("192.0.2.5", "127.0.0.1", 100021, 4, 16);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_fail);	/* max 3 */
	assert_int_equal(statd_db_count(&st.db), 3);

	/* SM_UNMON / SM_UNMON_ALL from the local caller */
	mid.mon_name = (char *)(uintptr_t)"192.0.2.4";
	mid.my_id = m.mon_id.my_id;
	mid.my_id.my_proc = 24;
	assert_int_equal(statd_proc_unmon(&rq, &mid, &sres), DISP_REPLY);
	assert_int_equal(sres.state, 5);
	assert_int_equal(statd_db_count(&st.db), 2);
	id = m.mon_id.my_id;
	assert_int_equal(statd_proc_unmon_all(&rq, &id, &sres), DISP_REPLY);
	assert_int_equal(statd_db_count(&st.db), 0);

	/* SM_SIMU_CRASH: nothing monitored, nothing changes; else a new
	 * odd state and an empty table */
	assert_int_equal(statd_proc_simu_crash(&rq, &dummy, &dummy),
	    DISP_REPLY);
	assert_int_equal(atomic_load(&st.state), 5);
	m = mon("192.0.2.2", "127.0.0.1", 100021, 4, 16);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(statd_proc_simu_crash(&rq, &dummy, &dummy),
	    DISP_REPLY);
	assert_int_equal(atomic_load(&st.state), 7);
	assert_int_equal(statd_db_count(&st.db), 0);
}

static void
test_handler_notify(void **state)
{
	struct statd_reg *out = NULL;
	struct sockaddr_storage from = sa("192.0.2.2");
	struct req rq;
	sm_stat_res res;
	sm_stat_chge c;
	sm_mon m;
	int dummy = 0;

	(void)state;
	req_local(&rq);
	m = mon("192.0.2.2", "127.0.0.1", 100021, 4, 16);
	assert_int_equal(statd_proc_mon(&rq, &m, &res), DISP_REPLY);
	assert_int_equal(res.res_stat, stat_succ);
	/* SM_NOTIFY from anybody is taken (and names anything) */
	req_from(&rq, "192.0.2.2", "192.0.2.1");
	c.mon_name = (char *)(uintptr_t)"peer\n\x01/..";
	c.state = 9;
	assert_int_equal(statd_proc_notify(&rq, &c, &dummy), DISP_REPLY);
	/* it was passed on: the same state again matches nothing new */
	assert_int_equal(statd_db_match(&st.db, (struct sockaddr *)&from,
	    NULL, 9, &out, NULL), 0);
	assert_int_equal(statd_db_match(&st.db, (struct sockaddr *)&from,
	    NULL, 11, &out, NULL), 1);
	free(out);
	/* from a host nobody monitors: ignored */
	req_from(&rq, "192.0.2.77", "192.0.2.1");
	assert_int_equal(statd_proc_notify(&rq, &c, &dummy), DISP_REPLY);
	assert_int_equal(statd_db_count(&st.db), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_next),
		cmocka_unit_test_setup_teardown(test_state_file, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test(test_name_invalid),
		cmocka_unit_test(test_name_numeric),
		cmocka_unit_test(test_name_key_safe),
		cmocka_unit_test(test_callback_allowed),
		cmocka_unit_test(test_rec_format),
		cmocka_unit_test(test_rec_round_trip),
		cmocka_unit_test(test_rec_malformed),
		cmocka_unit_test(test_db_add_dedupe_max),
		cmocka_unit_test(test_db_save_failure),
		cmocka_unit_test(test_db_del),
		cmocka_unit_test(test_db_match),
		cmocka_unit_test(test_db_retire_unresolved),
		cmocka_unit_test_setup_teardown(test_dir_prepare, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(test_dir_prepare_owner,
		    setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_dir_files, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test(test_procs),
		cmocka_unit_test_setup_teardown(test_handlers_policy,
		    setup_statd, teardown_statd),
		cmocka_unit_test_setup_teardown(test_handler_notify,
		    setup_statd, teardown_statd),
	};

	log_init(1, "test_statd");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
