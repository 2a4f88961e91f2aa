/*
 * exports_opts.c: the option list of an exports(5) entry, "rw,sync,...",
 * to struct exp_opts and back (the `exportfs -v` format).
 *
 * sec= follows nfs-utils: flavours are kept in the order written, and the
 * options that may differ per flavour (ro/rw, secure/insecure,
 * root_squash, all_squash) written after a sec= apply to the flavours of
 * that sec= (and to the entry as a whole); a flavour first named later
 * starts from the entry's flags as they are at that point. One difference:
 * an entry that inherits a sec= list from a "-opts" default applies its
 * own flags to the inherited flavours until it names sec= itself
 * (nfs-utils leaves them with the defaults' flags).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/exports.h"
#include "common/exports_int.h"
#include "common/util.h"

#define OPT_MAX		4096	/* longest option (mountpoint=PATH) */

/* Options that only set or clear flag bits. */
static const struct {
	const char	*name;
	uint32_t	set, clear;
} flag_opts[] = {
	{ "ro",			EXP_F_RO,		0 },
	{ "rw",			0,			EXP_F_RO },
	{ "async",		EXP_F_ASYNC,		0 },
	{ "sync",		0,			EXP_F_ASYNC },
	{ "root_squash",	EXP_F_ROOT_SQUASH,	0 },
	{ "no_root_squash",	0,			EXP_F_ROOT_SQUASH },
	{ "all_squash",		EXP_F_ALL_SQUASH,	0 },
	{ "no_all_squash",	0,			EXP_F_ALL_SQUASH },
	{ "insecure",		EXP_F_INSECURE,		0 },
	{ "secure",		0,			EXP_F_INSECURE },
	{ "subtree_check",	EXP_F_SUBTREE_CHECK,	0 },
	{ "no_subtree_check",	0,			EXP_F_SUBTREE_CHECK },
	{ "wdelay",		EXP_F_WDELAY,		0 },
	{ "no_wdelay",		0,			EXP_F_WDELAY },
	{ "nohide",		EXP_F_NOHIDE,		0 },
	{ "hide",		0,			EXP_F_NOHIDE },
	{ "crossmnt",		EXP_F_CROSSMNT,		0 },
	{ "nocrossmnt",		0,			EXP_F_CROSSMNT },
	{ "nordirplus",		EXP_F_NORDIRPLUS,	0 },
	{ "public",		EXP_F_PUBLIC,		0 },
	{ "insecure_locks",	EXP_F_INSECURE_LOCKS,	0 },
	{ "no_auth_nlm",	EXP_F_INSECURE_LOCKS,	0 },
	{ "secure_locks",	0,			EXP_F_INSECURE_LOCKS },
	{ "auth_nlm",		0,			EXP_F_INSECURE_LOCKS },
	{ "no_acl",		EXP_F_NO_ACL,		0 },
	{ "acl",		0,			EXP_F_NO_ACL },
	{ "pnfs",		EXP_F_PNFS,		0 },
	{ "no_pnfs",		0,			EXP_F_PNFS },
	{ "security_label",	EXP_F_SECURITY_LABEL,	0 },
};

static const struct {
	const char	*name;
	uint32_t	flavor;
} sec_names[] = {
	{ "sys",	EXP_SEC_SYS },
	{ "unix",	EXP_SEC_SYS },
	{ "none",	EXP_SEC_NONE },
	{ "null",	EXP_SEC_NONE },
	{ "krb5",	EXP_SEC_KRB5 },
	{ "krb5i",	EXP_SEC_KRB5I },
	{ "krb5p",	EXP_SEC_KRB5P },
	{ "dh",		EXP_SEC_DH },
};

