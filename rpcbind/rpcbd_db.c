/*
 * rpcbd_db.c: the registration list, address merging, the warm-start state
 * file and the GETSTAT counters.
 *
 * State file format (state-dir/rpcbind.state), written atomically after
 * every change and at exit, read at start when warm start is on:
 *
 *	nfs-suite-rpcbind-state 2
 *	# comments and blank lines are ignored
 *	<prog> <vers> <netid> <uaddr> <owner> <pid> <start>
 *
 * One registration per line, fields separated by one or more blanks.
 * prog and vers are decimal (0 to 4294967295, no sign, no leading zeros
 * beyond "0"). netid, uaddr and owner are non-empty tokens in which every
 * byte outside '!'..'~' and the byte '%' itself are written as %XX (two
 * upper-case hex digits), so an AF_LOCAL path with a blank survives. pid
 * (0 to 4194304) and start (0 to 18446744073709551615, the same decimal
 * rules) name the process that made the registration, 0 0 when none is
 * known: at a warm start a registration is kept only while that process
 * lives or its port still answers (rpcbd_live.c). The first line must be
 * the header above; a line longer than 1024 bytes, a missing or extra
 * field, a bad escape or a field over its limit rejects the whole file
 * (the daemon then starts empty and says which line).
 *
 * Version 1 (header "nfs-suite-rpcbind-state 1", written before owner
 * processes were kept) is still read: its lines have the first five
 * fields only, and its registrations have no owner process.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/util.h"
#include "rpcbind/rpcbd_db.h"

#define STATE_MAGIC_V1	"nfs-suite-rpcbind-state 1"
#define STATE_MAGIC	"nfs-suite-rpcbind-state 2"
#define STATE_LINE_MAX	1024
#define STATE_PID_MAX	4194304		/* PID_MAX_LIMIT */

struct node {
	struct rpcbd_ent	 e;
	struct node		*next;
};

struct rpcbd_db {
	pthread_mutex_t		 lock;
	struct node		*head;
	struct node		*tail;
	size_t			 count;
	struct rpcbd_stat_vers	 st[RPCBD_NSV];
};

struct rpcbd_db *
rpcbd_db_new(void)
{
	struct rpcbd_db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	if (pthread_mutex_init(&db->lock, NULL) != 0) {
		free(db);
		return NULL;
	}
	return db;
}

void
rpcbd_db_free(struct rpcbd_db *db)
{
	struct node *n, *next;

	if (db == NULL)
		return;
	for (n = db->head; n != NULL; n = next) {
		next = n->next;
		free(n);
	}
	pthread_mutex_destroy(&db->lock);
	free(db);
}

/* A token: non-empty, fits, no blanks or control characters. */
static int
token_ok(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	if ((n = strnlen(s, max)) >= max)
		return -ENAMETOOLONG;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s == 0x7f)
			return -EINVAL;
	return 0;
}

int
rpcbd_ent_make(struct rpcbd_ent *e, uint32_t prog, uint32_t vers,
    const char *netid, const char *uaddr, const char *owner)
{
	int rc;

	memset(e, 0, sizeof(*e));
	if ((rc = token_ok(netid, sizeof(e->netid))) != 0 ||
	    (rc = token_ok(owner, sizeof(e->owner))) != 0)
		return rc;
	/* An AF_LOCAL path may hold blanks; only control bytes are out. */
	if (uaddr == NULL || *uaddr == '\0')
		return -EINVAL;
	if (strnlen(uaddr, sizeof(e->uaddr)) >= sizeof(e->uaddr))
		return -ENAMETOOLONG;
	for (const char *p = uaddr; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || (unsigned char)*p == 0x7f)
			return -EINVAL;
	e->prog = prog;
	e->vers = vers;
	str_copy(e->netid, netid, sizeof(e->netid));
	str_copy(e->uaddr, uaddr, sizeof(e->uaddr));
	str_copy(e->owner, owner, sizeof(e->owner));
	return 0;
}

/* The address family a netid carries, AF_UNSPEC if we don't know it. */
static int
netid_family(const char *netid)
{
	if (strcmp(netid, "udp") == 0 || strcmp(netid, "tcp") == 0)
		return AF_INET;
	if (strcmp(netid, "udp6") == 0 || strcmp(netid, "tcp6") == 0)
		return AF_INET6;
	if (strcmp(netid, "local") == 0 || strcmp(netid, "unix") == 0 ||
	    strcmp(netid, "ticots") == 0 || strcmp(netid, "ticotsord") == 0 ||
	    strcmp(netid, "ticlts") == 0)
		return AF_LOCAL;
	return AF_UNSPEC;
}

