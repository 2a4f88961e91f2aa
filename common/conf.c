/*
 * conf.c: the suite configuration file.
 *
 * Parsing keeps every "key = value" with its section and line, in file
 * order; command-line overrides (conf_add) are appended with line 0. A
 * daemon then applies its own section with a typed key table: defaults
 * first, then each entry in order, so the last one wins and -o beats the
 * file. Checking keys only in conf_apply() lets each daemon own its section
 * while a typo in any section name is still caught by every daemon.
 *
 * Syntax, one item per line:
 *	# comment  /  ; comment
 *	[section]
 *	key = value			(value trimmed; " #..." or " ;..." ends it)
 *	key = "quoted value"		(\" and \\ escapes)
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/atomicio.h"
#include "common/conf.h"
#include "common/parse.h"
#include "common/util.h"

#define CONF_MAX_SIZE	(1024 * 1024)

struct conf_ent {
	char		*section;
	char		*key;
	char		*value;
	unsigned	 line;		/* 0: from the command line */
	unsigned	 kcol, vcol;
	char		*origin;	/* NULL: this file (or the command
					   line); else "FILE:LINE [sec] key"
					   of another file it came from */
};

struct conf_file {
	char		*path;
	struct conf_ent	*ents;
	size_t		 n, cap;
	bool		 foreign;	/* another program's file (nfs.conf):
					   any section, '.' in key names */
};

static const char *const known_sections[] = {
	"global", "rpcbind", "mountd", "nfsd", "exportfs", "lockd", "statd",
	"rquotad", "exports", "gss",
};

static bool
section_known(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(known_sections); i++)
		if (strcasecmp(name, known_sections[i]) == 0)
			return true;
	return false;
}

static bool
name_char(int c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* nfs.conf(5) also has keys such as vers4.1 */
static bool
foreign_key_char(int c)
{
	return name_char(c) || c == '.';
}

static bool
name_valid(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!name_char(*s))
			return false;
	return true;
}

/* Key names: case-insensitive, '-' and '_' the same. */
static bool
key_eq(const char *a, const char *b)
{
	int ca, cb;

	for (;; a++, b++) {
		ca = tolower((unsigned char)*a);
		cb = tolower((unsigned char)*b);
		if (ca == '_')
			ca = '-';
		if (cb == '_')
			cb = '-';
		if (ca != cb)
			return false;
		if (ca == '\0')
			return true;
	}
}

struct conf_file *
conf_new(void)
{
	return calloc(1, sizeof(struct conf_file));
}

void
conf_file_free(struct conf_file *cf)
{
	size_t i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->n; i++) {
		free(cf->ents[i].section);
		free(cf->ents[i].key);
		free(cf->ents[i].value);
		free(cf->ents[i].origin);
	}
	free(cf->ents);
	free(cf->path);
	free(cf);
}

const char *
conf_file_path(const struct conf_file *cf)
{
	if (cf == NULL || cf->path == NULL)
		return "(none)";
	return cf->path;
}

/* Append an entry; the strings are copied (len bytes of each). */
static int
ent_add(struct conf_file *cf, const char *sec, size_t slen, const char *key,
    size_t klen, const char *val, size_t vlen, unsigned line, unsigned kcol,
    unsigned vcol)
{
	struct conf_ent *e;

	if (cf->n == cf->cap) {
		size_t ncap = cf->cap ? cf->cap * 2 : 16;

		if ((e = reallocarray(cf->ents, ncap, sizeof(*e))) == NULL)
			return -ENOMEM;
		cf->ents = e;
		cf->cap = ncap;
	}
	e = &cf->ents[cf->n];
	e->section = strndup(sec, slen);
	e->key = strndup(key, klen);
	e->value = strndup(val, vlen);
	if (e->section == NULL || e->key == NULL || e->value == NULL) {
		free(e->section);
		free(e->key);
		free(e->value);
		return -ENOMEM;
	}
	e->line = line;
	e->kcol = kcol;
	e->vcol = vcol;
	e->origin = NULL;
	cf->n++;
	return 0;
}

