/*
 * rmtab.c: the list of mounted clients that DUMP (showmount -a, -d)
 * returns. An entry is added after each successful MNT, removed by UMNT
 * (the caller's entry for that path) and UMNTALL (all of the caller's).
 *
 * File format (<state-dir>/rmtab), rewritten atomically after each change
 * (temp file, fsync, rename) and read at start-up, so the list survives a
 * restart of mountd:
 *
 *	192.0.2.7 /srv/nfs/home
 *	2001:db8::5 /srv/nfs/media\040library
 *
 * One entry per line: the client's numeric address, one blank, the path
 * as it was mounted (normalized). In the path, blanks, '\', control bytes
 * and bytes above 0x7e are written as \ooo (three octal digits), so a
 * client's path can neither split a line nor fake a second entry. Lines
 * that do not parse are skipped and counted. Unlike nfs-utils' rmtab there
 * is no mount count: a client either has a path mounted or not, as
 * RFC 1813 5.2.3 describes UMNT.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/atomicio.h"
#include "common/log.h"
#include "mountd/mountd.h"

#define RMTAB_FILE_MAX	(16 * 1024 * 1024)

void
rmtab_ents_free(struct rmtab_ent *ents, size_t n)
{
	size_t i;

	for (i = 0; ents != NULL && i < n; i++) {
		free(ents[i].host);
		free(ents[i].path);
	}
	free(ents);
}

static bool
needs_escape(unsigned char c)
{
	return c <= ' ' || c == '\\' || c >= 0x7f;
}

int
rmtab_serialize(const struct rmtab_ent *ents, size_t n, char **outp,
    size_t *lenp)
{
	size_t i, len = 1, off = 0;
	const unsigned char *p;
	char *out;

	*outp = NULL;
	for (i = 0; i < n; i++)
		len += strlen(ents[i].host) + 2 + 4 * strlen(ents[i].path);
	if ((out = malloc(len)) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		off += (size_t)snprintf(out + off, len - off, "%s ",
		    ents[i].host);
		for (p = (const unsigned char *)ents[i].path; *p != '\0'; p++) {
			if (needs_escape(*p))
				off += (size_t)snprintf(out + off, len - off,
				    "\\%03o", *p);
			else
				out[off++] = (char)*p;
		}
		out[off++] = '\n';
	}
	out[off] = '\0';
	*outp = out;
	if (lenp != NULL)
		*lenp = off;
	return 0;
}

/* Undo the \ooo escapes of s[0..len) into a malloc'd string; NULL if
 * malformed (a raw blank, a bad escape, an escaped NUL) or out of memory. */
static char *
unescape(const char *s, size_t len)
{
	char *out, *o;
	size_t i;
	unsigned v;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0, o = out; i < len; i++) {
		if (s[i] == '\\') {
			if (i + 3 >= len ||
			    s[i + 1] < '0' || s[i + 1] > '3' ||
			    s[i + 2] < '0' || s[i + 2] > '7' ||
			    s[i + 3] < '0' || s[i + 3] > '7')
				goto bad;
			v = (unsigned)(s[i + 1] - '0') << 6 |
			    (unsigned)(s[i + 2] - '0') << 3 |
			    (unsigned)(s[i + 3] - '0');
			if (v == 0)
				goto bad;
			*o++ = (char)v;
			i += 3;
		} else if ((unsigned char)s[i] <= ' ')
			goto bad;
		else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* One line into e; false if malformed. */
static bool
parse_line(const char *line, size_t len, struct rmtab_ent *e)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	const char *sp;
	char host[ADDR_STRLEN];

	e->host = e->path = NULL;
	if ((sp = memchr(line, ' ', len)) == NULL ||
	    (size_t)(sp - line) >= sizeof(host) || sp == line)
		return false;
	memcpy(host, line, (size_t)(sp - line));
	host[sp - line] = '\0';
	if (addr_pton(host, &ss, &sl) != 0)
		return false;
	len -= (size_t)(sp - line) + 1;
	if (len == 0 || sp[1] != '/' || len >= 4 * 4096)
		return false;
	if ((e->path = unescape(sp + 1, len)) == NULL)
		return false;
	if (strlen(e->path) >= 4096 || (e->host = strdup(host)) == NULL) {
		free(e->path);
		e->path = NULL;
		return false;
	}
	return true;
}

int
rmtab_parse(const char *text, size_t len, struct rmtab_ent **entsp,
    size_t *np, unsigned *skippedp)
{
	struct rmtab_ent *ents = NULL, *ne, e;
	const char *p = text, *end = text + len, *nl;
	size_t n = 0, cap = 0, ll;
	unsigned skipped = 0;

	*entsp = NULL;
	*np = 0;
	while (p < end) {
		e.host = e.path = NULL;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		ll = (size_t)(nl - p);
		if (ll == 0 || memchr(p, '\0', ll) != NULL ||
		    !parse_line(p, ll, &e) || n >= RMTAB_MAX) {
			if (ll != 0)
				skipped++;
			free(e.host);
			free(e.path);
			p = nl + 1;
			continue;
		}
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			if ((ne = realloc(ents, cap * sizeof(*ents))) == NULL) {
				free(e.host);
				free(e.path);
				rmtab_ents_free(ents, n);
				return -ENOMEM;
			}
			ents = ne;
		}
		ents[n++] = e;
		p = nl + 1;
	}
	*entsp = ents;
	*np = n;
	if (skippedp != NULL)
		*skippedp = skipped;
	return 0;
}