int
rpcbd_uaddr_check(const char *netid, const char *uaddr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fam;

	if (netid == NULL || uaddr == NULL || *uaddr == '\0')
		return -EINVAL;
	switch ((fam = netid_family(netid))) {
	case AF_INET:
	case AF_INET6:
		return addr_from_uaddr(uaddr, fam, &ss, &len) == 0 ? 0 :
		    -EINVAL;
	case AF_LOCAL:
		return uaddr[0] == '/' &&
		    strlen(uaddr) < sizeof(((struct sockaddr_un *)0)->sun_path) ?
		    0 : -EINVAL;
	default:
		for (; *uaddr != '\0'; uaddr++)
			if ((unsigned char)*uaddr < ' ' ||
			    (unsigned char)*uaddr == 0x7f)
				return -EINVAL;
		return 0;
	}
}

bool
rpcbd_uaddr_privileged(const char *netid, const char *uaddr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fam, port;

	fam = netid_family(netid);
	if (fam != AF_INET && fam != AF_INET6)
		return false;
	if (addr_from_uaddr(uaddr, fam, &ss, &len) != 0)
		return false;
	port = addr_port((struct sockaddr *)&ss);
	return port > 0 && port < 1024;
}

static struct node *
lookup(struct rpcbd_db *db, uint32_t prog, uint32_t vers, const char *netid)
{
	struct node *n;

	for (n = db->head; n != NULL; n = n->next)
		if (n->e.prog == prog && n->e.vers == vers &&
		    strcasecmp(n->e.netid, netid) == 0)
			return n;
	return NULL;
}

int
rpcbd_db_set(struct rpcbd_db *db, const struct rpcbd_ent *e)
{
	struct node *n;
	int rc = 0;

	if (token_ok(e->netid, sizeof(e->netid)) != 0 ||
	    token_ok(e->owner, sizeof(e->owner)) != 0 ||
	    e->uaddr[0] == '\0' ||
	    strnlen(e->uaddr, sizeof(e->uaddr)) >= sizeof(e->uaddr))
		return -EINVAL;
	pthread_mutex_lock(&db->lock);
	if (lookup(db, e->prog, e->vers, e->netid) != NULL) {
		rc = -EEXIST;
		goto out;
	}
	if (db->count >= RPCBD_DB_MAX) {
		rc = -ENOSPC;
		goto out;
	}
	if (strcmp(e->owner, RPCBD_SUPERUSER) != 0) {
		struct node *o;
		unsigned mine = 0, others = 0;

		for (o = db->head; o != NULL; o = o->next) {
			if (strcmp(o->e.owner, e->owner) == 0)
				mine++;
			if (strcmp(o->e.owner, RPCBD_SUPERUSER) != 0)
				others++;
		}
		if (mine >= RPCBD_OWNER_QUOTA ||
		    others >= RPCBD_DB_MAX - RPCBD_ROOT_RESERVE) {
			rc = -EDQUOT;
			goto out;
		}
	}
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	n->e = *e;
	/* Appended, so DUMP lists in registration order like rpcbind. */
	if (db->tail == NULL)
		db->head = n;
	else
		db->tail->next = n;
	db->tail = n;
	db->count++;
out:
	pthread_mutex_unlock(&db->lock);
	return rc;
}

static bool
unset_match(const struct rpcbd_ent *e, uint32_t prog, uint32_t vers,
    const char *netid)
{
	return e->prog == prog && e->vers == vers &&
	    (netid == NULL || *netid == '\0' ||
	    strcasecmp(e->netid, netid) == 0);
}