/* Options nfs-utils knows that this server refuses, and why. */
static const struct {
	const char	*prefix;
	const char	*why;
} refused_opts[] = {
	{ "refer=",	"NFSv4 referrals are not supported" },
	{ "replicas=",	"NFSv4 replicas are not supported" },
	{ "reexport=",	"re-exporting NFS mounts is not supported" },
	{ "fsloc=",	"NFSv4 fs_locations are not supported" },
	{ "mapping=",	"uid mapping was removed from nfs-utils" },
	{ "squash_uids=", "squash_uids was removed from nfs-utils" },
	{ "squash_gids=", "squash_gids was removed from nfs-utils" },
};

void
exp_opts_init(struct exp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->flags = EXP_F_DEFAULT;
	o->anonuid = EXP_ANON_DEFAULT;
	o->anongid = EXP_ANON_DEFAULT;
}

int
exp_opts_copy(struct exp_opts *dst, const struct exp_opts *src)
{
	*dst = *src;
	if (src->mountpoint != NULL &&
	    (dst->mountpoint = strdup(src->mountpoint)) == NULL)
		return -ENOMEM;
	return 0;
}

void
exp_opts_clear(struct exp_opts *o)
{
	if (o == NULL)
		return;
	free(o->mountpoint);
	o->mountpoint = NULL;
}

void
exp_opts_finish(struct exp_opts *o)
{
	if (o->nsec == 0) {
		o->sec[0].flavor = EXP_SEC_SYS;
		o->sec[0].flags = o->flags & EXP_F_SECFLAGS;
		o->nsec = 1;
	}
	o->flags = (o->flags & ~EXP_F_SECFLAGS) |
	    (o->sec[0].flags & EXP_F_SECFLAGS);
}

const char *
exp_sec_name(uint32_t flavor)
{
	switch (flavor) {
	case EXP_SEC_NONE:
		return "none";
	case EXP_SEC_SYS:
		return "sys";
	case EXP_SEC_KRB5:
		return "krb5";
	case EXP_SEC_KRB5I:
		return "krb5i";
	case EXP_SEC_KRB5P:
		return "krb5p";
	case EXP_SEC_DH:
		return "dh";
	}
	return NULL;
}

int
exp_sec_flags(const struct exp_opts *o, uint32_t flavor, uint32_t *flagsp)
{
	unsigned i;

	for (i = 0; i < o->nsec; i++) {
		if (o->sec[i].flavor != flavor)
			continue;
		*flagsp = (o->flags & ~EXP_F_SECFLAGS) |
		    (o->sec[i].flags & EXP_F_SECFLAGS);
		return 0;
	}
	return -EPERM;
}

int
exp_squash(const struct exp_opts *o, uint32_t flavor, struct cred_squash *sq)
{
	uint32_t f;
	int rc;

	if ((rc = exp_sec_flags(o, flavor, &f)) != 0)
		return rc;
	sq->root_squash = (f & EXP_F_ROOT_SQUASH) != 0;
	sq->all_squash = (f & EXP_F_ALL_SQUASH) != 0;
	sq->anonuid = (uid_t)o->anonuid;
	sq->anongid = (gid_t)o->anongid;
	return 0;
}

/* Set and clear bits on the entry and on the active flavours. */
static void
apply_flags(struct exp_opts *o, uint32_t set, uint32_t clear, unsigned active)
{
	unsigned i;

	o->flags = (o->flags | set) & ~clear;
	for (i = 0; i < o->nsec; i++) {
		if ((active & (1u << i)) == 0)
			continue;
		o->sec[i].flags = (o->sec[i].flags | (set & EXP_F_SECFLAGS)) &
		    ~(clear & EXP_F_SECFLAGS);
	}
}

/* "a:b:c": append new flavours (copying the entry's flags), return the
 * bit set of those named through *activep. */
