/*
 * xdr_write.c: WRITE3args without copying the data. The generated decoder
 * would malloc up to 1 MiB and copy the data out of the call record; this
 * one points data_val into the record itself (XDR_INLINE), which lives
 * until the reply has been sent. It frees only what it allocated (the
 * handle), never data_val.
 *
 * Any flavour that unwraps arguments into a buffer of its own (RPCSEC_GSS
 * integrity and privacy) must keep that buffer until the request is done.
 */
#include "nfsd/nfsd_procs.h"

bool_t
xdr_WRITE3args_inline(XDR *x, WRITE3args *a)
{
	u_int len;
	char *p;

	switch (x->x_op) {
	case XDR_ENCODE:
		return xdr_WRITE3args(x, a);
	case XDR_FREE:
		return xdr_nfs_fh3(x, &a->file);
	case XDR_DECODE:
		break;
	}
	if (!xdr_nfs_fh3(x, &a->file) || !xdr_offset3(x, &a->offset) ||
	    !xdr_count3(x, &a->count) || !xdr_stable_how(x, &a->stable) ||
	    !xdr_u_int(x, &len) || len > NFS3_MAXDATA)
		return FALSE;
	/* the data and its padding, in place */
	if ((p = (char *)XDR_INLINE(x, (int)((len + 3) & ~3u))) == NULL) {
		/* not a memory stream: fall back to a copy */
		a->data.data_len = len;
		a->data.data_val = NULL;
		return FALSE;
	}
	a->data.data_len = len;
	a->data.data_val = len > 0 ? p : NULL;
	return TRUE;
}