int
rpcbd_db_unset(struct rpcbd_db *db, uint32_t prog, uint32_t vers,
    const char *netid, const char *owner, bool caller_priv)
{
	struct node **pp, *n;
	bool super;
	int removed = 0;

	super = owner != NULL && strcmp(owner, RPCBD_SUPERUSER) == 0;
	pthread_mutex_lock(&db->lock);
	/* First pass: may the caller remove every match? */
	for (n = db->head; n != NULL; n = n->next) {
		if (!unset_match(&n->e, prog, vers, netid))
			continue;
		if (super)
			continue;
		if (owner == NULL || strcmp(n->e.owner, owner) != 0 ||
		    (!caller_priv &&
		    rpcbd_uaddr_privileged(n->e.netid, n->e.uaddr))) {
			removed = -EPERM;
			goto out;
		}
	}
	pp = &db->head;
	db->tail = NULL;
	while ((n = *pp) != NULL) {
		if (unset_match(&n->e, prog, vers, netid)) {
			*pp = n->next;
			free(n);
			db->count--;
			removed++;
			continue;
		}
		db->tail = n;
		pp = &n->next;
	}
out:
	pthread_mutex_unlock(&db->lock);
	return removed;
}

int
rpcbd_db_find(struct rpcbd_db *db, uint32_t prog, uint32_t vers,
    const char *netid, struct rpcbd_ent *out)
{
	const struct node *n, *hit = NULL;

	pthread_mutex_lock(&db->lock);
	for (n = db->head; n != NULL; n = n->next) {
		if (n->e.prog != prog || strcasecmp(n->e.netid, netid) != 0)
			continue;
		hit = n;
		if (n->e.vers == vers)
			break;
	}
	if (hit != NULL)
		*out = hit->e;
	pthread_mutex_unlock(&db->lock);
	return hit != NULL ? 0 : -ENOENT;
}

/* The same registration, as the liveness checks saw it? */
static bool
same_reg(const struct rpcbd_ent *a, const struct rpcbd_ent *b)
{
	return a->prog == b->prog && a->vers == b->vers &&
	    strcasecmp(a->netid, b->netid) == 0 &&
	    strcmp(a->uaddr, b->uaddr) == 0 && a->pid == b->pid &&
	    a->start == b->start;
}

int
rpcbd_db_remove(struct rpcbd_db *db, const struct rpcbd_ent *e)
{
	struct node **pp, *n;
	int removed = 0;

	pthread_mutex_lock(&db->lock);
	db->tail = NULL;
	for (pp = &db->head; (n = *pp) != NULL; ) {
		if (removed == 0 && same_reg(&n->e, e)) {
			*pp = n->next;
			free(n);
			db->count--;
			removed = 1;
			continue;
		}
		db->tail = n;
		pp = &n->next;
	}
	pthread_mutex_unlock(&db->lock);
	return removed;
}

int
rpcbd_db_disown(struct rpcbd_db *db, const struct rpcbd_ent *e, uint64_t now)
{
	struct node *n;
	int found = 0;

	pthread_mutex_lock(&db->lock);
	for (n = db->head; n != NULL; n = n->next)
		if (same_reg(&n->e, e)) {
			n->e.pid = 0;
			n->e.start = 0;
			n->e.checked = now;
			found = 1;
			break;
		}
	pthread_mutex_unlock(&db->lock);
	return found;
}

bool
rpcbd_db_claim_check(struct rpcbd_db *db, const struct rpcbd_ent *e,
    uint64_t now, uint64_t min_age)
{
	struct node *n;
	bool due = false;

	pthread_mutex_lock(&db->lock);
	for (n = db->head; n != NULL; n = n->next)
		if (same_reg(&n->e, e)) {
			if (now < n->e.checked ||
			    now - n->e.checked >= min_age) {
				n->e.checked = now;
				due = true;
			}
			break;
		}
	pthread_mutex_unlock(&db->lock);
	return due;
}

int
rpcbd_db_walk(struct rpcbd_db *db,
    int (*fn)(const struct rpcbd_ent *, void *), void *arg)
{
	const struct node *n;
	int rc = 0;

	pthread_mutex_lock(&db->lock);
	for (n = db->head; n != NULL && rc == 0; n = n->next)
		rc = fn(&n->e, arg);
	pthread_mutex_unlock(&db->lock);
	return rc;
}

size_t
rpcbd_db_count(struct rpcbd_db *db)
{
	size_t n;

	pthread_mutex_lock(&db->lock);
	n = db->count;
	pthread_mutex_unlock(&db->lock);
	return n;
}