static int
parse_sec(struct exp_opts *o, const char *list, unsigned *activep,
    const char *file, unsigned line, unsigned col, struct exp_err *err)
{
	const char *p = list, *e;
	unsigned active = 0, i;
	size_t k, n;

	for (;;) {
		e = strchr(p, ':');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		for (k = 0; k < nitems(sec_names); k++)
			if (strlen(sec_names[k].name) == n &&
			    strncmp(sec_names[k].name, p, n) == 0)
				break;
		if (k == nitems(sec_names))
			return exp_errf(err, file, line,
			    col + (unsigned)(p - list) + 4,
			    "unknown security flavour \"%.*s\" (sys, krb5, "
			    "krb5i, krb5p, dh, none)", (int)n, p);
		for (i = 0; i < o->nsec; i++)
			if (o->sec[i].flavor == sec_names[k].flavor)
				break;
		if (i == o->nsec) {
			if (o->nsec == EXP_SEC_MAX)
				return exp_errf(err, file, line, col,
				    "too many security flavours");
			o->sec[i].flavor = sec_names[k].flavor;
			o->sec[i].flags = o->flags & EXP_F_SECFLAGS;
			o->nsec++;
		}
		active |= 1u << i;
		if (e == NULL)
			break;
		p = e + 1;
	}
	*activep = active;
	return 0;
}

/* A decimal id; nfs-utils' strtol() also takes negative values (old files
 * say anonuid=-2), kept as their 32-bit two's complement. -1 is no id. */
static int
parse_id(const char *s, uint32_t *idp)
{
	char *end;
	long long v;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < INT32_MIN || v > (long long)UINT32_MAX)
		return -EINVAL;
	if ((uint32_t)v == UINT32_MAX)
		return -EINVAL;
	*idp = (uint32_t)v;
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* fsid=N | root | UUID. Numbers as strtoul(,, 0) in nfs-utils (0x.. ok). */
static int
parse_fsid(struct exp_opts *o, const char *s)
{
	unsigned long long v;
	char *end;
	size_t nd = 0;
	const char *p;
	int h;

	if (strcmp(s, "root") == 0) {
		o->fsid_type = EXP_FSID_NUM;
		o->fsid = 0;
		return 0;
	}
	if (isdigit((unsigned char)*s)) {
		errno = 0;
		v = strtoull(s, &end, 0);
		if (*end == '\0' && errno == 0 && v <= UINT32_MAX) {
			o->fsid_type = EXP_FSID_NUM;
			o->fsid = (uint32_t)v;
			return 0;
		}
	}
	if (strlen(s) >= sizeof(o->uuid_text))
		return -EINVAL;
	memset(o->uuid, 0, sizeof(o->uuid));
	for (p = s; *p != '\0'; p++) {
		if (*p == '-' && p != s && p[1] != '\0')
			continue;
		if ((h = hexval((unsigned char)*p)) < 0 || nd == 32)
			return -EINVAL;
		o->uuid[nd / 2] |= (uint8_t)(nd % 2 == 0 ? h << 4 : h);
		nd++;
	}
	if (nd != 32)
		return -EINVAL;
	o->fsid_type = EXP_FSID_UUID;
	str_copy(o->uuid_text, s, sizeof(o->uuid_text));
	return 0;
}

