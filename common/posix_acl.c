/*
 * posix_acl.c: POSIX ACLs between Linux's extended attribute value and the
 * NFS_ACL protocol's entries (the two layouts are described in
 * posix_acl.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/posix_acl.h"

#define XATTR_HDR	4	/* u32 version */
#define XATTR_ENT	8	/* u16 tag, u16 perm, u32 id */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static bool
named(uint16_t tag)
{
	return tag == PACL_USER || tag == PACL_GROUP;
}

size_t
pacl_xattr_size(unsigned n)
{
	return XATTR_HDR + (size_t)n * XATTR_ENT;
}

int
pacl_from_xattr(const void *buf, size_t len, struct pacl *acl)
{
	const uint8_t *p = buf;
	size_t n, i;

	acl->n = 0;
	if (len < XATTR_HDR || (len - XATTR_HDR) % XATTR_ENT != 0 ||
	    get32(p) != PACL_XATTR_VERSION)
		return -EINVAL;
	n = (len - XATTR_HDR) / XATTR_ENT;
	if (n > PACL_MAX_ENTRIES)
		return -E2BIG;
	for (i = 0, p += XATTR_HDR; i < n; i++, p += XATTR_ENT) {
		acl->e[i].tag = get16(p);
		acl->e[i].perm = get16(p + 2);
		acl->e[i].id = named(acl->e[i].tag) ? get32(p + 4) :
		    PACL_UNDEFINED_ID;
	}
	acl->n = (unsigned)n;
	if (n > 0 && pacl_valid(acl) != 0) {
		acl->n = 0;
		return -EINVAL;
	}
	return 0;
}

ssize_t
pacl_to_xattr(const struct pacl *acl, void *buf, size_t len)
{
	size_t need = pacl_xattr_size(acl->n);
	uint8_t *p = buf;
	unsigned i;

	if (len < need)
		return -ERANGE;
	put32(p, PACL_XATTR_VERSION);
	for (i = 0, p += XATTR_HDR; i < acl->n; i++, p += XATTR_ENT) {
		put16(p, acl->e[i].tag);
		put16(p + 2, acl->e[i].perm);
		put32(p + 4, named(acl->e[i].tag) ? acl->e[i].id :
		    PACL_UNDEFINED_ID);
	}
	return (ssize_t)need;
}

void
pacl_from_mode(mode_t mode, struct pacl *acl)
{
	acl->n = 3;
	acl->e[0] = (struct pacl_entry){ PACL_USER_OBJ,
	    (uint16_t)((mode >> 6) & PACL_PERM_BITS), PACL_UNDEFINED_ID };
	acl->e[1] = (struct pacl_entry){ PACL_GROUP_OBJ,
	    (uint16_t)((mode >> 3) & PACL_PERM_BITS), PACL_UNDEFINED_ID };
	acl->e[2] = (struct pacl_entry){ PACL_OTHER,
	    (uint16_t)(mode & PACL_PERM_BITS), PACL_UNDEFINED_ID };
}

int
pacl_valid(const struct pacl *acl)
{
	/* the state is the tag the next entry may have (0: no more) */
	unsigned state = PACL_USER_OBJ, i;
	bool needs_mask = false, have_prev = false;
	uint32_t prev = 0;

	if (acl->n > PACL_MAX_ENTRIES)
		return -EINVAL;
	for (i = 0; i < acl->n; i++) {
		const struct pacl_entry *e = &acl->e[i];

		if (e->perm & ~PACL_PERM_BITS)
			return -EINVAL;
		switch (e->tag) {
		case PACL_USER_OBJ:
			if (state != PACL_USER_OBJ)
				return -EINVAL;
			state = PACL_USER;
			have_prev = false;
			break;
		case PACL_USER:
		case PACL_GROUP:
			if (state != e->tag || e->id == PACL_UNDEFINED_ID ||
			    (have_prev && e->id <= prev))
				return -EINVAL;
			prev = e->id;
			have_prev = true;
			needs_mask = true;
			break;
		case PACL_GROUP_OBJ:
			if (state != PACL_USER)
				return -EINVAL;
			state = PACL_GROUP;
			have_prev = false;
			break;
		case PACL_MASK:
			if (state != PACL_GROUP)
				return -EINVAL;
			state = PACL_OTHER;
			break;
		case PACL_OTHER:
			if (state != PACL_OTHER &&
			    (state != PACL_GROUP || needs_mask))
				return -EINVAL;
			state = 0;
			break;
		default:
			return -EINVAL;
		}
	}
	return state == 0 ? 0 : -EINVAL;
}

