/*
 * util.h: small helpers every file may use.
 */
#ifndef NFS_UTIL_H
#define NFS_UTIL_H

#include <stddef.h>

#define UNUSED		__attribute__((unused))
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* A port number in [min, 65535] (min 0 allows "any free port"): 0 and
 * *port, or -EINVAL. */
int	parse_port(const char *s, long min, long *port);

/* strlcpy semantics: returns strlen(src); dst always terminated if size > 0. */
size_t	str_copy(char *dst, const char *src, size_t size);

#endif
