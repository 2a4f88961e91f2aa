/*
 * fh.h: the NFS file handle codec (pure: no I/O except the key file).
 *
 * A handle carries the export's id and volume id, the kernel's own handle
 * from name_to_handle_at(2), and a truncated HMAC-SHA-256 over all of it
 * keyed with a per-server secret, so a client can neither forge a handle
 * nor move one to another export.  The wire layout is described at the
 * top of fh.c.  The Linux side (name_to_handle_at, open_by_handle_at,
 * containment) is in fh_resolve.h.
 */
#ifndef NFS_FH_H
#define NFS_FH_H

#include <stddef.h>
#include <stdint.h>

#define FH_VERSION		1	/* wire format version, byte 0 */

/* Forms: byte 1 of every handle. */
#define FH_FORM_V3		3	/* NFSv3: variable length, at most 64 bytes */
#define FH_FORM_V2		2	/* NFSv2: exactly 32 bytes */

#define FH_V3_MAXSIZE		64	/* RFC 1813 NFS3_FHSIZE */
#define FH_V2_SIZE		32	/* RFC 1094 FHSIZE */
#define FH_MAXSIZE		FH_V3_MAXSIZE

#define FH_VOLID_LEN		16	/* volume id, see fh_resolve.h */
#define FH_KHANDLE_MAX		28	/* largest kernel handle a v3 handle holds */
#define FH_V2_KHANDLE_MAX	12	/* largest kernel handle a v2 handle holds */

#define FH_KEY_LEN		32	/* bytes of secret in the key file */

/*
 * The server's handle key.  Treat as opaque: raw is the secret from the key
 * file, the two states are the precomputed HMAC inner and outer SHA-256
 * states, so each handle costs two compression-function calls.
 */
struct fh_key {
	uint8_t		raw[FH_KEY_LEN];
	uint32_t	istate[8];
	uint32_t	ostate[8];
};

/* The kernel's handle: struct file_handle's handle_type and bytes. */
struct fh_khandle {
	int		type;		/* 0..255 (one byte on the wire) */
	unsigned	len;		/* 1..FH_KHANDLE_MAX */
	uint8_t		bytes[FH_KHANDLE_MAX];
};

/* What a handle names. */
struct fh_fields {
	int		form;		/* FH_FORM_V3 / FH_FORM_V2 (set by decode) */
	uint32_t	export_id;	/* the issuing export, chosen by the caller */
	/*
	 * The export's volume id.  A v3 handle carries all 16 bytes; a v2
	 * handle only vol_hash, and decode leaves volid zero.  Compare with
	 * fh_match_export(), which handles both forms.
	 */
	uint8_t		volid[FH_VOLID_LEN];
	uint32_t	vol_hash;	/* fh_volid_hash(volid); set by decode */
	struct fh_khandle kh;
};

/*
 * Build a key from FH_KEY_LEN secret bytes (precomputes the HMAC states).
 * Returns 0.
 */
int	fh_key_init(struct fh_key *key, const uint8_t raw[FH_KEY_LEN]);
/* A fresh random key from getrandom(2).  Returns 0 or -errno. */
int	fh_key_generate(struct fh_key *key);
/*
 * Load the key from path, or create it there if it does not exist yet: a
 * new random key is written to a 0600 temp file in the same directory,
 * fsynced and link(2)ed to path, so two daemons starting together agree on
 * one key (the loser of the race loads the winner's).  An existing file is
 * refused unless it is a regular file (no symlink) owned by the effective
 * uid, with no group/other permission bits (-EPERM), of exactly
 * FH_KEY_LEN bytes (-EINVAL).  Returns 0 or -errno.
 */
int	fh_key_load_or_create(const char *path, struct fh_key *key);
/* Wipe a key. */
void	fh_key_clear(struct fh_key *key);

/*
 * Encode f as a handle of the given form into out, which holds *lenp bytes
 * (FH_MAXSIZE is always enough); on success *lenp is the handle's length.
 * f->form, f->vol_hash are ignored (computed).  Returns 0, -EINVAL (bad
 * form, zero-length kernel handle, handle type > 255), -EOVERFLOW (the
 * kernel handle does not fit the form) or -ENOBUFS (out too small).
 */
int	fh_encode(const struct fh_key *key, const struct fh_fields *f, int form,
	    uint8_t *out, size_t *lenp);
/*
 * Decode and authenticate a handle of len bytes.  Returns 0 and fills *f,
 * or -EBADMSG for anything that is not exactly a handle we issued with this
 * key (unknown version or form, wrong length, nonzero padding, bad MAC; the
 * MAC is compared in constant time).  *f is zeroed on failure.
 */
int	fh_decode(const struct fh_key *key, const uint8_t *buf, size_t len,
	    struct fh_fields *f);
/*
 * Check that a decoded handle belongs to the export with this id and volume
 * id (the full volid for v3 handles, its hash for v2).  Returns 0 or
 * -ESTALE.
 */
int	fh_match_export(const struct fh_fields *f, uint32_t export_id,
	    const uint8_t volid[FH_VOLID_LEN]);
/* The 32-bit volume id hash a v2 handle carries (first bytes of SHA-256). */
uint32_t fh_volid_hash(const uint8_t volid[FH_VOLID_LEN]);

/*
 * HMAC-SHA-256 of msg with key's secret, full 32 bytes; exposed for the
 * known-answer tests.
 */
void	fh_hmac(const struct fh_key *key, const void *msg, size_t len,
	    uint8_t out[32]);
/* SHA-256, exposed for the known-answer tests. */
void	fh_sha256(const void *msg, size_t len, uint8_t out[32]);
/* The SHA extensions' compression against the portable one on 256 chained
 * blocks: 1 the same, -1 different, 0 this CPU has no SHA extensions. */
int	fh_sha256_selftest(void);

#endif