int
rpcbd_merge_addr(const char *uaddr, const struct sockaddr *local, char *out,
    size_t outlen)
{
	struct sockaddr_storage reg, ans;
	socklen_t len;
	int port;

	if (addr_from_uaddr(uaddr, AF_UNSPEC, &reg, &len) != 0 ||
	    (reg.ss_family != AF_INET && reg.ss_family != AF_INET6) ||
	    !addr_is_any((struct sockaddr *)&reg) || local == NULL) {
		/* Not a wildcard (or not inet): as registered. */
		if (str_copy(out, uaddr, outlen) >= outlen)
			return -ENOSPC;
		return 0;
	}
	port = addr_port((struct sockaddr *)&reg);
	memset(&ans, 0, sizeof(ans));
	if (local->sa_family == reg.ss_family) {
		memcpy(&ans, local, addr_len(local));
	} else if (reg.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ans;

		/* AF_LOCAL request, or a v4 service asked about over v6. */
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ans;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
	}
	addr_set_port((struct sockaddr *)&ans, port);
	return addr_to_uaddr((struct sockaddr *)&ans, out, outlen);
}

/* ---------------------------------------------------------- state file */

struct sbuf {
	char	*buf;
	size_t	 len, cap;
	int	 err;
};

static void
sb_putc(struct sbuf *sb, char c)
{
	char *nb;

	if (sb->err != 0)
		return;
	if (sb->len + 2 > sb->cap) {
		size_t ncap = sb->cap == 0 ? 1024 : sb->cap * 2;

		if ((nb = realloc(sb->buf, ncap)) == NULL) {
			sb->err = -ENOMEM;
			return;
		}
		sb->buf = nb;
		sb->cap = ncap;
	}
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

static void
sb_puts(struct sbuf *sb, const char *s)
{
	for (; *s != '\0'; s++)
		sb_putc(sb, *s);
}

static void
sb_escaped(struct sbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c > ' ' && c < 0x7f && c != '%') {
			sb_putc(sb, (char)c);
			continue;
		}
		sb_putc(sb, '%');
		sb_putc(sb, hex[c >> 4]);
		sb_putc(sb, hex[c & 0xf]);
	}
}

struct ser_arg {
	struct sbuf	*sb;
	uint32_t	 skip_prog;
};

static int
ser_one(const struct rpcbd_ent *e, void *arg)
{
	struct ser_arg *sa = arg;
	char num[48];

	if (e->prog == sa->skip_prog)
		return 0;
	snprintf(num, sizeof(num), "%lu %lu ", (unsigned long)e->prog,
	    (unsigned long)e->vers);
	sb_puts(sa->sb, num);
	sb_escaped(sa->sb, e->netid);
	sb_putc(sa->sb, ' ');
	sb_escaped(sa->sb, e->uaddr);
	sb_putc(sa->sb, ' ');
	sb_escaped(sa->sb, e->owner);
	snprintf(num, sizeof(num), " %ld %llu\n", e->pid > 0 ? (long)e->pid :
	    0L, e->pid > 0 ? (unsigned long long)e->start : 0ULL);
	sb_puts(sa->sb, num);
	return sa->sb->err;
}

int
rpcbd_state_serialize(struct rpcbd_db *db, uint32_t skip_prog, char **bufp,
    size_t *lenp)
{
	struct sbuf sb = { NULL, 0, 0, 0 };
	struct ser_arg sa = { &sb, skip_prog };

	*bufp = NULL;
	*lenp = 0;
	sb_puts(&sb, STATE_MAGIC "\n");
	sb_puts(&sb, "# prog vers netid uaddr owner pid start; written by "
	    "rpcbind\n");
	(void)rpcbd_db_walk(db, ser_one, &sa);
	if (sb.err != 0) {
		free(sb.buf);
		return sb.err;
	}
	*bufp = sb.buf;
	*lenp = sb.len;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode one escaped token [s, s+n) into out (size max). */
static int
unescape(const char *s, size_t n, char *out, size_t max)
{
	size_t i, o = 0;
	int h, l;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			if (i + 2 >= n)
				return -EINVAL;
			if ((h = hexval(s[i + 1])) < 0 ||
			    (l = hexval(s[i + 2])) < 0)
				return -EINVAL;
			c = (unsigned char)(h << 4 | l);
			if (c == '\0')
				return -EINVAL;
			i += 2;
		} else if (c <= ' ' || c == 0x7f)
			return -EINVAL;
		if (o + 1 >= max)
			return -ENAMETOOLONG;
		out[o++] = (char)c;
	}
	if (o == 0)
		return -EINVAL;
	out[o] = '\0';
	return 0;
}