static int
parse_one(struct exp_opts *o, const char *opt, unsigned *activep,
    const char *file, unsigned line, unsigned col, struct exp_err *err)
{
	const char *val;
	size_t k;
	char *mp;

	for (k = 0; k < nitems(flag_opts); k++) {
		if (strcmp(opt, flag_opts[k].name) == 0) {
			apply_flags(o, flag_opts[k].set, flag_opts[k].clear,
			    *activep);
			return 0;
		}
	}
	if (strncmp(opt, "anonuid=", 8) == 0) {
		if (parse_id(opt + 8, &o->anonuid) != 0)
			return exp_errf(err, file, line, col,
			    "bad anonuid \"%s\"", opt + 8);
		return 0;
	}
	if (strncmp(opt, "anongid=", 8) == 0) {
		if (parse_id(opt + 8, &o->anongid) != 0)
			return exp_errf(err, file, line, col,
			    "bad anongid \"%s\"", opt + 8);
		return 0;
	}
	if (strncmp(opt, "fsid=", 5) == 0) {
		if (parse_fsid(o, opt + 5) != 0)
			return exp_errf(err, file, line, col,
			    "bad fsid \"%s\" (a number, root, or a UUID of 32 "
			    "hex digits)", opt + 5);
		return 0;
	}
	if (strncmp(opt, "sec=", 4) == 0)
		return parse_sec(o, opt + 4, activep, file, line, col, err);
	if (strcmp(opt, "mountpoint") == 0 || strcmp(opt, "mp") == 0 ||
	    strncmp(opt, "mountpoint=", 11) == 0 || strncmp(opt, "mp=", 3) == 0) {
		val = strchr(opt, '=');
		val = val != NULL ? val + 1 : "";
		if (*val != '\0' && *val != '/')
			return exp_errf(err, file, line, col,
			    "mountpoint must be an absolute path");
		if ((mp = strdup(val)) == NULL)
			return -ENOMEM;
		free(o->mountpoint);
		o->mountpoint = mp;
		return 0;
	}
	if (strncmp(opt, "xprtsec=", 8) == 0) {
		if (strcmp(opt + 8, "none") == 0)
			return 0;
		return exp_errf(err, file, line, col,
		    "unsupported option \"%s\": RPC-with-TLS is not supported",
		    opt);
	}
	for (k = 0; k < nitems(refused_opts); k++)
		if (strncmp(opt, refused_opts[k].prefix,
		    strlen(refused_opts[k].prefix)) == 0)
			return exp_errf(err, file, line, col,
			    "unsupported option \"%s\": %s", opt,
			    refused_opts[k].why);
	if (*opt == '\0')
		return exp_errf(err, file, line, col, "empty option");
	return exp_errf(err, file, line, col, "unknown option \"%s\"", opt);
}

int
exp_opts_parse(struct exp_opts *o, const struct xchar *v, size_t n,
    const char *file, struct exp_err *err)
{
	char *opt;
	size_t i = 0, j, k;
	unsigned active, line, col;
	int rc = 0;

	if (n == 0)
		return 0;			/* "host()" or a bare "-" */
	/* Inherited flavours take the entry's own flags until its sec=. */
	active = o->nsec == 0 ? 0 : (1u << o->nsec) - 1;
	if ((opt = malloc(OPT_MAX + 1)) == NULL)
		return -ENOMEM;
	for (;;) {
		for (j = i; j < n && (v[j].c != ',' || v[j].lit); j++)
			;
		line = i < n ? v[i].line : v[n - 1].line;
		col = i < n ? v[i].col : v[n - 1].col + 1;
		if (j - i > OPT_MAX) {
			rc = exp_errf(err, file, line, col, "option too long");
			break;
		}
		for (k = 0; i + k < j; k++)
			opt[k] = v[i + k].c;
		opt[k] = '\0';
		if (memchr(opt, '\0', k) != NULL) {
			rc = exp_errf(err, file, line, col, "NUL in option");
			break;
		}
		if ((rc = parse_one(o, opt, &active, file, line, col, err)) != 0)
			break;
		/* nfs-utils takes a trailing ',' ("rw,"): so do we */
		if (j >= n - 1)
			break;
		i = j + 1;
	}
	free(opt);
	return rc;
}

size_t
exp_escape(char *buf, size_t len, const char *s)
{
	size_t n = 0;
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (iscntrl(c) || isspace(c) || c == '"' || c == '\\' ||
		    c == '#' || c == ',' || c == '(' || c == ')' || c >= 0x80) {
			if (n + 4 < len)
				snprintf(buf + n, len - n, "\\%03o", c);
			n += 4;
		} else {
			if (n + 1 < len)
				buf[n] = (char)c;
			n++;
		}
	}
	if (len > 0)
		buf[n < len ? n : len - 1] = '\0';
	return n;
}