int
conf_add(struct conf_file *cf, const char *section, const char *key,
    const char *value)
{
	if (cf == NULL || section == NULL || key == NULL || value == NULL)
		return -EINVAL;
	if (!section_known(section) || !name_valid(key) ||
	    strpbrk(value, "\r\n") != NULL)
		return -EINVAL;
	return ent_add(cf, section, strlen(section), key, strlen(key), value,
	    strlen(value), 0, 0, 0);
}

int
conf_add_origin(struct conf_file *cf, const char *section, const char *key,
    const char *value, const char *origin)
{
	char *o;
	int rc;

	if (origin == NULL)
		return conf_add(cf, section, key, value);
	if ((o = strdup(origin)) == NULL)
		return -ENOMEM;
	if ((rc = conf_add(cf, section, key, value)) != 0) {
		free(o);
		return rc;
	}
	cf->ents[cf->n - 1].origin = o;
	return 0;
}

static bool
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static const char *
skip_blank(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* Only blanks or a comment left on the line? */
static bool
rest_empty(const char *p, const char *end)
{
	p = skip_blank(p, end);
	return p == end || *p == '#' || *p == ';';
}

/*
 * Decode a quoted value starting after the opening quote into out (at
 * least end - p + 1 bytes). Returns a pointer past the closing quote, or
 * NULL if there is none.
 */
static const char *
unquote(const char *p, const char *end, char *out, size_t *outlen)
{
	size_t n = 0;

	while (p < end && *p != '"') {
		if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\'))
			p++;
		out[n++] = *p++;
	}
	*outlen = n;
	if (p == end)
		return NULL;
	return p + 1;
}

/* One "key = value" line; sec is the current section (NULL before any). */
static int
parse_assign(struct conf_file *cf, const char *sec, const char *line,
    const char *end, unsigned lineno, struct parse_err *err)
{
	const char *p = line, *key, *val, *vend, *c;
	size_t klen, vlen;
	unsigned kcol, vcol;
	char *buf;
	int rc;

	key = p = skip_blank(p, end);
	while (p < end && (cf->foreign ? foreign_key_char(*p) : name_char(*p)))
		p++;
	klen = (size_t)(p - key);
	kcol = (unsigned)(key - line) + 1;
	if (klen == 0)
		return parse_err_set(err, lineno, kcol,
		    "expected a key name or [section]");
	p = skip_blank(p, end);
	if (p == end || *p != '=')
		return parse_err_set(err, lineno, (unsigned)(p - line) + 1,
		    "expected '=' after key '%.*s'", (int)klen, key);
	if (sec == NULL)
		return parse_err_set(err, lineno, kcol,
		    "key '%.*s' outside of any [section]", (int)klen, key);
	val = skip_blank(p + 1, end);
	vcol = (unsigned)(val - line) + 1;

	if (val < end && *val == '"') {
		if ((buf = malloc((size_t)(end - val) + 1)) == NULL)
			return -ENOMEM;
		p = unquote(val + 1, end, buf, &vlen);
		if (p == NULL) {
			free(buf);
			return parse_err_set(err, lineno, vcol,
			    "unterminated quoted value");
		}
		if (!rest_empty(p, end)) {
			free(buf);
			return parse_err_set(err, lineno,
			    (unsigned)(skip_blank(p, end) - line) + 1,
			    "unexpected text after quoted value");
		}
		rc = ent_add(cf, sec, strlen(sec), key, klen, buf, vlen,
		    lineno, kcol, vcol);
		free(buf);
		return rc;
	}

	/* Unquoted: to the end of the line or a comment after a blank. */
	vend = end;
	for (c = val; c < end; c++)
		if ((*c == '#' || *c == ';') && c > val && is_blank(c[-1])) {
			vend = c;
			break;
		}
	while (vend > val && is_blank(vend[-1]))
		vend--;
	return ent_add(cf, sec, strlen(sec), key, klen, val,
	    (size_t)(vend - val), lineno, kcol, vcol);
}

/* "[name]"; on success *secp is the malloc'd name. */
static int
parse_section(const struct conf_file *cf, const char *line, const char *end,
    const char *p, unsigned lineno, char **secp, struct parse_err *err)
{
	const char *name;
	size_t len;
	char *s;

	name = p = skip_blank(p + 1, end);
	while (p < end && name_char(*p))
		p++;
	len = (size_t)(p - name);
	if (len == 0)
		return parse_err_set(err, lineno, (unsigned)(name - line) + 1,
		    "expected a section name");
	p = skip_blank(p, end);
	if (cf->foreign && p < end && *p == '"') {
		/* nfs.conf's [section "subsection"]: kept apart (a name no
		 * table asks for) */
		while (p < end && *p != ']')
			p++;
		len = (size_t)(p - name);
	}
	if (p == end || *p != ']')
		return parse_err_set(err, lineno, (unsigned)(p - line) + 1,
		    "expected ']' after section name");
	if (!rest_empty(p + 1, end))
		return parse_err_set(err, lineno,
		    (unsigned)(skip_blank(p + 1, end) - line) + 1,
		    "unexpected text after ']'");
	if ((s = strndup(name, len)) == NULL)
		return -ENOMEM;
	if (!cf->foreign && !section_known(s)) {
		parse_err_set(err, lineno, (unsigned)(name - line) + 1,
		    "unknown section [%s]", s);
		free(s);
		return -EINVAL;
	}
	free(*secp);
	*secp = s;
	return 0;
}

static int
parse_text(const char *path, const char *text, bool foreign,
    struct conf_file **out, struct parse_err *err)
{
	struct conf_file *cf;
	const char *line, *end, *p;
	char *sec = NULL;
	unsigned lineno = 0;
	int rc = 0;

	*out = NULL;
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if ((cf = conf_new()) == NULL)
		return -ENOMEM;
	cf->foreign = foreign;
	if (path != NULL && (cf->path = strdup(path)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (line = text; *line != '\0'; line = *end == '\n' ? end + 1 : end) {
		lineno++;
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		p = skip_blank(line, end);
		if (p == end || *p == '#' || *p == ';')
			continue;
		if (*p == '[')
			rc = parse_section(cf, line, end, p, lineno, &sec, err);
		else
			rc = parse_assign(cf, sec, line, end, lineno, err);
		if (rc != 0)
			goto out;
	}
	*out = cf;
	cf = NULL;
out:
	free(sec);
	conf_file_free(cf);
	return rc;
}

int
conf_parse(const char *path, const char *text, struct conf_file **out,
    struct parse_err *err)
{
	return parse_text(path, text, false, out, err);
}

int
conf_parse_foreign(const char *path, const char *text,
    struct conf_file **out, struct parse_err *err)
{
	return parse_text(path, text, true, out, err);
}

static int
load(const char *path, bool missing_ok, bool foreign, struct conf_file **out,
    struct parse_err *err)
{
	char *text = NULL;
	int rc;

	*out = NULL;
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	rc = read_file(path, CONF_MAX_SIZE, &text, NULL);
	if (rc == -ENOENT && missing_ok) {
		if ((*out = conf_new()) == NULL)
			return -ENOMEM;
		if (((*out)->path = strdup(path)) == NULL) {
			conf_file_free(*out);
			*out = NULL;
			return -ENOMEM;
		}
		return 0;
	}
	if (rc != 0) {
		if (err != NULL)
			snprintf(err->msg, sizeof(err->msg), "%s",
			    rc == -EFBIG ? "file too large" : strerror(-rc));
		return rc;
	}
	rc = parse_text(path, text, foreign, out, err);
	free(text);
	if (rc == 0)
		(*out)->foreign = foreign;
	return rc;
}

int
conf_load(const char *path, bool missing_ok, struct conf_file **out,
    struct parse_err *err)
{
	return load(path, missing_ok, false, out, err);
}

int
conf_load_foreign(const char *path, struct conf_file **out,
    struct parse_err *err)
{
	return load(path, true, true, out, err);
}

/* ---------------------------------------------------------------- values */

static void *
field(void *vals, const struct conf_key *k)
{
	return (char *)vals + k->off;
}

static const void *
cfield(const void *vals, const struct conf_key *k)
{
	return (const char *)vals + k->off;
}

static bool
has_range(const struct conf_key *k)
{
	return k->min != 0 || k->max != 0;
}

static int
parse_int(const struct conf_key *k, const char *s, bool check, long *out,
    char *msg, size_t msglen)
{
	long long v;
	char *end;

	errno = 0;
	if (*s == '\0' || isspace((unsigned char)*s)) {
		snprintf(msg, msglen, "expected an integer for %s", k->name);
		return -EINVAL;
	}
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		snprintf(msg, msglen, "not an integer for %s: \"%s\"", k->name,
		    s);
		return -EINVAL;
	}
	if (errno == ERANGE || v < LONG_MIN || v > LONG_MAX ||
	    (check && has_range(k) && (v < k->min || v > k->max))) {
		snprintf(msg, msglen, "%s out of range [%lld, %lld]: %s",
		    k->name, has_range(k) ? k->min : (long long)LONG_MIN,
		    has_range(k) ? k->max : (long long)LONG_MAX, s);
		return -EINVAL;
	}
	*out = (long)v;
	return 0;
}

static int
parse_size(const struct conf_key *k, const char *s, bool check, size_t *out,
    char *msg, size_t msglen)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)*s)) {
		snprintf(msg, msglen, "expected a size for %s: \"%s\"",
		    k->name, s);
		return -EINVAL;
	}
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K':
		mul = 1ULL << 10;
		end++;
		break;
	case 'm': case 'M':
		mul = 1ULL << 20;
		end++;
		break;
	case 'g': case 'G':
		mul = 1ULL << 30;
		end++;
		break;
	default:
		break;
	}
	if (*end != '\0') {
		snprintf(msg, msglen,
		    "not a size for %s (number with K, M or G): \"%s\"",
		    k->name, s);
		return -EINVAL;
	}
	if (errno == ERANGE || v > ULLONG_MAX / mul || v * mul > SIZE_MAX ||
	    (check && has_range(k) &&
	    ((k->min > 0 && v * mul < (unsigned long long)k->min) ||
	    k->max < 0 || v * mul > (unsigned long long)k->max))) {
		snprintf(msg, msglen, "%s out of range [%lld, %lld]: %s",
		    k->name, has_range(k) ? k->min : 0,
		    has_range(k) ? k->max : LLONG_MAX, s);
		return -EINVAL;
	}
	*out = (size_t)(v * mul);
	return 0;
}

