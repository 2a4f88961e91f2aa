#!/usr/bin/python3
"""gssprobe: an RPCSEC_GSS version 1 client (RFC 2203) for testing servers.

    gssprobe.py [options] COMMAND [ARGS...]

Every message is built by hand (rpcjunk.py's XDR helpers; RFC 5531 for
the RPC header, RFC 2203 for the credential, verifier and the integrity
and privacy bodies, RFC 1813 for NFSv3 and MOUNT v3); python-gssapi (MIT
krb5, under /usr/bin/python3) only makes the GSS tokens, MICs and wraps.
The user's Kerberos credentials come from KRB5CCNAME (or --ccache).

Options:
  --host H          server address (127.0.0.1)
  --port P          the program's port; default: ask rpcbind (port 111)
                    for --prog/--vers over the transport in use
  --prog N --vers V the program called (NFS: 100003, 3)
  --udp             UDP instead of TCP (record marking)
  --service S       none|integrity|privacy (or krb5|krb5i|krb5p, or a
                    number, sent unwrapped): the service of DATA calls
                    (default none)
  --principal P     the server's GSS host-based name (nfs@HOST; HOST is
                    localhost for 127.0.0.1)
  --ccache C        the Kerberos credential cache (sets KRB5CCNAME)
  --flavor F        gss|sys|none: the flavour of call/nfs commands (sys
                    and none make plain AUTH_SYS / AUTH_NONE calls)
  --uid U --gid G   the AUTH_SYS identity (0, 0)
  --timeout S       how long to wait for a reply (5 s)
  --drop-wait S     how long a call may stay unanswered before it is
                    reported "dropped" (1.5 s)
  --mount-auth A    sys|gss: the flavour of `mnt` (sys, as Linux does)
  --gss-flags F     GSS flags asked for, comma-separated (mutual)
  --gss-version N   the credential's version field (1)
  --expect R        exit 1 unless the (last) result matches R (see below)
  --max-body N      `call` prints at most N bytes of the reply body (4096)

Commands (each creates a context first unless --flavor sys|none):
  null                   context creation only: INIT/CONTINUE_INIT, print it
  call PROC [ARGS]       one DATA call of procedure PROC with these argument
                         bytes (before any wrapping): HEX, a DATA spec (see
                         nfs write) or opaque:DATA (as an XDR opaque<>);
                         prints the reply body's sha256 and hex
  destroy                create a context, destroy it (RPCSEC_GSS_DESTROY),
                         then call NULL on the destroyed handle
  mnt PATH               MOUNT v3 MNT (program 100005 via rpcbind): the
                         root handle and the flavours the export allows
  nfs OP ARGS...         NFSv3 (handles in hex):
      null | getattr FH | lookup DIRFH NAME | access FH [BITS] |
      read FH OFFSET COUNT | write FH OFFSET DATA [unstable|data_sync|
      file_sync] | create DIRFH NAME [MODE] [unchecked|guarded|exclusive] |
      remove DIRFH NAME | readdirplus DIRFH [DIRCOUNT MAXCOUNT] | fsinfo FH
      DATA is hex:HEX, text:STRING, pattern:SIZE[:SEED] (SIZE bytes from a
      seeded PRNG; 1048576 is a 1 MiB WRITE) or file:PATH
  script FILE|-          several steps on one connection (below)

Output, one line per result (key=value, hex for bytes):
  context name=A result=SUCCESS handle=HEX window=128 major=0 minor=0
          rounds=1 verf=ok lifetime=SECS
  reply [LABEL] ctx=A proc=1 seq=3 svc=integrity xid=0x... result=SUCCESS
          verf=ok unwrap=ok len=N [sha256=HEX body=HEX (call only)]
          (LABEL: nfs3-getattr, mnt...; flavor=sys|none instead of ctx= for
          AUTH_SYS/AUTH_NONE calls; tamper=, gss_proc=, replay when so)
  nfs3 GETATTR status=NFS3_OK type=DIR mode=0755 uid=0 gid=0 size=... ...
  mnt path=/x result=SUCCESS status=MNT3_OK fh=HEX flavors=390003,1
result= is one token: an accept_stat (SUCCESS, PROG_UNAVAIL, PROG_MISMATCH,
PROC_UNAVAIL, GARBAGE_ARGS, SYSTEM_ERR), a reject (RPC_MISMATCH, or the
auth_stat of an AUTH_ERROR: AUTH_BADCRED, AUTH_REJECTEDCRED, AUTH_BADVERF,
AUTH_REJECTEDVERF, AUTH_TOOWEAK, RPCSEC_GSS_CREDPROBLEM (13),
RPCSEC_GSS_CTXPROBLEM (14)), `dropped` (no reply within --drop-wait) or
`closed` (the server closed the connection). Denied replies also carry
denied=AUTH_ERROR|RPC_MISMATCH. verf= says whether the reply verifier (the
MIC of the sequence number, RFC 2203 5.3.3.2; of the window for INIT)
verified: ok, bad(why) or none(flavor=N); gssprobe wants it on every
accepted reply to an RPCSEC_GSS call, whatever its accept_stat (knfsd
signs before it dispatches). unwrap= (integrity/privacy replies) says
whether the body's checksum or wrap verified and carried the call's
sequence number. A bad verifier or
body is a protocol error: the line starts with "FAIL" and the exit status
is 1. An expectation (--expect, or expect= in a script) matches any of the
result token, `denied`, `accepted`, AUTH_ERROR and an NFS/MOUNT status;
alternatives are separated by `|` (expect=GARBAGE_ARGS|AUTH_ERROR).

Script steps (one a line, # comments, $VAR or ${VAR} from earlier steps or
the environment; any step may end with expect=R):
  context NAME           a new context on this connection; it is now current
  use NAME               make NAME current
  service S              the service of the next calls (switch at will;
                         a number sends that value, wrapping as none)
  flavor F               gss|sys|none for the next calls
  seq N                  the next sequence number of the current context
  gssvers N              the credential's version field from now on
  gssproc N              the next call's gss_proc (e.g. 3: a DESTROY of a
                         procedure other than NULL; 4: undefined)
  handle HEX             replace the current context's handle (a forged
                         or foreign handle)
  call PROC [ARGS] | nfs OP ... | mnt PATH | null (a NULL DATA call)
  burst N [shuffled] call PROC [ARGS] | burst N [shuffled] nfs OP ARGS...
                         N calls written before any reply is read (with
                         shuffled: in a random order of their sequence
                         numbers), every reply checked; prints
                         "burst n=N order=... secs=S RESULT=COUNT...";
                         expect= matches when all N got that result
                         ("mixed" otherwise)
  replay                 the last call's bytes again, verbatim (same xid,
                         same sequence number): RFC 2203 5.3.3.1 says drop
  replay-seq             the last call's sequence number again, new xid
  tamper WHAT [N]        the next call is altered after it was signed:
                         body (flip byte N of the argument bytes inside
                         the integrity body or the privacy token, or of
                         the plain arguments under service none; default
                         the last), header (flip a byte of the xid, which
                         the verifier covers), verifier (flip its last byte)
  destroy [NAME]         RPCSEC_GSS_DESTROY of NAME (the current context)
  connect                a new connection (contexts are kept)
  sleep SECS             pause
  set VAR VALUE          a variable      save VAR   VAR = the last handle
  echo TEXT              print TEXT
Handles: mnt sets $ROOT and $FH; lookup and create set $FH.

Exit status: 0 when everything ran and every expectation held, 1 when an
expectation failed or a reply was malformed or badly signed, 2 when the
probe could not run (no server, no credentials).
"""

