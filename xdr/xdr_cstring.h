/*
 * xdr_cstring.h: see xdr_cstring.c. Included first by every generated
 * XDR file.
 */
#ifndef NFS_XDR_CSTRING_H
#define NFS_XDR_CSTRING_H

#include <rpc/rpc.h>

/* xdr_string, refusing to decode a string with a NUL byte inside. */
bool_t	xdr_cstring(XDR *xdrs, char **cpp, u_int maxsize);

#endif