static int
parse_bool(const struct conf_key *k, const char *s, bool *out, char *msg,
    size_t msglen)
{
	/* y and n: nfs.conf(5) writes them so */
	static const char *const yes[] = { "yes", "true", "on", "1", "y" };
	static const char *const no[] = { "no", "false", "off", "0", "n" };
	size_t i;

	for (i = 0; i < nitems(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	snprintf(msg, msglen, "expected yes/no, true/false, on/off or 1/0 "
	    "for %s: \"%s\"", k->name, s);
	return -EINVAL;
}

/*
 * Store text as the value of k. Defaults given as NULL are the empty value
 * (0, no, ""), and not range checked.
 */
static int
set_value(const struct conf_key *k, const char *text, void *vals, char *msg,
    size_t msglen)
{
	bool check = text != NULL;
	char **sp, *s;

	switch (k->type) {
	case CONF_STR:
	case CONF_LIST:
		if ((s = strdup(text != NULL ? text : "")) == NULL) {
			snprintf(msg, msglen, "out of memory");
			return -ENOMEM;
		}
		sp = field(vals, k);
		free(*sp);
		*sp = s;
		return 0;
	case CONF_INT:
		if (text == NULL) {
			*(long *)field(vals, k) = 0;
			return 0;
		}
		return parse_int(k, text, check, field(vals, k), msg, msglen);
	case CONF_BOOL:
		if (text == NULL) {
			*(bool *)field(vals, k) = false;
			return 0;
		}
		return parse_bool(k, text, field(vals, k), msg, msglen);
	case CONF_SIZE:
		if (text == NULL) {
			*(size_t *)field(vals, k) = 0;
			return 0;
		}
		return parse_size(k, text, check, field(vals, k), msg, msglen);
	}
	snprintf(msg, msglen, "%s: bad key type %d", k->name, (int)k->type);
	return -EINVAL;
}

void
conf_free_values(const struct conf_key *keys, void *vals)
{
	const struct conf_key *k;
	char **sp;

	for (k = keys; k->name != NULL; k++)
		if (k->type == CONF_STR || k->type == CONF_LIST) {
			sp = field(vals, k);
			free(*sp);
			*sp = NULL;
		}
}

static const struct conf_key *
key_find(const struct conf_key *keys, const char *name)
{
	const struct conf_key *k;

	for (k = keys; k->name != NULL; k++)
		if (key_eq(k->name, name))
			return k;
	return NULL;
}

/* For messages about an entry not from the file: where it came from. */
static const char *
ent_where(const struct conf_ent *e)
{
	if (e->line != 0)
		return "";
	return e->origin != NULL ? e->origin : "command line";
}

int
conf_apply(const struct conf_file *cf, const char *section,
    const struct conf_key *keys, void *vals, struct parse_err *err)
{
	const struct conf_key *k;
	const struct conf_ent *e;
	char msg[sizeof(err->msg)];
	size_t i;
	int rc;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	/* vals may hold garbage: no string is ours to free yet. */
	for (k = keys; k->name != NULL; k++)
		if (k->type == CONF_STR || k->type == CONF_LIST)
			*(char **)field(vals, k) = NULL;
	for (k = keys; k->name != NULL; k++) {
		if ((rc = set_value(k, k->def, vals, msg, sizeof(msg))) != 0) {
			parse_err_set(err, 0, 0, "default of [%s] %s",
			    section, msg);
			goto out;
		}
	}
	for (i = 0; cf != NULL && i < cf->n; i++) {
		e = &cf->ents[i];
		if (strcasecmp(e->section, section) != 0)
			continue;
		if ((k = key_find(keys, e->key)) == NULL) {
			rc = parse_err_set(err, e->line, e->kcol,
			    "%s%sunknown key '%s' in [%s]", ent_where(e),
			    e->line == 0 ? ": " : "", e->key, section);
			goto out;
		}
		if ((rc = set_value(k, e->value, vals, msg, sizeof(msg))) != 0) {
			parse_err_set(err, e->line, e->vcol, "%s%s%s",
			    ent_where(e), e->line == 0 ? ": " : "", msg);
			goto out;
		}
	}
	return 0;
out:
	conf_free_values(keys, vals);
	return rc;
}

int
conf_where(const struct conf_file *cf, const char *section, const char *key,
    unsigned *line, unsigned *col)
{
	size_t i;
	int rc = -ENOENT;

	/* the last occurrence is the one in force */
	for (i = 0; cf != NULL && i < cf->n; i++) {
		const struct conf_ent *e = &cf->ents[i];

		if (strcasecmp(e->section, section) == 0 && key_eq(e->key, key)) {
			*line = e->line;
			*col = e->vcol;
			rc = 0;
		}
	}
	return rc;
}

const char *
conf_get(const struct conf_file *cf, const char *section, const char *key,
    unsigned *line)
{
	const struct conf_ent *e = NULL;
	size_t i;

	for (i = 0; cf != NULL && i < cf->n; i++)
		if (strcasecmp(cf->ents[i].section, section) == 0 &&
		    key_eq(cf->ents[i].key, key))
			e = &cf->ents[i];
	if (e == NULL)
		return NULL;
	if (line != NULL)
		*line = e->line;
	return e->value;
}

const char *
conf_source(const struct conf_file *cf, const char *section, const char *key,
    char *buf, size_t len)
{
	const struct conf_ent *e = NULL;
	size_t i;

	for (i = 0; cf != NULL && i < cf->n; i++)
		if (strcasecmp(cf->ents[i].section, section) == 0 &&
		    key_eq(cf->ents[i].key, key))
			e = &cf->ents[i];
	if (e == NULL)
		snprintf(buf, len, "default");
	else if (e->origin != NULL)
		snprintf(buf, len, "%s", e->origin);
	else if (e->line == 0)
		snprintf(buf, len, "command line");
	else
		snprintf(buf, len, "%s:%u", conf_file_path(cf), e->line);
	return buf;
}

/* ---------------------------------------------------------------- -T */

static void
print_str(FILE *fp, const char *s)
{
	size_t n = strlen(s);

	if (n > 0 && !is_blank(s[0]) && !is_blank(s[n - 1]) && s[0] != '"' &&
	    strpbrk(s, "#;\\") == NULL) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
print_size(FILE *fp, size_t v)
{
	static const char sfx[] = "GMK";
	int i;

	for (i = 0; i < 3; i++) {
		unsigned shift = (unsigned)(30 - 10 * i);

		if (v != 0 && (v & ((1ULL << shift) - 1)) == 0) {
			fprintf(fp, "%zu%c", v >> shift, sfx[i]);
			return;
		}
	}
	fprintf(fp, "%zu", v);
}

void
conf_print(FILE *fp, const char *section, const struct conf_key *keys,
    const void *vals)
{
	conf_print_src(fp, section, keys, vals, NULL);
}

void
conf_print_src(FILE *fp, const char *section, const struct conf_key *keys,
    const void *vals, const struct conf_file *cf)
{
	const struct conf_key *k;
	const char *s;
	char src[PATH_MAX + 64];

	fprintf(fp, "[%s]\n", section);
	for (k = keys; k->name != NULL; k++) {
		if (k->help != NULL)
			fprintf(fp, "# %s\n", k->help);
		if (cf != NULL)
			fprintf(fp, "# from: %s\n", conf_source(cf, section,
			    k->name, src, sizeof(src)));
		fprintf(fp, "%s = ", k->name);
		switch (k->type) {
		case CONF_STR:
		case CONF_LIST:
			s = *(char *const *)cfield(vals, k);
			print_str(fp, s != NULL ? s : "");
			break;
		case CONF_INT:
			fprintf(fp, "%ld", *(const long *)cfield(vals, k));
			break;
		case CONF_BOOL:
			fputs(*(const bool *)cfield(vals, k) ? "yes" : "no", fp);
			break;
		case CONF_SIZE:
			print_size(fp, *(const size_t *)cfield(vals, k));
			break;
		}
		fputc('\n', fp);
	}
}

char **
conf_list_split(const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0, n = 0, slots = len / 2 + 2;
	char **v, *copy, *tok, *save = NULL;

	/* the vector, then the copy of the text its pointers point into */
	if ((v = malloc(slots * sizeof(*v) + len + 1)) == NULL)
		return NULL;
	copy = (char *)(v + slots);
	memcpy(copy, s != NULL ? s : "", len + 1);
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t", &save))
		v[n++] = tok;
	v[n] = NULL;
	return v;
}