/* Append ",fmt" (or "(fmt" first) to buf at *offp; sets *overp when full. */
static void
dumpopt(char *buf, size_t len, size_t *offp, bool *overp, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
dumpopt(char *buf, size_t len, size_t *offp, bool *overp, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*offp < len) {
		buf[*offp] = *offp == 0 ? '(' : ',';
		(*offp)++;
	} else
		*overp = true;
	if (*offp >= len) {
		*overp = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *offp, len - *offp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *offp) {
		*overp = true;
		*offp = len;
	} else
		*offp += (size_t)n;
}

int
exp_format(const struct exp_opts *o, char *buf, size_t len)
{
	char mp[OPT_MAX * 4 + 1];
	size_t off = 0;
	bool over = false;
	unsigned i, j;
	uint32_t f, fl = o->flags;

	if (len == 0)
		return -ENOSPC;
#define OPT(...) dumpopt(buf, len, &off, &over, __VA_ARGS__)
	OPT("%s", fl & EXP_F_ASYNC ? "async" : "sync");
	OPT("%s", fl & EXP_F_WDELAY ? "wdelay" : "no_wdelay");
	OPT("%s", fl & EXP_F_NOHIDE ? "nohide" : "hide");
	if (fl & EXP_F_CROSSMNT)
		OPT("crossmnt");
	/* exportfs -v says nothing for subtree_check; say it, so the text
	 * parses back to the same options. */
	OPT("%s", fl & EXP_F_SUBTREE_CHECK ? "subtree_check" :
	    "no_subtree_check");
	if (fl & EXP_F_INSECURE_LOCKS)
		OPT("insecure_locks");
	if (fl & EXP_F_NORDIRPLUS)
		OPT("nordirplus");
	if (fl & EXP_F_NO_ACL)
		OPT("no_acl");
	if (fl & EXP_F_PNFS)
		OPT("pnfs");
	if (fl & EXP_F_SECURITY_LABEL)
		OPT("security_label");
	if (fl & EXP_F_PUBLIC)
		OPT("public");
	if (o->fsid_type == EXP_FSID_NUM)
		OPT("fsid=%u", o->fsid);
	else if (o->fsid_type == EXP_FSID_UUID)
		OPT("fsid=%s", o->uuid_text);
	if (o->mountpoint != NULL) {
		exp_escape(mp, sizeof(mp), o->mountpoint);
		OPT("mountpoint%s%s", *mp != '\0' ? "=" : "", mp);
	}
	if (o->anonuid != EXP_ANON_DEFAULT)
		OPT("anonuid=%d", (int32_t)o->anonuid);
	if (o->anongid != EXP_ANON_DEFAULT)
		OPT("anongid=%d", (int32_t)o->anongid);
	/* sec=a:b,flags for each run of flavours with the same flags. */
	for (i = 0; i < o->nsec; i = j) {
		f = o->sec[i].flags;
		OPT("sec=%s", exp_sec_name(o->sec[i].flavor));
		for (j = i + 1; j < o->nsec && o->sec[j].flags == f; j++) {
			if (off + 1 < len) {
				buf[off++] = ':';
				str_copy(buf + off, exp_sec_name(o->sec[j].flavor),
				    len - off);
				off += strlen(buf + off);
			}
			if (off + 1 >= len)
				over = true;
		}
		OPT("%s", f & EXP_F_RO ? "ro" : "rw");
		OPT("%s", f & EXP_F_INSECURE ? "insecure" : "secure");
		OPT("%s", f & EXP_F_ROOT_SQUASH ? "root_squash" :
		    "no_root_squash");
		OPT("%s", f & EXP_F_ALL_SQUASH ? "all_squash" : "no_all_squash");
	}
#undef OPT
	if (off + 1 < len) {
		buf[off++] = ')';
		buf[off] = '\0';
	} else {
		over = true;
		buf[len - 1] = '\0';
	}
	return over ? -ENOSPC : 0;
}
