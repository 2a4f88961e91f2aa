/*
 * util.c: small string helpers and the parse error formatter.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/parse.h"
#include "common/util.h"

size_t
str_copy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size > 0) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

int
parse_err_set(struct parse_err *err, unsigned line, unsigned col,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -EINVAL;
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int
parse_port(const char *s, long min, long *port)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}