/* Decimal, no sign, no leading zeros beyond "0", at most max. */
static int
parse_dec(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (x > (max - d) / 10)
			return -EINVAL;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

static int
parse_u32(const char *s, size_t n, uint32_t *v)
{
	uint64_t x;

	if (parse_dec(s, n, UINT32_MAX, &x) != 0)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

/* Parse one registration line (NUL-free, no newline) of a file of format
 * version vers into e. */
static int
parse_line(const char *line, size_t len, unsigned lineno, unsigned vers,
    struct rpcbd_ent *e, struct parse_err *err)
{
	const char *f[7];
	size_t fl[7];
	unsigned nf = 0, want = vers == 1 ? 5 : 7;
	size_t i = 0;
	uint64_t x;
	int rc;

	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i >= len)
			break;
		if (nf == want)
			return parse_err_set(err, lineno, (unsigned)i + 1,
			    "extra field");
		f[nf] = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		fl[nf] = (size_t)(line + i - f[nf]);
		nf++;
	}
	if (nf != want)
		return parse_err_set(err, lineno, 1,
		    "expected %u fields (prog vers netid uaddr owner%s), "
		    "got %u", want, vers == 1 ? "" : " pid start", nf);
	memset(e, 0, sizeof(*e));
	if (parse_u32(f[0], fl[0], &e->prog) != 0)
		return parse_err_set(err, lineno,
		    (unsigned)(f[0] - line) + 1, "bad program number");
	if (parse_u32(f[1], fl[1], &e->vers) != 0)
		return parse_err_set(err, lineno,
		    (unsigned)(f[1] - line) + 1, "bad version number");
	if ((rc = unescape(f[2], fl[2], e->netid, sizeof(e->netid))) != 0 ||
	    token_ok(e->netid, sizeof(e->netid)) != 0)
		return parse_err_set(err, lineno,
		    (unsigned)(f[2] - line) + 1, "bad netid");
	if ((rc = unescape(f[3], fl[3], e->uaddr, sizeof(e->uaddr))) != 0 ||
	    rpcbd_uaddr_check(e->netid, e->uaddr) != 0)
		return parse_err_set(err, lineno,
		    (unsigned)(f[3] - line) + 1, "bad address");
	if ((rc = unescape(f[4], fl[4], e->owner, sizeof(e->owner))) != 0 ||
	    token_ok(e->owner, sizeof(e->owner)) != 0)
		return parse_err_set(err, lineno,
		    (unsigned)(f[4] - line) + 1, "bad owner");
	if (vers == 1)
		return 0;
	if (parse_dec(f[5], fl[5], STATE_PID_MAX, &x) != 0)
		return parse_err_set(err, lineno,
		    (unsigned)(f[5] - line) + 1, "bad pid");
	e->pid = (pid_t)x;
	if (parse_dec(f[6], fl[6], UINT64_MAX, &e->start) != 0)
		return parse_err_set(err, lineno,
		    (unsigned)(f[6] - line) + 1, "bad start time");
	if (e->pid == 0)
		e->start = 0;
	return 0;
}

int
rpcbd_state_parse(struct rpcbd_db *db, const char *text, uint32_t skip_prog,
    unsigned *skipped, struct parse_err *err)
{
	struct rpcbd_ent *ents = NULL, *ne;
	size_t n = 0, cap = 0, i;
	const char *p, *nl;
	unsigned lineno = 0, vers = 0;
	int rc = 0, added = 0;

	if (skipped != NULL)
		*skipped = 0;
	for (p = text; *p != '\0'; p = nl + (*nl == '\n')) {
		size_t len;

		lineno++;
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > STATE_LINE_MAX) {
			rc = parse_err_set(err, lineno, STATE_LINE_MAX + 1,
			    "line too long");
			goto out;
		}
		if (lineno == 1) {
			if (len == strlen(STATE_MAGIC) &&
			    memcmp(p, STATE_MAGIC, len) == 0)
				vers = 2;
			else if (len == strlen(STATE_MAGIC_V1) &&
			    memcmp(p, STATE_MAGIC_V1, len) == 0)
				vers = 1;
			else {
				rc = parse_err_set(err, 1, 1,
				    "not an rpcbind state file (want \"%s\")",
				    STATE_MAGIC);
				goto out;
			}
			continue;
		}
		i = 0;
		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == len || p[i] == '#')
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if (cap > RPCBD_DB_MAX + 16) {
				rc = parse_err_set(err, lineno, 1,
				    "too many registrations");
				goto out;
			}
			if ((ne = reallocarray(ents, cap, sizeof(*ents))) ==
			    NULL) {
				rc = -ENOMEM;
				goto out;
			}
			ents = ne;
		}
		if ((rc = parse_line(p, len, lineno, vers, &ents[n],
		    err)) != 0)
			goto out;
		n++;
	}
	if (lineno == 0) {
		rc = parse_err_set(err, 1, 1, "empty state file");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (ents[i].prog == skip_prog)
			continue;
		if (rpcbd_db_set(db, &ents[i]) == 0)
			added++;
		else if (skipped != NULL)
			(*skipped)++;
	}
	rc = added;