import argparse
import hashlib
import os
import random
import re
import shlex
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rpcjunk as rj  # noqa: E402

try:
    import gssapi
    import gssapi.raw
except ImportError:
    sys.stderr.write("gssprobe: python3-gssapi is missing (run it with "
                     "/usr/bin/python3; apt-get install python3-gssapi)\n")
    sys.exit(2)

u32, opaque, xstring, pad4 = rj.u32, rj.opaque, rj.xstring, rj.pad4

CALL, REPLY = 0, 1
AUTH_NONE, AUTH_SYS, RPCSEC_GSS = 0, 1, 6
# RFC 2203 5: gss_proc and service
DATA, INIT, CONTINUE_INIT, DESTROY = 0, 1, 2, 3
SVC_NONE, SVC_INTEGRITY, SVC_PRIVACY = 1, 2, 3
SERVICES = {"none": SVC_NONE, "krb5": SVC_NONE,
            "integrity": SVC_INTEGRITY, "krb5i": SVC_INTEGRITY,
            "privacy": SVC_PRIVACY, "krb5p": SVC_PRIVACY}
SVC_NAME = {SVC_NONE: "none", SVC_INTEGRITY: "integrity",
            SVC_PRIVACY: "privacy"}
GSS_PROC_NAME = {DATA: "DATA", INIT: "INIT", CONTINUE_INIT: "CONTINUE_INIT",
                 DESTROY: "DESTROY"}
ACCEPT_STAT = ["SUCCESS", "PROG_UNAVAIL", "PROG_MISMATCH", "PROC_UNAVAIL",
               "GARBAGE_ARGS", "SYSTEM_ERR"]
AUTH_STAT = {0: "AUTH_OK", 1: "AUTH_BADCRED", 2: "AUTH_REJECTEDCRED",
             3: "AUTH_BADVERF", 4: "AUTH_REJECTEDVERF", 5: "AUTH_TOOWEAK",
             6: "AUTH_INVALIDRESP", 7: "AUTH_FAILED",
             13: "RPCSEC_GSS_CREDPROBLEM", 14: "RPCSEC_GSS_CTXPROBLEM"}
GSS_MAJOR = {0: "GSS_S_COMPLETE", 1: "GSS_S_CONTINUE_NEEDED",
             0x10000: "GSS_S_BAD_MECH", 0x20000: "GSS_S_BAD_NAME",
             0x30000: "GSS_S_BAD_NAMETYPE", 0x40000: "GSS_S_BAD_BINDINGS",
             0x50000: "GSS_S_BAD_STATUS", 0x60000: "GSS_S_BAD_SIG",
             0x70000: "GSS_S_NO_CRED", 0x80000: "GSS_S_NO_CONTEXT",
             0x90000: "GSS_S_DEFECTIVE_TOKEN",
             0xA0000: "GSS_S_DEFECTIVE_CREDENTIAL",
             0xB0000: "GSS_S_CREDENTIALS_EXPIRED",
             0xC0000: "GSS_S_CONTEXT_EXPIRED", 0xD0000: "GSS_S_FAILURE",
             0xE0000: "GSS_S_BAD_QOP", 0xF0000: "GSS_S_UNAUTHORIZED",
             0x100000: "GSS_S_UNAVAILABLE",
             0x110000: "GSS_S_DUPLICATE_ELEMENT",
             0x120000: "GSS_S_NAME_NOT_MN"}
NFS_PROG, MOUNT_PROG, PMAP_PROG = 100003, 100005, 100000
RECORD_LIMIT = 8 << 20


class ProbeError(Exception):
    """The probe itself cannot go on (exit 2)."""


class Closed(Exception):
    pass


def hexs(b):
    return b.hex() if b else "-"


def gss_major_name(m):
    routine = m & 0xFFFF0000
    name = GSS_MAJOR.get(routine, "0x%x" % routine) if routine else ""
    sup = m & 0xFFFF
    if sup:
        name = (name + "+" if name else "") + "0x%x" % sup
    return name or "GSS_S_COMPLETE"


# ------------------------------------------------------------------ XDR in
class Unpacker:
    def __init__(self, data):
        self.d = data
        self.o = 0

    def u32(self):
        (v,) = struct.unpack_from(">I", self.d, self.o)
        self.o += 4
        return v

    def i32(self):
        (v,) = struct.unpack_from(">i", self.d, self.o)
        self.o += 4
        return v

    def u64(self):
        (v,) = struct.unpack_from(">Q", self.d, self.o)
        self.o += 8
        return v

    def fixed(self, n):
        if self.o + n > len(self.d):
            raise struct.error("short: %d bytes wanted at %d of %d" %
                               (n, self.o, len(self.d)))
        b = self.d[self.o:self.o + n]
        self.o += n + (-n % 4)
        return bytes(b)

    def opaque(self, limit=None):
        n = self.u32()
        if limit is not None and n > limit:
            raise struct.error("opaque of %d bytes (limit %d)" % (n, limit))
        return self.fixed(n)

    def rest(self):
        b = self.d[self.o:]
        self.o = len(self.d)
        return bytes(b)

    def done(self):
        return self.o >= len(self.d)


