# nfs-suite: the one non-recursive Makefile.
#
# ./configure (autoconf) writes config.mk; everything else is here. Objects and
# generated XDR go to $(B) (default build/), never into the source tree, so
#   make SANITIZE=1 CC=clang B=build-san
# builds an AddressSanitizer + UBSan tree beside the normal one.
#
# Sources are found by directory: common/ and common/rpc/ form libnfscommon.a,
# xdr/*.x are run through rpcgen into libnfsxdr.a, and each daemon directory is
# linked into one program (see DAEMONS). Unit tests are tests/unit/test_*.c.

ifeq ($(wildcard config.mk),)
# A fresh clone: install what is missing, run autoreconf + configure, go on.
.DEFAULT_GOAL := all
all check check-one demo demo-stop install uninstall deb bench unit integration kernel-check clean:
	@./scripts/bootstrap
	@$(MAKE) --no-print-directory $@
else
include config.mk

B		?= build
SANITIZE	?= 0
DESTDIR		?=

WARN		:= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla
BASE_CFLAGS	:= -std=c11 -D_GNU_SOURCE -pthread -g -O2 -fno-strict-aliasing \
		   -fstack-protector-strong
ifeq ($(SANITIZE),1)
BASE_CFLAGS	+= -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
SAN_LDFLAGS	:= -fsanitize=address,undefined
endif
PATHS		:= -DSYSCONFDIR='"$(sysconfdir)"' \
		   -DSTATEDIR='"$(localstatedir)/lib/nfs-suite"' \
		   -DRUNSTATEDIR='"$(runstatedir)"' \
		   -DPACKAGE_VERSION='"$(PACKAGE_VERSION)"'
INCS		:= -I. -I$(B) $(TIRPC_CFLAGS) $(GSSAPI_CFLAGS) $(SECCOMP_CFLAGS) \
		   $(CRYPTO_CFLAGS)
ALL_CFLAGS	= $(BASE_CFLAGS) $(WARN) $(PATHS) $(INCS) $(CONF_CPPFLAGS) $(CONF_CFLAGS_EXTRA)
# Generated XDR gets its own, quieter flags (rpcgen's -c output has unused
# variables); it is still compiled with the sanitizers when they are on.
XDR_CFLAGS	= $(BASE_CFLAGS) -Wall -Wno-unused-variable -Wno-unused-parameter $(INCS)
# libcrypto only where AUTH_DH's verifier is linked in (rpc.nfsd and
# rpc.mountd call rpc_srv_enable_dh): --as-needed drops it from the others
LDLIBS		:= $(TIRPC_LIBS) $(GSSAPI_LIBS) $(SECCOMP_LIBS) -lpthread \
		   -Wl,--push-state,--as-needed $(CRYPTO_LIBS) -Wl,--pop-state
ALL_LDFLAGS	= $(CONF_LDFLAGS) $(SAN_LDFLAGS) -pthread

