/*
 * statd_name.c: what a host name may be, numeric names, logging untrusted
 * strings, and the log limiter.
 *
 * A mon_name or my_name becomes a file name in sm/ and sm.bak/ and a word
 * in log lines and in the record files, so it is held to printable ASCII
 * without blanks or '/', and may not start with '.' (no ".", "..", no
 * hidden or temporary file). Host names and numeric addresses (IPv6 too:
 * ':' and '%' are printable) all fit. The length limit is the file-name
 * limit (less the room of the temporary file), not the protocol's 1024.
 */
#include <sys/socket.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "common/log.h"
#include "statd/statd.h"

/* sm/.NAME.xxxxxxxx (atomic_write_file's temporary) must fit NAME_MAX */
_Static_assert(STATD_NAME_MAX + 10 <= NAME_MAX, "STATD_NAME_MAX too long");

#define STR_(x)	#x
#define STR(x)	STR_(x)

const char *
statd_name_invalid(const char *name)
{
	const unsigned char *p;
	size_t n;

	if (name == NULL || name[0] == '\0')
		return "empty";
	n = strlen(name);
	if (n > STATD_NAME_MAX)
		return "longer than " STR(STATD_NAME_MAX) " bytes";
	if (name[0] == '.')
		return "starts with '.'";
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p == '/')
			return "contains '/'";
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\v' || *p == '\f')
			return "contains a blank";
		if (*p < 0x20 || *p == 0x7f)
			return "contains a control character";
		if (*p > 0x7f)
			return "contains a byte outside ASCII";
	}
	return NULL;
}

bool
statd_callback_allowed(uint32_t prog, uint32_t vers, uint32_t proc)
{
	(void)vers;
	return prog == 100021 && (proc == 16 || proc == 24);
}

bool
statd_name_numeric(const char *name, struct sockaddr_storage *ss)
{
	struct sockaddr_storage tmp;
	socklen_t len;

	return addr_pton(name, ss != NULL ? ss : &tmp, &len) == 0;
}

void
statd_name_key(const char *name, char *key)
{
	size_t i;

	for (i = 0; i < STATD_NAME_MAX && name[i] != '\0'; i++)
		key[i] = (char)tolower((unsigned char)name[i]);
	key[i] = '\0';
}

const char *
statd_name_safe(const char *s, char *buf, size_t len)
{
	size_t i;

	if (len == 0)
		return buf;
	for (i = 0; s != NULL && s[i] != '\0' && i + 1 < len; i++)
		buf[i] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}