bool
pacl_is_minimal(const struct pacl *acl)
{
	unsigned i;

	for (i = 0; i < acl->n; i++)
		if (acl->e[i].tag != PACL_USER_OBJ &&
		    acl->e[i].tag != PACL_GROUP_OBJ &&
		    acl->e[i].tag != PACL_OTHER)
			return false;
	return true;
}

unsigned
pacl_nfs_count(const struct pacl *acl)
{
	if (acl->n == 0)
		return 0;
	return acl->n < 4 ? 4 : acl->n;
}

static void
to_ent(const struct pacl_entry *e, uint32_t uid, uint32_t gid, bool dflt,
    aclent *out)
{
	out->type = e->tag | (dflt ? NFS_ACL_DEFAULT : 0);
	switch (e->tag) {
	case PACL_USER_OBJ:
		out->id = uid;
		break;
	case PACL_GROUP_OBJ:
		out->id = gid;
		break;
	case PACL_USER:
	case PACL_GROUP:
		out->id = e->id;
		break;
	default:
		out->id = 0;		/* Solaris depends on it (Linux) */
		break;
	}
	out->perm = e->perm & PACL_PERM_BITS;
}

int
pacl_to_nfs(const struct pacl *acl, uint32_t uid, uint32_t gid, bool dflt,
    aclent *out, unsigned max)
{
	unsigned n = pacl_nfs_count(acl), i;
	struct pacl_entry mask;

	if (n > max)
		return -ERANGE;
	if (acl->n == 3) {
		/* owner, group, mask = group, other: the order Solaris
		 * wants (Linux) */
		mask = acl->e[1];
		mask.tag = PACL_MASK;
		mask.id = PACL_UNDEFINED_ID;
		to_ent(&acl->e[0], uid, gid, dflt, &out[0]);
		to_ent(&acl->e[1], uid, gid, dflt, &out[1]);
		to_ent(&mask, uid, gid, dflt, &out[2]);
		to_ent(&acl->e[2], uid, gid, dflt, &out[3]);
		return 4;
	}
	for (i = 0; i < acl->n; i++)
		to_ent(&acl->e[i], uid, gid, dflt, &out[i]);
	return (int)n;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct pacl_entry *x = a, *y = b;

	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return 0;
}

int
pacl_from_nfs(const aclent *in, unsigned n, struct pacl *acl)
{
	struct pacl_entry *group_obj = NULL, *mask = NULL;
	unsigned i;
	uint32_t tag;

	acl->n = 0;
	if (n > PACL_MAX_ENTRIES)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		tag = in[i].type & ~(uint32_t)NFS_ACL_DEFAULT;
		switch (tag) {
		case PACL_USER_OBJ:
		case PACL_USER:
		case PACL_GROUP_OBJ:
		case PACL_GROUP:
		case PACL_OTHER:
			if (in[i].perm & ~(uint32_t)PACL_PERM_BITS)
				return -EINVAL;
			break;
		case PACL_MASK:
			break;		/* Solaris sets more bits (Linux) */
		default:
			return -EINVAL;
		}
		acl->e[i].tag = (uint16_t)tag;
		acl->e[i].perm = (uint16_t)(in[i].perm & PACL_PERM_BITS);
		acl->e[i].id = named((uint16_t)tag) ? in[i].id :
		    PACL_UNDEFINED_ID;
		if (named((uint16_t)tag) && in[i].id == PACL_UNDEFINED_ID)
			return -EINVAL;
	}
	if ((acl->n = n) == 0)
		return 0;	/* no ACL */
	qsort(acl->e, n, sizeof(acl->e[0]), cmp_entry);
	for (i = 0; i < n; i++) {
		if (acl->e[i].tag == PACL_GROUP_OBJ)
			group_obj = &acl->e[i];
		else if (acl->e[i].tag == PACL_MASK)
			mask = &acl->e[i];
	}
	/* the minimal ACL in Solaris' form: its mask is the group entry */
	if (n == 4 && group_obj != NULL && mask != NULL &&
	    mask->perm == group_obj->perm) {
		memmove(mask, mask + 1,
		    (size_t)(&acl->e[n] - (mask + 1)) * sizeof(*mask));
		acl->n = 3;
	}
	if (pacl_valid(acl) != 0) {
		acl->n = 0;
		return -EINVAL;
	}
	return 0;
}
