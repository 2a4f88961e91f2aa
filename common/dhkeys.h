/*
 * dhkeys.h: the keys and the arithmetic of AUTH_DH (RFC 2695 section 2):
 * the public key database in the /etc/publickey format, the server's own
 * secret key file, the Diffie-Hellman common key and the DES conversation
 * key derived from it, DES in ECB and CBC mode (OpenSSL's legacy
 * provider), and netname2user.
 *
 * AUTH_DH is cryptographically broken: its 192-bit group (HEXMODULUS,
 * generator 3) was broken decades ago, and DES with it. It is here for
 * old clients on a network that is trusted anyway, never as protection.
 *
 * File formats:
 *   /etc/publickey (publickey(5) of Solaris and glibc), one key a line:
 *	netname  hexpublic:hexsecret-encrypted
 *     netname at most 255 bytes; hexpublic exactly 48 hex digits (192
 *     bits); what follows the colon (the owner's secret key, encrypted
 *     with the owner's password) is not read. Blank lines and lines
 *     starting with '#' are skipped; a netname given twice is an error.
 *   the server's secret key (dh-secretkey; keyserv does not exist on
 *   Debian, so it is read from a file), one line:
 *	netname  hexsecret
 *     the server's own netname (e.g. unix.nfsserver@example.org) and its
 *     secret key, 48 hex digits, in clear. The file must belong to root
 *     (or the user reading it) and have no permission for group or
 *     others (mode 0600 or 0400).
 */
#ifndef NFS_DHKEYS_H
#define NFS_DHKEYS_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/parse.h"

#define DH_HEXMODULUS	"d4a0ba0250b6fd2ec626e7efd637df76c716e22d0944b88b"
#define DH_GENERATOR	3
#define DH_HEXKEYBYTES	48	/* a 192-bit key in hex */
#define DH_MAXNETNAME	255	/* MAXNETNAMELEN */

/* ------------------------------------------------------------ key files */

struct dh_pubkeys;

/*
 * Read a publickey file. Returns 0 and *out (free with dh_pubkeys_free),
 * -EINVAL with err positioned for a malformed line, or -errno (open).
 */
int	dh_pubkeys_load(const char *path, struct dh_pubkeys **out,
	    struct parse_err *err);
/* The same from text (len bytes, need not end in a NUL), for tests. */
int	dh_pubkeys_parse(const char *text, size_t len, struct dh_pubkeys **out,
	    struct parse_err *err);
/* The 48 hex digits of netname's public key (NUL-terminated), or NULL. */
const char *dh_pubkeys_find(const struct dh_pubkeys *pk, const char *netname);
/* The number of keys. */
size_t	dh_pubkeys_count(const struct dh_pubkeys *pk);
void	dh_pubkeys_free(struct dh_pubkeys *pk);

/*
 * Read the server's secret key file: its netname (into netname, size
 * DH_MAXNETNAME + 1) and secret key (hexsecret, DH_HEXKEYBYTES + 1).
 * Returns 0, -EPERM (group or other may read it, or another user owns
 * it), -EINVAL with err positioned (malformed), or -errno.
 */
int	dh_secret_load(const char *path, char *netname, char *hexsecret,
	    struct parse_err *err);

/* ------------------------------------------------------------ crypto */

struct dh_crypto;

/*
 * DES (legacy provider, in a library context of its own) and the modulus.
 * Runs a self-test, and loads everything OpenSSL loads lazily, so that no
 * file is opened later (the daemons' seccomp filters). Returns NULL with
 * a reason in why (size whylen).
 */
struct dh_crypto *dh_crypto_new(char *why, size_t whylen);
void	dh_crypto_free(struct dh_crypto *c);

/*
 * The DES key both sides derive (RFC 2695 2.5): common = public^secret
 * mod HEXMODULUS; the key is the 64 bits in the middle of the 192, least
 * significant byte first (bits 64-71 are key[0]), then
 * dh_des_setparity(). hexpub/hexsecret are hex strings. Returns 0 or
 * -EINVAL (not hex, zero, or not below the modulus), -ENOMEM.
 */
int	dh_common_key(const struct dh_crypto *c, const char *hexpub,
	    const char *hexsecret, uint8_t key[8]);
/* What keyserv does to the key it derives (Sun's des_setparity()): in
 * each byte bit 7 cleared, bit 0 set to make the byte's parity odd. */
void	dh_des_setparity(uint8_t key[8]);
/*
 * DES of buf[0..len) in place, len a multiple of 8: ECB, or CBC with a
 * zero initial vector. enc true encrypts. Returns 0 or -EINVAL/-EIO.
 */
int	dh_des_ecb(const struct dh_crypto *c, const uint8_t key[8], bool enc,
	    uint8_t *buf, size_t len);
int	dh_des_cbc(const struct dh_crypto *c, const uint8_t key[8], bool enc,
	    uint8_t *buf, size_t len);

/* ------------------------------------------------------------ names */

/*
 * netname2user (RFC 2695 2.1): "unix.<uid>@<domain>", the uid in decimal
 * and domain equal to `domain`, to that uid's passwd entry: *uid, *gid
 * and its group list (getgrouplist, at most maxgroups kept) in groups
 * and *ngroups. Returns 0, -EINVAL (not a user netname of that domain) or
 * -ENOENT (no such user), -ENOMEM.
 */
int	dh_netname2user(const char *netname, const char *domain, uid_t *uid,
	    gid_t *gid, gid_t *groups, unsigned *ngroups, unsigned maxgroups);
/* The domain of a netname ("unix.x@dom" -> "dom"), or NULL if none. */
const char *dh_netname_domain(const char *netname);

#endif
