/*
 * xdr_cstring.c: the string codec the generated XDR uses (the Makefile
 * points rpcgen's xdr_string calls here). It is libtirpc's xdr_string
 * with one more rule when decoding: a string that carries a NUL byte is
 * refused (GARBAGE_ARGS), where xdr_string would silently cut it there,
 * so "a\0b" could never reach a handler as the different name "a".
 */
#include <stdlib.h>
#include <string.h>

#include "xdr/xdr_cstring.h"

bool_t
xdr_cstring(XDR *xdrs, char **cpp, u_int maxsize)
{
	char *sp = *cpp;
	u_int size;

	switch (xdrs->x_op) {
	case XDR_FREE:
	case XDR_ENCODE:
		return xdr_string(xdrs, cpp, maxsize);
	case XDR_DECODE:
		break;
	default:
		return FALSE;
	}
	if (!xdr_u_int(xdrs, &size) || size > maxsize || size + 1 == 0)
		return FALSE;
	if (sp == NULL && (*cpp = sp = malloc((size_t)size + 1)) == NULL)
		return FALSE;
	sp[size] = '\0';
	if (!xdr_opaque(xdrs, sp, size) || memchr(sp, '\0', size) != NULL) {
		free(sp);
		*cpp = NULL;
		return FALSE;
	}
	return TRUE;
}