# ------------------------------------------------------------------ transport
class Conn:
    """One TCP connection (record marking) or connected UDP socket."""

    def __init__(self, host, port, udp, timeout):
        self.udp = udp
        self.timeout = timeout
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.s = socket.socket(fam, socket.SOCK_DGRAM if udp
                               else socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        try:
            self.s.connect((host, port))
        except OSError as e:
            self.s.close()
            raise ProbeError("cannot connect to %s port %d: %s" %
                             (host, port, e))
        self.pending = {}      # replies read while waiting for another xid
        self.closed = False
        self.buf = bytearray()

    def send(self, msg):
        if self.closed:
            raise Closed()
        try:
            if self.udp:
                self.s.send(msg)
            else:
                self.s.sendall(rj.record(msg))
        except (ConnectionResetError, BrokenPipeError,
                ConnectionRefusedError):
            self.closed = True
            raise Closed()

    def _recv(self, n, deadline):
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            self.s.settimeout(left)
            try:
                chunk = self.s.recv(max(65536, n - len(self.buf)))
            except (ConnectionResetError, BrokenPipeError):
                self.closed = True
                raise Closed()
            if not chunk:
                self.closed = True
                raise Closed()
            self.buf += chunk
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def _read_one(self, deadline):
        if self.udp:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            self.s.settimeout(left)
            try:
                return self.s.recv(1 << 17)
            except ConnectionRefusedError:
                self.closed = True
                raise Closed()
        parts = []
        total = 0
        while True:
            (mark,) = struct.unpack(">I", self._recv(4, deadline))
            n = mark & 0x7FFFFFFF
            total += n
            if total > RECORD_LIMIT:
                raise ProbeError("reply record over %d bytes" % RECORD_LIMIT)
            parts.append(self._recv(n, deadline))
            if mark & 0x80000000:
                return b"".join(parts)

    def wait(self, xid, secs):
        """The reply to xid, or None when none came within secs."""
        if xid in self.pending:
            return self.pending.pop(xid)
        deadline = time.monotonic() + secs
        while True:
            try:
                data = self._read_one(deadline)
            except socket.timeout:
                return None
            if len(data) < 8:
                raise ProbeError("runt reply of %d bytes" % len(data))
            rxid = struct.unpack_from(">I", data)[0]
            if rxid == xid:
                return data
            self.pending[rxid] = data

    def close(self):
        self.s.close()


def pmap_getport(host, prog, vers, udp, timeout):
    """PMAP v2 GETPORT (RFC 1833) over the transport in use."""
    c = Conn(host, 111, udp, timeout)
    try:
        xid = rj.new_xid()
        args = u32(prog, vers, 17 if udp else 6, 0)
        c.send(u32(xid, CALL, 2, PMAP_PROG, 2, 3) + rj.auth_none() +
               rj.auth_none() + args)
        data = c.wait(xid, timeout)
        if data is None:
            raise ProbeError("rpcbind at %s did not answer GETPORT" % host)
        r = parse_reply(data)
        if r.result != "SUCCESS" or len(r.body) < 4:
            raise ProbeError("rpcbind GETPORT %d v%d: %s" %
                             (prog, vers, r.result))
        port = struct.unpack_from(">I", r.body)[0]
        if port == 0:
            raise ProbeError("program %d v%d is not registered at %s (%s)" %
                             (prog, vers, host, "udp" if udp else "tcp"))
        return port
    except Closed:
        raise ProbeError("rpcbind at %s closed the connection" % host)
    finally:
        c.close()


# ------------------------------------------------------------------ replies
class RpcReply:
    def __init__(self):
        self.xid = 0
        self.accepted = False
        self.denied = None      # AUTH_ERROR / RPC_MISMATCH
        self.result = ""
        self.verf_flavor = None
        self.verf = b""
        self.body = b""
        self.extra = ""


def parse_reply(data):
    r = RpcReply()
    p = Unpacker(data)
    r.xid = p.u32()
    if p.u32() != REPLY:
        raise ProbeError("not a REPLY")
    stat = p.u32()
    if stat == 0:
        r.accepted = True
        r.verf_flavor = p.u32()
        r.verf = p.opaque(400)
        a = p.u32()
        r.result = (ACCEPT_STAT[a] if a < len(ACCEPT_STAT)
                    else "accept_stat_%d" % a)
        if a == 2:
            r.extra = " low=%d high=%d" % (p.u32(), p.u32())
        r.body = p.rest()
    elif stat == 1:
        rej = p.u32()
        if rej == 0:
            r.denied = "RPC_MISMATCH"
            r.result = "RPC_MISMATCH"
            r.extra = " low=%d high=%d" % (p.u32(), p.u32())
        elif rej == 1:
            r.denied = "AUTH_ERROR"
            a = p.u32()
            r.result = AUTH_STAT.get(a, "auth_stat_%d" % a)
            r.extra = " auth_stat=%d" % a
        else:
            raise ProbeError("reject_stat %d" % rej)
    else:
        raise ProbeError("reply_stat %d" % stat)
    return r


# ------------------------------------------------------------------ GSS
class Context:
    """One RPCSEC_GSS context: the GSS initiator context, the server's
    handle, the window and our next sequence number."""

    def __init__(self, name):
        self.name = name
        self.gss = None
        self.handle = b""
        self.window = 0
        self.seq = 1
        self.established = False


def service_number(s):
    """none|integrity|privacy, krb5|krb5i|krb5p, or any number (to send
    services RFC 2203 does not define)."""
    if s in SERVICES:
        return SERVICES[s]
    try:
        return int(s, 0)
    except ValueError:
        raise ProbeError("service none|integrity|privacy|krb5|krb5i|krb5p|N")


def gss_flags(spec):
    f = 0
    names = {"mutual": gssapi.RequirementFlag.mutual_authentication,
             "replay": gssapi.RequirementFlag.replay_detection,
             "sequence": gssapi.RequirementFlag.out_of_sequence_detection,
             "deleg": gssapi.RequirementFlag.delegate_to_peer,
             "conf": gssapi.RequirementFlag.confidentiality,
             "integ": gssapi.RequirementFlag.integrity}
    for w in filter(None, spec.split(",")):
        if w not in names:
            raise ProbeError("unknown GSS flag %r (%s)" %
                             (w, ",".join(names)))
        f |= names[w]
    return f


class Step:
    """What one step printed and how it compares with an expectation."""

    def __init__(self):
        self.words = set()
        self.bad = False


class Probe:
    def __init__(self, args):
        self.a = args
        self.service = service_number(args.service)
        self.prog, self.vers = args.prog, args.vers
        self.gss_proc = None    # `gssproc N`: the next call's gss_proc
        self.flavor = args.flavor
        self.gss_version = args.gss_version
        self.conn = None
        self.port = None
        self.contexts = {}
        self.cur = None
        self.last = None        # the last call, for replay / replay-seq
        self.tamper = None
        self.vars = {}
        self.failed = False
        self.last_fh = None
        self.target = None
        self.expect_drop = False

    # ---------------------------------------------------------- plumbing
    def out(self, line, step=None, bad=False):
        if bad:
            line = "FAIL " + line
            self.failed = True
            if step:
                step.bad = True
        print(line, flush=True)

    def connection(self):
        if self.conn is None or self.conn.closed:
            if self.conn is not None:
                self.conn.close()
            if self.port is None:
                self.port = self.a.port or pmap_getport(
                    self.a.host, self.a.prog, self.a.vers, self.a.udp,
                    self.a.timeout)
            self.conn = Conn(self.a.host, self.port, self.a.udp,
                             self.a.timeout)
        return self.conn

    def reconnect(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None
        self.connection()

    def principal(self):
        if self.a.principal:
            return self.a.principal
        h = self.a.host
        if h in ("127.0.0.1", "::1", "localhost"):
            h = "localhost"
        return "nfs@" + h

    def gss_target(self):
        if self.target is None:
            try:
                self.target = gssapi.Name(
                    self.principal(), gssapi.NameType.hostbased_service)
            except gssapi.exceptions.GSSError as e:
                raise ProbeError("bad principal %s: %s" %
                                 (self.principal(), e))
        return self.target

    @staticmethod
    def cred(flavor, body):
        return u32(flavor) + opaque(body)

    def gss_cred(self, ctx, proc, seq, service):
        return self.cred(RPCSEC_GSS, u32(self.gss_version, proc, seq,
                                         service) + opaque(ctx.handle))

    def header(self, xid, proc, cred, prog=None, vers=None):
        return u32(xid, CALL, 2, prog or self.prog, vers or self.vers,
                   proc) + cred

    # ---------------------------------------------------------- context
    def create(self, name):
        """INIT / CONTINUE_INIT until the context is complete."""
        ctx = Context(name)
        st = Step()
        try:
            ctx.gss = gssapi.SecurityContext(
                name=self.gss_target(), usage="initiate",
                mech=gssapi.MechType.kerberos,
                flags=gss_flags(self.a.gss_flags))
            token = ctx.gss.step()
        except gssapi.exceptions.GSSError as e:
            raise ProbeError("GSS initiator failed (credentials in %s?): %s"
                             % (os.environ.get("KRB5CCNAME", "default"), e))
        rounds = 0
        gproc = INIT
        while True:
            rounds += 1
            xid = rj.new_xid()
            msg = (self.header(xid, 0, self.gss_cred(ctx, gproc, 0,
                                                     self.service)) +
                   rj.auth_none() + opaque(token or b""))
            r = self.exchange(msg, xid)
            if r is None or not r.accepted or r.result != "SUCCESS":
                res = r.result if r else self.nothing
                line = "context name=%s result=%s%s" % (
                    name, res, (" denied=%s%s" % (r.denied, r.extra))
                    if r and r.denied else (r.extra if r else ""))
                st.words.update(self.words_of(r, res))
                self.out(line)
                return ctx, st
            try:
                p = Unpacker(r.body)
                ctx.handle = p.opaque(1024)
                major, minor, window = p.u32(), p.u32(), p.u32()
                srv_token = p.opaque(65536)
            except struct.error as e:
                self.out("context name=%s result=SUCCESS malformed "
                         "init_res: %s body=%s" % (name, e, hexs(r.body)),
                         st, bad=True)
                return ctx, st
            if major not in (0, 1):
                self.out("context name=%s result=SUCCESS handle=%s major=%d "
                         "(%s) minor=%d rounds=%d" %
                         (name, hexs(ctx.handle), major,
                          gss_major_name(major), minor, rounds))
                st.words.update(["SUCCESS", gss_major_name(major)])
                return ctx, st
            if srv_token:
                try:
                    token = ctx.gss.step(srv_token)
                except gssapi.exceptions.GSSError as e:
                    self.out("context name=%s result=SUCCESS the server's "
                             "token does not complete the context: %s" %
                             (name, e), st, bad=True)
                    return ctx, st
            if major == 0:
                break
            if rounds >= 8:
                self.out("context name=%s: still CONTINUE_NEEDED after %d "
                         "rounds" % (name, rounds), st, bad=True)
                return ctx, st
            gproc = CONTINUE_INIT
        if not ctx.gss.complete:
            self.out("context name=%s result=SUCCESS major=0 but our side "
                     "is not complete" % name, st, bad=True)
            return ctx, st
        # RFC 2203 5.2.3.1: the verifier is the MIC of the window.
        verf = self.check_mic(ctx, r, u32(window))
        ctx.window = window
        ctx.established = True
        try:
            life = ctx.gss.lifetime
        except gssapi.exceptions.GSSError:
            life = -1
        self.out("context name=%s result=SUCCESS handle=%s window=%d "
                 "major=%d minor=%d rounds=%d verf=%s lifetime=%s" %
                 (name, hexs(ctx.handle), window, major, minor, rounds,
                  verf, life), st, bad=verf != "ok")
        st.words.update(["SUCCESS", "accepted", gss_major_name(major)])
        self.contexts[name] = ctx
        self.cur = ctx
        return ctx, st

    def check_mic(self, ctx, r, data):
        if r.verf_flavor != RPCSEC_GSS:
            return "none(flavor=%d)" % r.verf_flavor
        try:
            ctx.gss.verify_signature(data, r.verf)
            return "ok"
        except gssapi.exceptions.GSSError as e:
            return "bad(%s)" % str(e).split("\n")[0].replace(" ", "_")

    def context(self):
        if self.cur is None:
            ctx, st = self.create("A")
            if not ctx.established:
                raise ProbeError("no context: %s" % " ".join(sorted(st.words)))
        return self.cur

    # ---------------------------------------------------------- calls
    nothing = "dropped"

    def exchange(self, msg, xid, wait=None):
        """Send, wait for the reply: an RpcReply or None (self.nothing
        says why: dropped or closed)."""
        c = self.connection()
        try:
            c.send(msg)
            data = c.wait(xid, self.a.timeout if wait is None else wait)
        except Closed:
            self.nothing = "closed"
            return None
        if data is None:
            self.nothing = "dropped"
            return None
        return parse_reply(data)

    def wrap_args(self, ctx, seq, service, args):
        """The call's argument bytes as the service sends them (RFC 2203
        5.3.2.2, 5.3.2.3); tamper body flips a byte of the arguments
        after the checksum or inside the wrap token."""
        t = self.tamper if self.tamper and self.tamper[0] == "body" else None
        if service not in (SVC_INTEGRITY, SVC_PRIVACY):
            body = bytearray(args)
            if t and body:
                body[self.flip_at(t, len(body), 0)] ^= 0x01
            return bytes(body)
        data = u32(seq) + args
        if service == SVC_INTEGRITY:
            mic = ctx.gss.get_signature(data)
            data = bytearray(data)
            if t:
                data[self.flip_at(t, len(data), 4)] ^= 0x01
            return opaque(bytes(data)) + opaque(mic)
        w = ctx.gss.wrap(data, True)
        if not w.encrypted:
            raise ProbeError("gss_wrap did not encrypt")
        tok = bytearray(w.message)
        if t:
            tok[self.flip_at(t, len(tok), 0)] ^= 0x01
        return opaque(bytes(tok))

    @staticmethod
    def flip_at(t, n, low):
        if t[1] is None:
            return n - 1
        return min(max(low + t[1], low), n - 1)

    def unwrap_results(self, ctx, seq, service, body):
        """(results, note): note is "" when fine, else why not."""
        if service not in (SVC_INTEGRITY, SVC_PRIVACY):
            return body, ""
        p = Unpacker(body)
        try:
            if service == SVC_INTEGRITY:
                data = p.opaque()
                mic = p.opaque(4096)
                try:
                    ctx.gss.verify_signature(data, mic)
                except gssapi.exceptions.GSSError as e:
                    return body, "bad-checksum(%s)" % str(e).split("\n")[0]
            else:
                tok = p.opaque()
                try:
                    u = ctx.gss.unwrap(tok)
                except gssapi.exceptions.GSSError as e:
                    return body, "bad-wrap(%s)" % str(e).split("\n")[0]
                if not u.encrypted:
                    return body, "not-encrypted"
                data = u.message
        except struct.error as e:
            return body, "malformed(%s)" % e
        if len(data) < 4:
            return b"", "short"
        rseq = struct.unpack_from(">I", data)[0]
        if rseq != seq:
            return data[4:], "seq-mismatch(%d)" % rseq
        return data[4:], ""

    def words_of(self, r, res):
        w = {res}
        if r is not None:
            w.add("accepted" if r.accepted else "denied")
            if r.denied:
                w.add(r.denied)
        return w

    def rpc(self, proc, args, st, label=None, prog=None, vers=None,
            gss_proc=DATA, show_body=False):
        """One call with the current flavour/context/service; prints the
        reply line, returns the unwrapped result bytes or None."""
        self.nothing = "dropped"
        msg, xid, ctx, seq, service, tag = self.build(proc, args, label,
                                                      prog, vers, gss_proc)
        # A step that expects no reply waits --drop-wait, not --timeout.
        r = self.exchange(msg, xid, self.a.drop_wait if self.expect_drop
                          else None)
        return self.report(r, ctx, seq, service, tag, st, show_body)

    def build(self, proc, args, label=None, prog=None, vers=None,
              gss_proc=DATA):
        """The call message (signed, wrapped, tampered as asked): (msg,
        xid, ctx, seq, service, tag); the context's seq moves on."""
        xid = rj.new_xid()
        flavor = self.flavor
        if flavor == "gss":
            ctx = self.context()
            service = self.service
            seq = ctx.seq
            ctx.seq += 1
            if self.gss_proc is not None:
                gss_proc, self.gss_proc = self.gss_proc, None
            cred = self.gss_cred(ctx, gss_proc, seq, service)
            hdr = self.header(xid, proc, cred, prog, vers)
            try:
                mic = ctx.gss.get_signature(hdr)
            except gssapi.exceptions.GSSError as e:
                raise ProbeError("gss_get_mic failed: %s" % e)
            body = self.wrap_args(ctx, seq, service, args)
            t = self.tamper
            if t and t[0] == "header":
                hdr = bytearray(hdr)
                hdr[3] ^= 0x01          # the xid's low byte: MIC covers it
                xid ^= 0x01
                hdr = bytes(hdr)
            verf = bytearray(mic)
            if t and t[0] == "verifier":
                verf[-1] ^= 0x01
            msg = hdr + u32(RPCSEC_GSS) + opaque(bytes(verf)) + body
            tag = "ctx=%s proc=%d seq=%d svc=%s" % (
                ctx.name, proc, seq, SVC_NAME.get(service, service))
            if gss_proc != DATA:
                tag += " gss_proc=%s" % GSS_PROC_NAME.get(gss_proc, gss_proc)
        else:
            ctx, seq, service = None, 0, SVC_NONE
            cred = (rj.auth_sys(machine="gssprobe", uid=self.a.uid,
                                gid=self.a.gid) if flavor == "sys"
                    else rj.auth_none())
            msg = self.header(xid, proc, cred, prog, vers) + \
                rj.auth_none() + args
            tag = "flavor=%s proc=%d" % (flavor, proc)
        if self.tamper:
            tag += " tamper=%s" % self.tamper[0]
        self.tamper = None
        if label:
            tag = label + " " + tag
        self.last = (msg, xid, ctx, seq, service, proc, args, prog, vers)
        return msg, xid, ctx, seq, service, tag

    def report(self, r, ctx, seq, service, tag, st, show_body, quiet=False):
        """Print the reply line (quiet: only a bad one), add its words to
        st; the unwrapped results of a SUCCESS, else None."""
        if r is None:
            st.words.add(self.nothing)
            if not quiet:
                self.out("reply %s result=%s" % (tag, self.nothing))
            return None
        st.words.update(self.words_of(r, r.result))
        line = "reply %s xid=0x%08x result=%s" % (tag, r.xid, r.result)
        if r.denied:
            line += " denied=%s%s" % (r.denied, r.extra)
            if not quiet:
                self.out(line)
            return None
        line += r.extra
        bad = False
        results = r.body
        if ctx is not None:
            verf = self.check_mic(ctx, r, u32(seq))
            line += " verf=" + verf
            bad = verf != "ok"
            if r.result == "SUCCESS" and service in (SVC_INTEGRITY,
                                                     SVC_PRIVACY):
                results, note = self.unwrap_results(ctx, seq, service, r.body)
                line += " unwrap=" + (note or "ok")
                bad = bad or bool(note)
        else:
            line += " verf=flavor%d" % r.verf_flavor
        line += " len=%d" % len(results)
        if show_body:
            cap = self.a.max_body
            line += " sha256=%s body=%s%s" % (
                digest(results), hexs(results[:cap]),
                "..." if len(results) > cap else "")
        if bad or not quiet:
            self.out(line, st, bad=bad)
        return results if r.result == "SUCCESS" else None

    def do_burst(self, argv, st):
        """burst N [shuffled] call PROC [ARGS] | nfs OP ARGS...: N calls
        sent before any reply is read (in shuffled sequence-number order if
        asked), then every reply collected and checked."""
        if len(argv) < 3:
            raise ProbeError("burst N [shuffled] call|nfs ...")
        n = int(argv[0], 0)
        argv = argv[1:]
        shuffled = argv[0] == "shuffled"
        if shuffled:
            argv = argv[1:]
        if argv[0] == "call":
            proc = int(argv[1], 0)
            args = call_args(argv[2]) if len(argv) > 2 else b""
        elif argv[0] == "nfs" and len(argv) > 1 and argv[1] in NFS_OPS:
            proc, enc, _ = NFS_OPS[argv[1]]
            args = enc(argv[2:])[0]
        else:
            raise ProbeError("burst: call PROC [ARGS] or nfs OP ARGS...")
        calls = [self.build(proc, args) for _ in range(n)]
        order = list(calls)
        if shuffled:
            random.shuffle(order)
        c = self.connection()
        self.nothing = "dropped"
        t0 = time.monotonic()
        try:
            for msg, *_ in order:
                c.send(msg)
        except Closed:
            self.nothing = "closed"
        counts = {}
        one = Step()
        deadline = time.monotonic() + (self.a.drop_wait if self.expect_drop
                                       else self.a.timeout)
        for msg, xid, ctx, seq, service, tag in calls:
            r = None
            if not c.closed:
                try:
                    data = c.wait(xid, max(0.0, deadline - time.monotonic()))
                    r = parse_reply(data) if data is not None else None
                except Closed:
                    self.nothing = "closed"
            w = Step()
            self.report(r, ctx, seq, service, tag, w, False, quiet=True)
            one.bad |= w.bad
            res = r.result if r is not None else self.nothing
            counts[res] = counts.get(res, 0) + 1
        st.bad |= one.bad
        st.words.update(counts if len(counts) == 1 else ["mixed"])
        self.out("burst n=%d order=%s secs=%.3f %s" % (
            n, "shuffled" if shuffled else "sent", time.monotonic() - t0,
            " ".join("%s=%d" % kv for kv in sorted(counts.items()))),
            st, bad=one.bad)

    # ---------------------------------------------------------- commands
    def do_null(self, st):
        if self.flavor == "gss" and self.cur is None:
            ctx, cst = self.create("A")
            st.words |= cst.words
            st.bad |= cst.bad
            return
        self.rpc(0, b"", st)

    def do_call(self, argv, st):
        if not argv:
            raise ProbeError("call PROC [HEXARGS]")
        proc = int(argv[0], 0)
        args = call_args(argv[1]) if len(argv) > 1 else b""
        self.rpc(proc, args, st, show_body=True)

    def do_destroy(self, argv, st):
        name = argv[0] if argv else None
        if name:
            if name not in self.contexts:
                raise ProbeError("no context %s" % name)
            self.cur = self.contexts[name]
        if self.flavor != "gss":
            raise ProbeError("destroy needs --flavor gss")
        self.rpc(0, b"", st, gss_proc=DESTROY)

    def do_mnt(self, argv, st):
        if len(argv) != 1:
            raise ProbeError("mnt PATH")
        path = argv[0]
        mport = self.a.mount_port or pmap_getport(
            self.a.host, MOUNT_PROG, 3, self.a.udp, self.a.timeout)
        saved = (self.conn, self.port, self.flavor, self.cur, self.contexts,
                 self.prog, self.vers)
        # MOUNT has its own port and so its own connection (and contexts)
        self.conn, self.port = None, mport
        self.prog, self.vers = MOUNT_PROG, 3
        if self.a.mount_auth == "gss":
            self.flavor, self.cur, self.contexts = "gss", None, {}
        else:
            self.flavor = "sys"
        try:
            body = self.rpc(1, xstring(path), st, label="mnt")
        finally:
            if self.conn is not None:
                self.conn.close()
            (self.conn, self.port, self.flavor, self.cur, self.contexts,
             self.prog, self.vers) = saved
        if body is None:
            return
        p = Unpacker(body)
        try:
            status = p.u32()
            line = "mnt path=%s result=SUCCESS status=%s" % (
                path, MNT_STAT.get(status, status))
            st.words.add(MNT_STAT.get(status, str(status)))
            if status == 0:
                fh = p.opaque(64)
                flavors = [p.u32() for _ in range(p.u32())]
                line += " fh=%s flavors=%s" % (
                    fh.hex(), ",".join(str(f) for f in flavors))
                self.set_fh(fh)
                self.vars["ROOT"] = fh.hex()
        except struct.error as e:
            self.out("mnt path=%s malformed result: %s" % (path, e), st,
                     bad=True)
            return
        self.out(line)

    def set_fh(self, fh):
        self.last_fh = fh
        self.vars["FH"] = fh.hex()

    def do_nfs(self, argv, st):
        if not argv:
            raise ProbeError("nfs OP ARGS...")
        op = argv[0].lower()
        if op not in NFS_OPS:
            raise ProbeError("unknown nfs op %s (%s)" %
                             (op, " ".join(sorted(NFS_OPS))))
        proc, enc, dec = NFS_OPS[op]
        try:
            args, info = enc(argv[1:])
        except (IndexError, ValueError) as e:
            raise ProbeError("nfs %s: bad arguments %s (%s)" %
                             (op, argv[1:], e))
        body = self.rpc(proc, args, st, label="nfs3-" + op)
        if body is None:
            return
        try:
            fields, status, fh = dec(Unpacker(body), info)
        except struct.error as e:
            self.out("nfs3 %s malformed result: %s" % (op.upper(), e), st,
                     bad=True)
            return
        if fh is not None:
            self.set_fh(fh)
        st.words.add(status)
        self.out("nfs3 %s status=%s%s" % (op.upper(), status,
                                           "".join(" %s=%s" % kv
                                                   for kv in fields)))

    # ---------------------------------------------------------- script
    def subst(self, tok):
        def var(m):
            n = m.group(1) or m.group(2)
            if n in self.vars:
                return self.vars[n]
            if n in os.environ:
                return os.environ[n]
            raise ProbeError("undefined variable $%s" % n)
        return re.sub(r"\$\{(\w+)\}|\$(\w+)", var, tok)

    def run_step(self, words):
        """Run one step; returns (Step, expect or None)."""
        exp = None
        if words and words[-1].startswith("expect="):
            exp = words[-1][7:]
            words = words[:-1]
        words = [self.subst(w) for w in words]
        self.expect_drop = exp is not None and "dropped" in exp.split("|")
        st = Step()
        cmd, argv = words[0], words[1:]
        if cmd == "context":
            if len(argv) != 1:
                raise ProbeError("context NAME")
            if self.flavor != "gss":
                raise ProbeError("context with flavor %s" % self.flavor)
            _, cst = self.create(argv[0])
            st = cst
        elif cmd == "use":
            if argv[0] not in self.contexts:
                raise ProbeError("no context %s" % argv[0])
            self.cur = self.contexts[argv[0]]
        elif cmd == "service":
            self.service = service_number(argv[0])
        elif cmd == "flavor":
            if argv[0] not in ("gss", "sys", "none"):
                raise ProbeError("flavor gss|sys|none")
            self.flavor = argv[0]
        elif cmd == "gssvers":
            self.gss_version = int(argv[0], 0)
        elif cmd == "gssproc":
            self.gss_proc = int(argv[0], 0)
        elif cmd == "handle":
            self.context().handle = bytes.fromhex(argv[0])
        elif cmd == "seq":
            self.context().seq = int(argv[0], 0)
        elif cmd == "null":
            if self.flavor == "gss" and self.cur is None:
                self.do_null(st)
            else:
                self.rpc(0, b"", st)
        elif cmd == "call":
            self.do_call(argv, st)
        elif cmd == "burst":
            self.do_burst(argv, st)
        elif cmd == "nfs":
            self.do_nfs(argv, st)
        elif cmd == "mnt":
            self.do_mnt(argv, st)
        elif cmd in ("replay", "replay-seq"):
            self.do_replay(cmd == "replay", st)
        elif cmd == "tamper":
            if not argv or argv[0] not in ("body", "header", "verifier"):
                raise ProbeError("tamper body|header|verifier [N]")
            self.tamper = (argv[0], int(argv[1], 0) if len(argv) > 1
                           else None)
        elif cmd == "destroy":
            self.do_destroy(argv, st)
        elif cmd == "connect":
            self.reconnect()
        elif cmd == "sleep":
            time.sleep(float(argv[0]))
        elif cmd == "set":
            self.vars[argv[0]] = argv[1] if len(argv) > 1 else ""
        elif cmd == "save":
            if self.last_fh is None:
                raise ProbeError("save: no handle yet")
            self.vars[argv[0]] = self.last_fh.hex()
        elif cmd == "echo":
            print(" ".join(argv), flush=True)
        else:
            raise ProbeError("unknown step %r" % cmd)
        return st, exp

    def do_replay(self, verbatim, st):
        if self.last is None:
            raise ProbeError("replay: no call yet")
        msg, xid, ctx, seq, service, proc, args, prog, vers = self.last
        if ctx is None:
            raise ProbeError("replay: the last call was not RPCSEC_GSS")
        if not verbatim:
            # the same sequence number under a new xid, signed afresh
            xid = rj.new_xid()
            cred = self.gss_cred(ctx, DATA, seq, service)
            hdr = self.header(xid, proc, cred, prog, vers)
            msg = (hdr + u32(RPCSEC_GSS) + opaque(ctx.gss.get_signature(hdr))
                   + self.wrap_args(ctx, seq, service, args))
        tag = "ctx=%s proc=%d seq=%d svc=%s %s" % (
            ctx.name, proc, seq, SVC_NAME.get(service, service),
            "replay" if verbatim else "replay-seq")
        self.nothing = "dropped"
        r = self.exchange(msg, xid, self.a.drop_wait)
        self.report(r, ctx, seq, service, tag, st, False)

    def run(self, steps):
        """steps: list of (lineno, words). Returns the exit status."""
        status = 0
        for lineno, words in steps:
            try:
                st, exp = self.run_step(words)
            except gssapi.exceptions.GSSError as e:
                raise ProbeError("line %d: GSS: %s" % (lineno, e))
            if exp is not None:
                alts = exp.split("|")
                if any(a in st.words for a in alts):
                    print("ok line %d: %s" % (lineno, exp), flush=True)
                else:
                    print("FAIL line %d: expected %s, got %s" %
                          (lineno, exp, " ".join(sorted(st.words)) or
                           "nothing"), flush=True)
                    status = 1
            if st.bad:
                status = 1
        return status


# ------------------------------------------------------------------ NFSv3
NFS3_STAT = {0: "NFS3_OK", 1: "NFS3ERR_PERM", 2: "NFS3ERR_NOENT",
             5: "NFS3ERR_IO", 6: "NFS3ERR_NXIO", 13: "NFS3ERR_ACCES",
             17: "NFS3ERR_EXIST", 18: "NFS3ERR_XDEV", 19: "NFS3ERR_NODEV",
             20: "NFS3ERR_NOTDIR", 21: "NFS3ERR_ISDIR", 22: "NFS3ERR_INVAL",
             27: "NFS3ERR_FBIG", 28: "NFS3ERR_NOSPC", 30: "NFS3ERR_ROFS",
             31: "NFS3ERR_MLINK", 63: "NFS3ERR_NAMETOOLONG",
             66: "NFS3ERR_NOTEMPTY", 69: "NFS3ERR_DQUOT",
             70: "NFS3ERR_STALE", 71: "NFS3ERR_REMOTE",
             10001: "NFS3ERR_BADHANDLE", 10002: "NFS3ERR_NOT_SYNC",
             10003: "NFS3ERR_BAD_COOKIE", 10004: "NFS3ERR_NOTSUPP",
             10005: "NFS3ERR_TOOSMALL", 10006: "NFS3ERR_SERVERFAULT",
             10007: "NFS3ERR_BADTYPE", 10008: "NFS3ERR_JUKEBOX"}
MNT_STAT = {0: "MNT3_OK", 1: "MNT3ERR_PERM", 2: "MNT3ERR_NOENT",
            5: "MNT3ERR_IO", 13: "MNT3ERR_ACCES", 20: "MNT3ERR_NOTDIR",
            22: "MNT3ERR_INVAL", 63: "MNT3ERR_NAMETOOLONG",
            10004: "MNT3ERR_NOTSUPP", 10006: "MNT3ERR_SERVERFAULT"}
FTYPE = {1: "REG", 2: "DIR", 3: "BLK", 4: "CHR", 5: "LNK", 6: "SOCK",
         7: "FIFO"}
STABLE = {"unstable": 0, "data_sync": 1, "file_sync": 2}
STABLE_NAME = {v: k for k, v in STABLE.items()}


def nfs_fh(s):
    return opaque(bytes.fromhex(s))


def fattr3(p):
    (ftype, mode, nlink, uid, gid) = [p.u32() for _ in range(5)]
    size = p.u64()
    p.u64()                             # used
    p.u32(), p.u32()                    # rdev
    fsid, fileid = p.u64(), p.u64()
    for _ in range(6):                  # atime, mtime, ctime
        p.u32()
    return [("type", FTYPE.get(ftype, ftype)), ("mode", "%04o" % mode),
            ("nlink", nlink), ("uid", uid), ("gid", gid), ("size", size),
            ("fsid", "0x%x" % fsid), ("fileid", fileid)]


def post_op_attr(p):
    return fattr3(p) if p.u32() else []


def pre_op_attr(p):
    if p.u32():
        p.u64()
        for _ in range(4):
            p.u32()


def wcc_data(p):
    pre_op_attr(p)
    return post_op_attr(p)


def data_spec(spec):
    kind, _, rest = spec.partition(":")
    if kind == "hex":
        return bytes.fromhex(rest)
    if kind == "text":
        return rest.encode()
    if kind == "pattern":
        size, _, seed = rest.partition(":")
        return random.Random(int(seed or 0)).randbytes(int(size, 0))
    if kind == "file":
        with open(rest, "rb") as f:
            return f.read()
    raise ValueError("DATA is hex:, text:, pattern:SIZE[:SEED] or file:")


def call_args(spec):
    """HEX, a DATA spec (hex:, text:, pattern:, file:) or opaque:DATA (the
    bytes as an XDR opaque<>: length, bytes, padding)."""
    if spec.startswith("opaque:"):
        return opaque(data_spec(spec[7:]))
    if ":" in spec:
        return data_spec(spec)
    return bytes.fromhex(spec)


def digest(b):
    return hashlib.sha256(b).hexdigest()


def enc_fh(argv):
    return nfs_fh(argv[0]), None


def enc_dirop(argv):
    return nfs_fh(argv[0]) + xstring(argv[1]), None


def enc_access(argv):
    bits = int(argv[1], 0) if len(argv) > 1 else 0x3F
    return nfs_fh(argv[0]) + u32(bits), None


def enc_read(argv):
    return (nfs_fh(argv[0]) + struct.pack(">Q", int(argv[1], 0)) +
            u32(int(argv[2], 0)), None)


def enc_write(argv):
    data = data_spec(argv[2])
    how = STABLE[argv[3]] if len(argv) > 3 else STABLE["file_sync"]
    return (nfs_fh(argv[0]) + struct.pack(">Q", int(argv[1], 0)) +
            u32(len(data), how) + opaque(data), data)


def enc_create(argv):
    mode = int(argv[2], 8) if len(argv) > 2 else 0o644
    how = argv[3] if len(argv) > 3 else "unchecked"
    hows = {"unchecked": 0, "guarded": 1, "exclusive": 2}
    if how not in hows:
        raise ValueError("create mode unchecked|guarded|exclusive")
    a = nfs_fh(argv[0]) + xstring(argv[1]) + u32(hows[how])
    if how == "exclusive":
        a += struct.pack(">Q", random.getrandbits(64))
    else:
        # sattr3: mode set; uid, gid, size, atime, mtime left alone
        a += u32(1, mode, 0, 0, 0, 0, 0)
    return a, None


def enc_readdirplus(argv):
    dircount = int(argv[1], 0) if len(argv) > 1 else 8192
    maxcount = int(argv[2], 0) if len(argv) > 2 else 65536
    return (nfs_fh(argv[0]) + struct.pack(">Q", 0) + b"\0" * 8 +
            u32(dircount, maxcount), None)


def enc_none(argv):
    return b"", None


def status_of(p):
    s = p.u32()
    return s, NFS3_STAT.get(s, "NFS3ERR_%d" % s)


def dec_null(p, info):
    return [], "NFS3_OK", None


def dec_getattr(p, info):
    s, name = status_of(p)
    return (fattr3(p) if s == 0 else []), name, None


def dec_lookup(p, info):
    s, name = status_of(p)
    if s != 0:
        post_op_attr(p)
        return [], name, None
    fh = p.opaque(64)
    attrs = post_op_attr(p)
    post_op_attr(p)
    return [("fh", fh.hex())] + attrs, name, fh


def dec_access(p, info):
    s, name = status_of(p)
    post_op_attr(p)
    return ([("access", "0x%x" % p.u32())] if s == 0 else []), name, None


def dec_read(p, info):
    s, name = status_of(p)
    attrs = post_op_attr(p)
    if s != 0:
        return [], name, None
    count, eof = p.u32(), p.u32()
    data = p.opaque()
    f = [("count", count), ("eof", eof), ("data_len", len(data)),
         ("sha256", digest(data))]
    if len(data) <= 64:
        f.append(("data", hexs(data)))
    return f + [kv for kv in attrs if kv[0] in ("size", "uid")], name, None


def dec_write(p, info):
    s, name = status_of(p)
    attrs = wcc_data(p)
    if s != 0:
        return [], name, None
    count, committed = p.u32(), p.u32()
    verf = p.fixed(8)
    return ([("count", count),
             ("committed", STABLE_NAME.get(committed, committed)),
             ("verf", verf.hex()), ("sent_sha256", digest(info))] +
            [kv for kv in attrs if kv[0] in ("size", "uid")]), name, None


def dec_create(p, info):
    s, name = status_of(p)
    if s != 0:
        wcc_data(p)
        return [], name, None
    fh = p.opaque(64) if p.u32() else None
    attrs = post_op_attr(p)
    wcc_data(p)
    return ([("fh", fh.hex() if fh else "-")] +
            [kv for kv in attrs if kv[0] in ("mode", "uid", "gid",
                                            "fileid")]), name, fh


def dec_remove(p, info):
    s, name = status_of(p)
    wcc_data(p)
    return [], name, None


def dec_readdirplus(p, info):
    s, name = status_of(p)
    post_op_attr(p)
    if s != 0:
        return [], name, None
    p.fixed(8)
    names = []
    while p.u32():
        p.u64()
        names.append(p.opaque(1024).decode(errors="replace"))
        p.u64()
        post_op_attr(p)
        if p.u32():
            p.opaque(64)
    eof = p.u32()
    return [("entries", len(names)), ("eof", eof),
            ("names", ",".join(sorted(names)) or "-")], name, None


def dec_fsinfo(p, info):
    s, name = status_of(p)
    post_op_attr(p)
    if s != 0:
        return [], name, None
    v = [p.u32() for _ in range(7)]
    maxfilesize = p.u64()
    p.u32(), p.u32()
    props = p.u32()
    return [("rtmax", v[0]), ("rtpref", v[1]), ("wtmax", v[3]),
            ("wtpref", v[4]), ("dtpref", v[6]),
            ("maxfilesize", maxfilesize),
            ("properties", "0x%x" % props)], name, None


NFS_OPS = {"null": (0, enc_none, dec_null),
           "getattr": (1, enc_fh, dec_getattr),
           "lookup": (3, enc_dirop, dec_lookup),
           "access": (4, enc_access, dec_access),
           "read": (6, enc_read, dec_read),
           "write": (7, enc_write, dec_write),
           "create": (8, enc_create, dec_create),
           "remove": (12, enc_dirop, dec_remove),
           "readdirplus": (17, enc_readdirplus, dec_readdirplus),
           "fsinfo": (19, enc_fh, dec_fsinfo)}


# ------------------------------------------------------------------ main
def read_script(path):
    f = sys.stdin if path == "-" else open(path)
    steps = []
    with f:
        for n, line in enumerate(f, 1):
            words = shlex.split(line, comments=True)
            if words:
                steps.append((n, words))
    return steps


def main():
    ap = argparse.ArgumentParser(
        description="RPCSEC_GSS v1 test client (see the top of the file)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--prog", type=lambda s: int(s, 0), default=NFS_PROG)
    ap.add_argument("--vers", type=int, default=3)
    ap.add_argument("--udp", action="store_true")
    ap.add_argument("--service", default="none",
                    help="none|integrity|privacy|krb5|krb5i|krb5p|N")
    ap.add_argument("--principal", default=None)
    ap.add_argument("--ccache", default=None)
    ap.add_argument("--flavor", default="gss", choices=["gss", "sys", "none"])
    ap.add_argument("--uid", type=int, default=0)
    ap.add_argument("--gid", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--drop-wait", type=float, default=1.5)
    ap.add_argument("--mount-port", type=int, default=0)
    ap.add_argument("--mount-auth", default="sys", choices=["sys", "gss"])
    ap.add_argument("--gss-flags", default="mutual")
    ap.add_argument("--gss-version", type=lambda s: int(s, 0), default=1)
    ap.add_argument("--max-body", type=int, default=4096,
                    help="print at most this many body bytes (call)")
    ap.add_argument("--expect", default=None)
    ap.add_argument("command")
    ap.add_argument("args", nargs="*")
    a = ap.parse_args()
    if a.ccache:
        os.environ["KRB5CCNAME"] = a.ccache
    probe = Probe(a)
    try:
        if a.command == "script":
            if len(a.args) != 1:
                ap.error("script FILE|-")
            steps = read_script(a.args[0])
        elif a.command == "destroy":
            steps = [(1, ["context", "A"]), (2, ["destroy"]),
                     (3, ["null"])]
        elif a.command in ("null", "call", "nfs", "mnt"):
            steps = [(1, [a.command] + a.args)]
        else:
            ap.error("unknown command %s" % a.command)
        if a.expect:
            steps[-1] = (steps[-1][0], steps[-1][1] + ["expect=" + a.expect])
        rc = probe.run(steps)
        return 1 if probe.failed else rc
    except ProbeError as e:
        print("error: %s" % e, flush=True)
        return 2
    except (OSError, ValueError) as e:
        print("error: %s: %s" % (type(e).__name__, e), flush=True)
        return 2
    finally:
        if probe.conn is not None:
            probe.conn.close()


if __name__ == "__main__":
    sys.exit(main())
