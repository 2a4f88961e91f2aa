/*
 * auth_dh.h: AUTH_DH (flavour 3, RFC 2695 section 2; AUTH_DES of old) in
 * the RPC server core.
 *
 * Every server decodes AUTH_DH calls strictly (both credential forms,
 * exact lengths, a netname of 1 to 255 bytes) and, unless AUTH_DH was
 * enabled, refuses them with AUTH_TOOWEAK, logging the netname the call
 * claims (unverified) at notice. Enabled (rpc_srv_enable_dh, [global]
 * auth-dh = yes), the call is verified as RFC 2695 specifies and the
 * caller's netname "unix.<uid>@<domain>" becomes that user with the
 * groups of the passwd and group databases.
 *
 * AUTH_DH is broken: its 192-bit Diffie-Hellman group and DES fall to any
 * determined attacker, and it never protected the data of a call. It is
 * only for old clients that can speak nothing else.
 *
 * Wire formats (RFC 2695 2.3-2.4), all in XDR:
 *   credential  namekind: ADN_FULLNAME (0) { string name<255>;
 *               des_block key (E_ck(conversation key), ECB);
 *               opaque w1[4] (window, CBC) } or ADN_NICKNAME (1)
 *               { unsigned nickname }
 *   verifier    flavour 3, 12 bytes: des_block timestamp (seconds,
 *               microseconds); opaque w2[4]. Fullname: the 16 bytes
 *               (timestamp, window, window - 1) are encrypted with the
 *               conversation key in CBC mode, zero IV; w1 is the third
 *               word, w2 the fourth. Nickname: the timestamp alone, ECB;
 *               w2 is not used.
 *   reply verf  flavour 3, 12 bytes: E(timestamp - 1 second) (ECB), the
 *               nickname for later calls, in clear.
 * The errors (RFC 5531 auth_stat, chosen by what the RFCs say each means):
 *   AUTH_BADCRED       malformed credential; no public key for the
 *                      netname; the window verifier does not decrypt to
 *                      window - 1 (a wrong key); a window of 0 or over
 *                      DH_MAX_WINDOW seconds
 *   AUTH_BADVERF       malformed verifier (not flavour 3, not 12 bytes);
 *                      microseconds over 999999 in a fullname verifier
 *   AUTH_REJECTEDCRED  a replayed fullname credential (the same netname
 *                      and conversation key, a timestamp not after the
 *                      last one); a nickname the server never issued or
 *                      no longer holds: "client must begin new session"
 *   AUTH_REJECTEDVERF  a timestamp outside the window (expired, or
 *                      further ahead of the server's clock than the
 *                      window); a nickname call whose timestamp is not
 *                      after the last one (a replay)
 *   AUTH_TOOWEAK       every AUTH_DH call while AUTH_DH is not enabled
 */
#ifndef NFS_RPC_AUTH_DH_H
#define NFS_RPC_AUTH_DH_H

#include <sys/time.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/rpc/rpc_srv.h"

#define ADN_FULLNAME		0
#define ADN_NICKNAME		1
#define DH_VERF_LEN		12
#define DH_MAX_WINDOW		86400	/* seconds a client may ask for */
#define DH_NICKNAMES		1024	/* nicknames a server holds */

/* A decoded credential (RFC 2695 2.3). */
struct authdh_cred {
	uint32_t	namekind;		/* ADN_* */
	char		netname[256];		/* fullname */
	uint8_t		key[8];			/* fullname: E_ck(K) */
	uint8_t		w1[4];			/* fullname: encrypted window */
	uint32_t	nickname;		/* nickname */
};

/* A decoded call verifier. */
struct authdh_verf {
	uint8_t		ts[8];			/* encrypted timestamp */
	uint8_t		w2[4];
};

/* Decode a credential body strictly: 0 or -EINVAL (AUTH_BADCRED). */
int	authdh_decode_cred(const struct rpc_opaque *o, struct authdh_cred *c);
/* Decode the verifier: 0 or -EINVAL (AUTH_BADVERF). */
int	authdh_decode_verf(const struct rpc_opaque *o, struct authdh_verf *v);

/* ------------------------------------------------------------ verification */

struct dh_srv;
struct dh_pubkeys;
struct dh_crypto;

/*
 * A verifier for server netname with secret key hexsecret, taking
 * ownership of pk and c, holding at most nicknames (2 to 65535)
 * nicknames. NULL on allocation failure (pk and c are freed then too).
 */
struct dh_srv *dh_srv_new(struct dh_pubkeys *pk, struct dh_crypto *c,
	    const char *netname, const char *hexsecret, unsigned nicknames);
void	dh_srv_free(struct dh_srv *d);
/*
 * Verify one call at time now (RFC 2695 2.3-2.4). Returns AUTH_OK with
 * out filled (flavor CRED_AUTH_DH, principal the netname, uid/gid/groups
 * of the mapped user, or uid and gid (uid_t)-1 when the netname names no
 * local user) and rverf the 12-byte reply verifier; or the auth_stat to
 * refuse the call with (see above).
 */
enum auth_stat dh_srv_verify(struct dh_srv *d, const struct authdh_cred *cr,
	    const struct authdh_verf *v, const struct timeval *now,
	    struct cred *out, uint8_t rverf[DH_VERF_LEN]);
/* Nicknames in use (for tests and logs). */
unsigned dh_srv_nicknames(struct dh_srv *d);

/*
 * Verify AUTH_DH calls on srv from now on, with the public keys of file
 * publickey and the server's secret key file secretkey (dhkeys.h). Call
 * before the sandbox is entered. Returns 0, or -errno with a reason in
 * why. (auth_dh_verify.c: only a program that calls this links the
 * verifier and libcrypto.)
 */
int	rpc_srv_enable_dh(struct rpc_srv *srv, const char *publickey,
	    const char *secretkey, char *why, size_t whylen);
/* Is AUTH_DH verified on srv (MOUNT replies offer flavour 3 then)? */
bool	rpc_srv_dh_enabled(const struct rpc_srv *srv);

/* For the core (server.c): set up the refusing flavour, and free it. */
int	auth_dh_attach(struct rpc_srv *srv);
void	auth_dh_detach(struct rpc_srv *srv);

#endif