# ---------------------------------------------------------------- XDR
XDR_X		:= $(wildcard xdr/*.x)
XDR_H		:= $(XDR_X:%.x=$(B)/%.h)
XDR_C		:= $(XDR_X:%.x=$(B)/%_xdr.c)
XDR_O		:= $(XDR_C:%.c=%.o) $(patsubst %.c,$(B)/%.o,$(wildcard xdr/*.c))
LIBXDR		:= $(B)/libnfsxdr.a

# rpcgen refuses to overwrite its outputs, and rebuilding objects is slow:
# make deletes no intermediate file (generated XDR, test objects).
.SECONDARY:
$(B)/xdr/%.h: xdr/%.x
	@mkdir -p $(dir $@)
	@rm -f $@
	$(RPCGEN) -h -o $@ $<
# Generated decoders use xdr_cstring (xdr/xdr_cstring.c): xdr_string that
# refuses strings with a NUL inside instead of cutting them short.
$(B)/xdr/%_xdr.c: xdr/%.x
	@mkdir -p $(dir $@)
	@rm -f $@ $@.tmp
	$(RPCGEN) -c -o $@.tmp $<
	{ echo '#include "xdr/xdr_cstring.h"'; \
	  sed 's/\<xdr_string (/xdr_cstring (/' $@.tmp; } > $@
	@rm -f $@.tmp
$(B)/xdr/%_xdr.o: $(B)/xdr/%_xdr.c $(XDR_H) $(FLAGS_STAMP)
	$(CC) $(XDR_CFLAGS) -c -o $@ $<
$(LIBXDR): $(XDR_O)
	@rm -f $@
	$(AR) rcs $@ $^

# ---------------------------------------------------------------- common
COMMON_SRC	:= $(wildcard common/*.c common/rpc/*.c)
COMMON_O	:= $(COMMON_SRC:%.c=$(B)/%.o)
LIBCOMMON	:= $(B)/libnfscommon.a
$(LIBCOMMON): $(COMMON_O)
	@rm -f $@
	$(AR) rcs $@ $^

# Rebuild everything when the flags change (configure, SANITIZE, CC).
FLAGS_STAMP	:= $(B)/.flags
$(shell mkdir -p $(B); echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $(FLAGS_STAMP) || \
	echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $(FLAGS_STAMP))

# Our C: every object waits for the generated headers.
$(B)/%.o: %.c $(FLAGS_STAMP) | $(XDR_H)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# ---------------------------------------------------------------- programs
# Each daemon directory links into one program; TOOLS are single-file programs
# that live beside the daemon they talk to.
# A daemon directory holding a .wip file is under construction: not built.
DAEMONS		:= $(foreach d,rpcbind mountd nfsd lockd statd rquotad,\
		   $(if $(wildcard $(d)/.wip),,$(d)))
rpcbind_PROG	:= rpcbind
mountd_PROG	:= rpc.mountd
nfsd_PROG	:= rpc.nfsd
lockd_PROG	:= rpc.lockd
statd_PROG	:= rpc.statd
rquotad_PROG	:= rpc.rquotad
TOOLS		:= $(wildcard mountd/exportfs.c nfsd/nfs-suite-stat.c)

define daemon_rules
$(1)_SRC	:= $$(filter-out $$(TOOLS),$$(wildcard $(1)/*.c))
$(1)_O		:= $$($(1)_SRC:%.c=$(B)/%.o)
ifneq ($$($(1)_SRC),)
PROGS		+= $(B)/$(1)/$$($(1)_PROG)
$(B)/$(1)/$$($(1)_PROG): $$($(1)_O) $(LIBCOMMON) $(LIBXDR)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endif
endef
$(foreach d,$(DAEMONS),$(eval $(call daemon_rules,$(d))))

define tool_rules
PROGS		+= $(B)/$(basename $(1))
$(B)/$(basename $(1)): $(B)/$(basename $(1)).o $(LIBCOMMON) $(LIBXDR)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rules,$(t))))

# Small clients the integration tests drive (libtirpc programs).
CLIENT_SRC	:= $(wildcard tests/clients/*.c)
CLIENTS		:= $(CLIENT_SRC:%.c=$(B)/%)
$(B)/tests/clients/%: $(B)/tests/clients/%.o $(LIBCOMMON) $(LIBXDR)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS) $(CLIENT_LIBS_$*)
CLIENT_LIBS_nfsprobe := -lnfs
CLIENT_LIBS_nfsbench := -lnfs
CLIENT_LIBS_nlmprobe := -lnfs
CLIENT_LIBS_rquotaprobe := -lnfs
CLIENT_LIBS_webnfsprobe := -lnfs

# ---------------------------------------------------------------- unit tests
# tests/unit/test_X.c links libnfscommon, libnfsxdr and cmocka, plus the
# daemon objects named in test_X_OBJS (link-time stubs live in the test).
# the table references every handler: all of rpcbind but main.o
test_dispatch_OBJS := $(filter-out %/main.o,$(rpcbind_O) $(mountd_O) $(nfsd_O))
test_rpcbd_OBJS	:= $(B)/rpcbind/rpcbd_db.o
test_rpcbd_live_OBJS := $(B)/rpcbind/rpcbd_probe.o $(B)/rpcbind/rpcbd_db.o
# the limiter's summaries are caught by a stub of log_notice
test_ratelog_LDLIBS := -Wl,--wrap=log_notice
test_nfs2_OBJS	:= $(B)/nfsd/nfs2_attr.o $(B)/nfsd/nfs2_procs.o $(B)/nfsd/attr.o
test_nfsd_dir_OBJS := $(B)/nfsd/cookie.o
test_ofcache_OBJS := $(B)/nfsd/ofcache.o
test_gidcache_OBJS := $(B)/nfsd/gidcache.o
test_nfsd_xdr_OBJS := $(B)/nfsd/xdr_write.o
test_fhmemo_OBJS := $(B)/nfsd/fhmemo.o
test_fhcache_OBJS := $(B)/nfsd/fhcache.o
test_nfsd_attr_OBJS := $(B)/nfsd/attr.o $(B)/nfsd/sattr.o
test_statd_OBJS	:= $(filter-out %/main.o,$(statd_O))
test_lockd_OBJS	:= $(filter-out %/main.o,$(lockd_O))
test_rquotad_OBJS := $(filter-out %/main.o,$(rquotad_O))
# webnfs.o's calls into vfs.c are stubs in the test
test_webnfs_OBJS := $(B)/nfsd/webnfs.o
test_mountd_OBJS := $(B)/mountd/mountd_procs.o $(B)/mountd/mountd_mnt.o $(B)/mountd/mountd_list.o $(B)/mountd/rmtab.o

UNIT_SRC	:= $(wildcard tests/unit/test_*.c)
UNITS		:= $(UNIT_SRC:%.c=$(B)/%)
$(B)/tests/unit/%.o: tests/unit/%.c $(FLAGS_STAMP) | $(XDR_H)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Wno-missing-prototypes -MMD -MP -c -o $@ $<
.SECONDEXPANSION:
$(B)/tests/unit/%: $(B)/tests/unit/%.o $$($$*_OBJS) $(LIBCOMMON) $(LIBXDR)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS) $($*_LDLIBS)

# ---------------------------------------------------------------- targets
.PHONY: all check check-one unit integration kernel-check demo demo-stop \
	install uninstall deb clean bench
.DEFAULT_GOAL := all
all: $(PROGS) $(CLIENTS)

unit: $(UNITS)
	tests/run-tests --build $(B) unit

integration: all
	tests/run-tests --build $(B) integration

# The whole suite: unit + integration on the normal build, the same built
# with clang, AddressSanitizer and UBSan, then the Linux kernel client tier
# (a QEMU guest mounting the normal build's daemons).
check:
	$(MAKE) --no-print-directory check-one B=build
	$(MAKE) --no-print-directory check-one B=build-san SANITIZE=1 CC=clang
	$(MAKE) --no-print-directory kernel-check B=build

check-one: all $(UNITS)
	tests/run-tests --build $(B) unit integration

# nfs-suite against NFS-Ganesha and fio (tests/bench/run); root, not in check.
bench: $(PROGS) $(B)/tests/clients/nfsbench
	tests/bench/run --build $(B)

# The kernel-client tier: a Debian guest in QEMU runs Linux's NFS client
# against the suite (tests/linux-client/README). Root; builds the guest once.
kernel-check: all
	tests/linux-client/run-all --build $(B)

demo: all
	scripts/demo start $(B)
demo-stop:
	scripts/demo stop $(B)

MANS		:= $(wildcard man/*.[58])
install: all
	$(INSTALL) -d $(DESTDIR)$(sbindir)
	for p in $(PROGS); do $(INSTALL) -m 755 $$p $(DESTDIR)$(sbindir)/; done
	for m in $(MANS); do \
		s=$${m##*.}; $(INSTALL) -d $(DESTDIR)$(mandir)/man$$s; \
		$(INSTALL) -m 644 $$m $(DESTDIR)$(mandir)/man$$s/; done
	$(INSTALL) -d $(DESTDIR)$(prefix)/share/doc/nfs-suite
	$(INSTALL) -m 644 etc/exports.example etc/nfs-suite.conf.example \
		$(DESTDIR)$(prefix)/share/doc/nfs-suite/
	$(INSTALL) -d $(DESTDIR)$(prefix)/lib/systemd/system $(DESTDIR)$(sysconfdir)/init.d
	for u in etc/systemd/*.service etc/systemd/*.socket etc/systemd/*.target; do [ -f "$$u" ] || continue; \
		sed 's|@sbindir@|$(sbindir)|g; s|@sysconfdir@|$(sysconfdir)|g' $$u \
		> $(DESTDIR)$(prefix)/lib/systemd/system/$${u##*/}; done
	for s in etc/init.d/*; do [ -f "$$s" ] || continue; \
		sed 's|@sbindir@|$(sbindir)|g; s|@sysconfdir@|$(sysconfdir)|g' $$s \
		> $(DESTDIR)$(sysconfdir)/init.d/$${s##*/}; \
		chmod 755 $(DESTDIR)$(sysconfdir)/init.d/$${s##*/}; done

# Removes what `make install` installed, given the same variables.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(sbindir)/,$(notdir $(PROGS)))
	for m in $(MANS); do rm -f $(DESTDIR)$(mandir)/man$${m##*.}/$${m##*/}; done
	rm -f $(DESTDIR)$(prefix)/share/doc/nfs-suite/exports.example \
		$(DESTDIR)$(prefix)/share/doc/nfs-suite/nfs-suite.conf.example
	-rmdir $(DESTDIR)$(prefix)/share/doc/nfs-suite 2>/dev/null
	rm -f $(addprefix $(DESTDIR)$(prefix)/lib/systemd/system/,$(notdir \
		$(wildcard etc/systemd/*.service etc/systemd/*.socket etc/systemd/*.target)))
	rm -f $(addprefix $(DESTDIR)$(sysconfdir)/init.d/,$(notdir $(wildcard etc/init.d/*)))

# A Debian package of this build: $(DEB_B)/nfs-suite_VERSION_ARCH.deb
# (packaging/deb: control, maintainer scripts, mkdeb). Files go to /usr
# and /etc whatever configure's prefix; the compiled-in paths (sysconfdir,
# localstatedir, runstatedir) must be /etc, /var and /run: when they are
# not, the package is built apart, in $(B)-deb.
DEB_VARS	:= prefix=/usr exec_prefix=/usr sbindir=/usr/sbin \
		   mandir=/usr/share/man sysconfdir=/etc localstatedir=/var runstatedir=/run
DEB_B		:= $(if $(filter /etc:/var:/run,$(sysconfdir):$(localstatedir):$(runstatedir)),$(B),$(B)-deb)
deb:
	$(MAKE) --no-print-directory all B=$(DEB_B) $(DEB_VARS)
	rm -rf $(DEB_B)/deb
	$(MAKE) --no-print-directory install B=$(DEB_B) $(DEB_VARS) \
		DESTDIR=$(abspath $(DEB_B)/deb/root)
	packaging/deb/mkdeb $(DEB_B)/deb $(PACKAGE_VERSION)

clean:
	rm -rf build build-san build-clang build-deb

-include $(shell find $(B) -name '*.d' -type f -not -path '*/test-logs/*' 2>/dev/null)
endif
