/*
 * cookie.h: READDIR/READDIRPLUS pieces that need no filesystem: the cookie
 * verifier, the XDR size of each entry, and the reply budget (RFC 1813
 * 3.3.16, 3.3.17).
 *
 * Cookies are the filesystem's own d_off values from getdents64(2): on ext4
 * a 63-bit hash position, on tmpfs a stable index, so they stay valid while
 * the directory changes and across server restarts. The verifier therefore
 * only names the directory (export id and inode number): it is the same
 * after a restart and it tells a cookie meant for another directory.
 */
#ifndef NFSD_COOKIE_H
#define NFSD_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NFSD_VERF_LEN		8

/* Most entries in one reply: the XDR encoder recurses once per entry. */
#define NFSD_DIR_MAXENT		4096

/* Largest cookie we accept (d_off is a signed 64-bit offset). */
#define NFSD_COOKIE_MAX		INT64_MAX

/* The verifier of a directory: never all zeroes. */
void	nfsd_cookieverf(uint32_t export_id, uint64_t ino,
	    uint8_t verf[NFSD_VERF_LEN]);
/*
 * May a client go on from cookie with verifier verf in this directory?
 * Cookie 0 (start) always; otherwise verf must be ours, or all zeroes
 * (clients that do not keep verifiers), and the cookie fit in an off_t.
 */
bool	nfsd_cookie_ok(uint64_t cookie, const uint8_t verf[NFSD_VERF_LEN],
	    uint32_t export_id, uint64_t ino);

/* XDR sizes in bytes. */
size_t	nfsd_xdr_entry3(size_t namelen);
/* attrs: name_attributes present; fhlen: handle length, or -1 if none. */
size_t	nfsd_xdr_entryplus3(size_t namelen, bool attrs, int fhlen);
/* What an entry counts against READDIRPLUS dircount: fileid, name,
 * cookie (attributes and handle excluded, as the RFC says). */
size_t	nfsd_xdr_dirbytes(size_t namelen);
/* A READDIR3res/READDIRPLUS3res with no entries: status, dir attributes,
 * verifier, end of list, eof. */
size_t	nfsd_xdr_dir_overhead(void);

/*
 * The room left in a reply. maxcount bounds the whole result; dircount
 * (0: no limit) the directory part. The first entry is always allowed
 * past dircount (a hint), never past maxcount.
 */
struct nfsd_dirbudget {
	size_t		max, used;
	size_t		dmax, dused;
	unsigned	n, nmax;
};

/* Returns false if not even an empty reply fits in maxcount. */
bool	nfsd_dirbudget_init(struct nfsd_dirbudget *b, size_t maxcount,
	    size_t dircount, unsigned nmax);
/* Account one entry; false (nothing taken) if it does not fit. */
bool	nfsd_dirbudget_take(struct nfsd_dirbudget *b, size_t size, size_t dsize);

#endif
