/*
 * metrics.c: the Prometheus text format, written and read (metrics.h).
 *
 * Reading accepts what the format allows and this suite writes: comment
 * lines, "name value", "name{k="v",...} value" with an optional timestamp
 * after the value (ignored), label values with \\, \" and \n escapes, and
 * the values NaN, +Inf and -Inf. Anything else is an error, so a reader
 * never guesses at a half-written or foreign file.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/metrics.h"

/* ------------------------------------------------------------ writing */

void
mbuf_init(struct mbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void
mbuf_free(struct mbuf *b)
{
	if (b == NULL)
		return;
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static bool
mbuf_reserve(struct mbuf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->err)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap > 0 ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->err = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void
mbuf_add(struct mbuf *b, const void *p, size_t len)
{
	if (!mbuf_reserve(b, len))
		return;
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void
mbuf_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!mbuf_reserve(b, 256))
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = true;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (!mbuf_reserve(b, (size_t)n))
			return;
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
metrics_family(struct mbuf *b, const char *name, const char *type,
    const char *help)
{
	mbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void
metrics_u64(struct mbuf *b, const char *name, const char *labels, uint64_t v)
{
	if (labels != NULL && labels[0] != '\0')
		mbuf_printf(b, "%s{%s} %" PRIu64 "\n", name, labels, v);
	else
		mbuf_printf(b, "%s %" PRIu64 "\n", name, v);
}

void
metrics_double(struct mbuf *b, const char *name, const char *labels, double v)
{
	if (labels != NULL && labels[0] != '\0')
		mbuf_printf(b, "%s{%s} %.9g\n", name, labels, v);
	else
		mbuf_printf(b, "%s %.9g\n", name, v);
}

const char *
metrics_label_value(const char *v, char *buf, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return buf;
	for (; *v != '\0'; v++) {
		const char *e = NULL;

		if (*v == '\\')
			e = "\\\\";
		else if (*v == '"')
			e = "\\\"";
		else if (*v == '\n')
			e = "\\n";
		if (e != NULL) {
			if (o + 2 >= len)
				break;
			buf[o++] = e[0];
			buf[o++] = e[1];
		} else {
			if (o + 1 >= len)
				break;
			buf[o++] = *v;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* ------------------------------------------------------------ reading */

static bool
name_start(int c)
{
	return isalpha(c) || c == '_' || c == ':';
}

static bool
name_char(int c)
{
	return isalnum(c) || c == '_' || c == ':';
}

static void
sample_clear(struct metrics_sample *s)
{
	unsigned i;

	for (i = 0; i < s->nlabels; i++) {
		free(s->labels[i].key);
		free(s->labels[i].value);
	}
	free(s->labels);
	free(s->name);
	memset(s, 0, sizeof(*s));
}

void
metrics_set_free(struct metrics_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		sample_clear(&s->v[i]);
	free(s->v);
	free(s);
}

/* A label value from p (just after the opening quote) to its closing
 * quote: *out gets it unescaped, *pp points past the quote. */
static int
parse_value(const char **pp, const char *end, char **out)
{
	const char *p = *pp;
	char *v;
	size_t o = 0;

	if ((v = malloc((size_t)(end - p) + 1)) == NULL)
		return -ENOMEM;
	while (p < end && *p != '"') {
		if (*p == '\\') {
			if (++p >= end) {
				free(v);
				return -EINVAL;
			}
			if (*p == 'n')
				v[o++] = '\n';
			else if (*p == '\\' || *p == '"')
				v[o++] = *p;
			else {
				free(v);
				return -EINVAL;
			}
			p++;
		} else
			v[o++] = *p++;
	}
	if (p >= end) {
		free(v);
		return -EINVAL;
	}
	v[o] = '\0';
	*out = v;
	*pp = p + 1;
	return 0;
}

static int
parse_labels(const char **pp, const char *end, struct metrics_sample *s)
{
	const char *p = *pp;
	int rc;

	for (;;) {
		struct metrics_label *nl;
		const char *k;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == '}')
			break;
		if (p >= end || !name_start((unsigned char)*p))
			return -EINVAL;
		for (k = p; p < end && name_char((unsigned char)*p); p++)
			;
		if ((nl = realloc(s->labels, (s->nlabels + 1) *
		    sizeof(*nl))) == NULL)
			return -ENOMEM;
		s->labels = nl;
		nl = &s->labels[s->nlabels];
		if ((nl->key = strndup(k, (size_t)(p - k))) == NULL)
			return -ENOMEM;
		nl->value = NULL;
		s->nlabels++;
		if (p + 1 >= end || p[0] != '=' || p[1] != '"')
			return -EINVAL;
		p += 2;
		if ((rc = parse_value(&p, end, &nl->value)) != 0)
			return rc;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '}')
			break;
		return -EINVAL;
	}
	*pp = p + 1;
	return 0;
}

static int
parse_number(const char *p, const char *end, double *v)
{
	char tmp[64], *ep;
	size_t n = (size_t)(end - p);

	if (n == 0 || n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	if (strcmp(tmp, "+Inf") == 0 || strcmp(tmp, "Inf") == 0) {
		*v = INFINITY;
		return 0;
	}
	if (strcmp(tmp, "-Inf") == 0) {
		*v = -INFINITY;
		return 0;
	}
	if (strcmp(tmp, "NaN") == 0) {
		*v = NAN;
		return 0;
	}
	errno = 0;
	*v = strtod(tmp, &ep);
	if (ep == tmp || *ep != '\0' || errno == ERANGE)
		return -EINVAL;
	return 0;
}

static int
parse_line(const char *p, const char *end, struct metrics_sample *s)
{
	const char *n, *v;
	int rc;

	for (n = p; p < end && name_char((unsigned char)*p); p++)
		;
	if (p == n || !name_start((unsigned char)*n))
		return -EINVAL;
	if ((s->name = strndup(n, (size_t)(p - n))) == NULL)
		return -ENOMEM;
	if (p < end && *p == '{') {
		p++;
		if ((rc = parse_labels(&p, end, s)) != 0)
			return rc;
	}
	if (p >= end || (*p != ' ' && *p != '\t'))
		return -EINVAL;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (v = p; p < end && *p != ' ' && *p != '\t'; p++)
		;
	if ((rc = parse_number(v, p, &s->value)) != 0)
		return rc;
	/* an optional timestamp (integer milliseconds), ignored */
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end) {
		if (*p == '-')
			p++;
		for (v = p; p < end && isdigit((unsigned char)*p); p++)
			;
		if (p == v)
			return -EINVAL;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p != end)
			return -EINVAL;
	}
	return 0;
}

int
metrics_parse(const char *text, size_t len, struct metrics_set **out,
    struct parse_err *err)
{
	struct metrics_set *s;
	const char *p = text, *end = text + len;
	unsigned line = 0;
	size_t cap = 0;
	int rc = 0;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol != NULL ? eol : end;
		const char *q = p;

		line++;
		while (q < le && (*q == ' ' || *q == '\t'))
			q++;
		if (le > q && le[-1] == '\r')
			le--;
		if (q < le && *q != '#') {
			struct metrics_sample smp;

			if (s->n == cap) {
				struct metrics_sample *nv;
				size_t ncap = cap > 0 ? cap * 2 : 256;

				if ((nv = realloc(s->v, ncap * sizeof(*nv))) ==
				    NULL) {
					rc = -ENOMEM;
					goto out;
				}
				s->v = nv;
				cap = ncap;
			}
			memset(&smp, 0, sizeof(smp));
			if ((rc = parse_line(q, le, &smp)) != 0) {
				sample_clear(&smp);
				if (rc == -EINVAL)
					parse_err_set(err, line, 0,
					    "malformed metrics line");
				goto out;
			}
			s->v[s->n++] = smp;
		}
		p = eol != NULL ? eol + 1 : end;
	}
out:
	if (rc != 0) {
		metrics_set_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

const char *
metrics_label(const struct metrics_sample *s, const char *key)
{
	unsigned i;

	for (i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i].key, key) == 0)
			return s->labels[i].value;
	return NULL;
}

size_t
metrics_sum(const struct metrics_set *s, const char *name,
    const char *const *kv, double *sum)
{
	size_t i, n = 0;

	*sum = 0;
	for (i = 0; i < s->n; i++) {
		const struct metrics_sample *m = &s->v[i];
		const char *const *k;
		bool match = true;

		if (strcmp(m->name, name) != 0)
			continue;
		for (k = kv; k != NULL && k[0] != NULL && match; k += 2) {
			const char *v = metrics_label(m, k[0]);

			match = v != NULL && k[1] != NULL && strcmp(v, k[1]) == 0;
		}
		if (!match)
			continue;
		*sum += m->value;
		n++;
	}
	return n;
}