int
rmtab_open(const char *file, struct rmtab **out, unsigned *skippedp)
{
	struct rmtab *rt;
	char *text = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if (skippedp != NULL)
		*skippedp = 0;
	if ((rt = calloc(1, sizeof(*rt))) == NULL)
		return -ENOMEM;
	if (pthread_mutex_init(&rt->lock, NULL) != 0) {
		free(rt);
		return -ENOMEM;
	}
	if (file != NULL && (rt->file = strdup(file)) == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	if (file != NULL) {
		rc = read_file(file, RMTAB_FILE_MAX, &text, &len);
		if (rc == 0) {
			rc = rmtab_parse(text, len, &rt->ents, &rt->n,
			    skippedp);
			rt->cap = rt->n;
			free(text);
		} else if (rc == -ENOENT)
			rc = 0;
		if (rc != 0)
			goto fail;
	}
	*out = rt;
	return 0;
fail:
	rmtab_free(rt);
	return rc;
}

void
rmtab_free(struct rmtab *rt)
{
	if (rt == NULL)
		return;
	rmtab_ents_free(rt->ents, rt->n);
	free(rt->file);
	pthread_mutex_destroy(&rt->lock);
	free(rt);
}

/* Write the list out; called with the lock held. */
static int
save(struct rmtab *rt)
{
	char *text;
	size_t len;
	int rc;

	if (rt->file == NULL)
		return 0;
	if ((rc = rmtab_serialize(rt->ents, rt->n, &text, &len)) != 0)
		return rc;
	rc = atomic_write_file(rt->file, text, len, 0644);
	free(text);
	if (rc != 0)
		log_warnx("rmtab %s: %s", rt->file, strerror(-rc));
	return rc;
}

int
rmtab_add(struct rmtab *rt, const char *host, const char *path)
{
	struct rmtab_ent *ne, e = { NULL, NULL };
	size_t i;
	int rc;

	pthread_mutex_lock(&rt->lock);
	for (i = 0; i < rt->n; i++)
		if (strcmp(rt->ents[i].host, host) == 0 &&
		    strcmp(rt->ents[i].path, path) == 0) {
			rc = 0;
			goto out;
		}
	if (rt->n >= RMTAB_MAX) {
		rc = -ENOSPC;
		goto out;
	}
	if (rt->n == rt->cap) {
		size_t cap = rt->cap != 0 ? rt->cap * 2 : 16;

		if ((ne = realloc(rt->ents, cap * sizeof(*ne))) == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		rt->ents = ne;
		rt->cap = cap;
	}
	if ((e.host = strdup(host)) == NULL || (e.path = strdup(path)) == NULL) {
		free(e.host);
		rc = -ENOMEM;
		goto out;
	}
	rt->ents[rt->n++] = e;
	rc = save(rt);
out:
	pthread_mutex_unlock(&rt->lock);
	return rc;
}

int
rmtab_del(struct rmtab *rt, const char *host, const char *path)
{
	size_t i, k;
	int removed = 0, rc;

	pthread_mutex_lock(&rt->lock);
	for (i = k = 0; i < rt->n; i++) {
		if (strcmp(rt->ents[i].host, host) == 0 &&
		    (path == NULL || strcmp(rt->ents[i].path, path) == 0)) {
			free(rt->ents[i].host);
			free(rt->ents[i].path);
			removed++;
			continue;
		}
		rt->ents[k++] = rt->ents[i];
	}
	rt->n = k;
	rc = removed > 0 ? save(rt) : 0;
	pthread_mutex_unlock(&rt->lock);
	return rc != 0 ? rc : removed;
}

size_t
rmtab_count(struct rmtab *rt)
{
	size_t n;

	pthread_mutex_lock(&rt->lock);
	n = rt->n;
	pthread_mutex_unlock(&rt->lock);
	return n;
}

int
rmtab_dump(struct rmtab *rt, struct req *rq, mnt_mountlist *out)
{
	struct mountbody *b;
	size_t i;
	int rc = 0;

	*out = NULL;
	pthread_mutex_lock(&rt->lock);
	for (i = 0; i < rt->n; i++) {
		if ((b = req_alloc(rq, sizeof(*b))) == NULL ||
		    (b->ml_hostname = req_strdup(rq, rt->ents[i].host)) ==
		    NULL ||
		    (b->ml_directory = req_strdup(rq, rt->ents[i].path)) ==
		    NULL) {
			rc = -ENOMEM;
			break;
		}
		b->ml_next = *out;
		*out = b;
	}
	pthread_mutex_unlock(&rt->lock);
	return rc;
}