out:
	free(ents);
	return rc;
}

/* ---------------------------------------------------------- statistics */

static bool
sv_ok(int sv)
{
	return sv >= 0 && sv < RPCBD_NSV;
}

void
rpcbd_stat_proc(struct rpcbd_db *db, int sv, uint32_t proc)
{
	if (!sv_ok(sv) || proc >= RPCBD_NPROC)
		return;
	pthread_mutex_lock(&db->lock);
	db->st[sv].info[proc]++;
	pthread_mutex_unlock(&db->lock);
}

void
rpcbd_stat_set(struct rpcbd_db *db, int sv, bool ok)
{
	if (!sv_ok(sv) || !ok)
		return;
	pthread_mutex_lock(&db->lock);
	db->st[sv].setinfo++;
	pthread_mutex_unlock(&db->lock);
}

void
rpcbd_stat_unset(struct rpcbd_db *db, int sv, bool ok)
{
	if (!sv_ok(sv) || !ok)
		return;
	pthread_mutex_lock(&db->lock);
	db->st[sv].unsetinfo++;
	pthread_mutex_unlock(&db->lock);
}

void
rpcbd_stat_getaddr(struct rpcbd_db *db, int sv, uint32_t prog, uint32_t vers,
    const char *netid, bool ok)
{
	struct rpcbd_stat_vers *s;
	struct rpcbd_stat_addr *a = NULL;
	unsigned i;

	if (!sv_ok(sv) || netid == NULL)
		return;
	pthread_mutex_lock(&db->lock);
	s = &db->st[sv];
	for (i = 0; i < s->naddr; i++)
		if (s->addr[i].prog == prog && s->addr[i].vers == vers &&
		    strcmp(s->addr[i].netid, netid) == 0) {
			a = &s->addr[i];
			break;
		}
	if (a == NULL && s->naddr < RPCBD_STAT_MAX) {
		/* Bounded: past the limit new rows are not counted. */
		a = &s->addr[s->naddr++];
		a->prog = prog;
		a->vers = vers;
		str_copy(a->netid, netid, sizeof(a->netid));
	}
	if (a != NULL) {
		if (ok)
			a->success++;
		else
			a->failure++;
	}
	pthread_mutex_unlock(&db->lock);
}

void
rpcbd_stat_rmtcall(struct rpcbd_db *db, int sv, uint32_t prog, uint32_t vers,
    uint32_t proc, const char *netid, bool ok, bool indirect)
{
	struct rpcbd_stat_vers *s;
	struct rpcbd_stat_rmt *r = NULL;
	unsigned i;

	if (!sv_ok(sv) || netid == NULL)
		return;
	pthread_mutex_lock(&db->lock);
	s = &db->st[sv];
	for (i = 0; i < s->nrmt; i++)
		if (s->rmt[i].prog == prog && s->rmt[i].vers == vers &&
		    s->rmt[i].proc == proc &&
		    strcmp(s->rmt[i].netid, netid) == 0) {
			r = &s->rmt[i];
			break;
		}
	if (r == NULL && s->nrmt < RPCBD_STAT_MAX) {
		r = &s->rmt[s->nrmt++];
		r->prog = prog;
		r->vers = vers;
		r->proc = proc;
		str_copy(r->netid, netid, sizeof(r->netid));
	}
	if (r != NULL) {
		if (ok)
			r->success++;
		else
			r->failure++;
		if (indirect)
			r->indirect++;
	}
	pthread_mutex_unlock(&db->lock);
}

void
rpcbd_stat_get(struct rpcbd_db *db, struct rpcbd_stat_vers out[RPCBD_NSV])
{
	pthread_mutex_lock(&db->lock);
	memcpy(out, db->st, sizeof(db->st));
	pthread_mutex_unlock(&db->lock);
}
