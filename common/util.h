/*
 * util.h: small helpers every file may use.
 */
#ifndef NFS_UTIL_H
#define NFS_UTIL_H

#include <stddef.h>

#define UNUSED		__attribute__((unused))
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* strlcpy semantics: returns strlen(src); dst always terminated if size > 0. */
size_t	str_copy(char *dst, const char *src, size_t size);

#endif
