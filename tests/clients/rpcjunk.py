#!/usr/bin/python3
"""rpcjunk: send malformed ONC RPC input to a server and judge its answer.

    rpcjunk.py [--host H] [--port P] [--timeout S] [--tcp|--udp] MODE [N]

Every message is built by hand with struct.pack from RFC 5531 (call and
reply bodies, section 9; AUTH_SYS, section 8.2 of RFC 5531 / RFC 1831;
record marking, section 11), so nothing here trusts an RPC library.
By default the target is rpcbind (program 100000) on 127.0.0.1:111.

Each mode prints one line, "ok MODE: ..." or "FAIL MODE: ...", and exits
0 when the server behaved as expected, 1 when it did not, 2 when the test
itself could not run (cannot connect).

Modes:
  null            one NULL call (a control)
  mark-huge       TCP record marks 0x7fffffff and 0xffffffff then a few
                  bytes: the server must close the connection
  zero-frags N    N thousand zero-length non-last fragments, then a NULL
                  call: a reply or a close, within --timeout
  empty-records N N thousand empty records, then a NULL call: the same
  gids16 / gids17 AUTH_SYS with 16 gids (must succeed) / 17 gids (must get
                  MSG_DENIED AUTH_ERROR AUTH_BADCRED)
  machname256     AUTH_SYS machinename of 255 bytes (succeeds) and of 256
                  bytes (AUTH_BADCRED)
  junk            seeded random records, a random byte stream, random UDP
                  datagrams, and valid headers with random arguments for
                  every procedure (--procs) of every version (--low..--high)
                  of --target (rpcbind): every reply must parse, and the
                  server must answer a NULL call afterwards
  garbage-args    every procedure of --proc-list in versions --low..--high
                  (but --skip-vers) of --target with its arguments cut
                  short: GARBAGE_ARGS
  udp-4gib-string a UDP GETADDR (v3) call whose netid length field is
                  0xfffffff0: GARBAGE_ARGS
  bad-rpcvers     rpcvers 3: MSG_DENIED RPC_MISMATCH 2..2
  bad-prog        an unregistered program: PROG_UNAVAIL
  bad-vers        version 7 of rpcbind: PROG_MISMATCH low..high (2..4)
  bad-proc        procedure 99 of rpcbind v4: PROC_UNAVAIL
  rmtcall-off     CALLIT (v2, v3), BCAST and INDIRECT (v4) of --prog's
                  NULL procedure all answer PROC_UNAVAIL (remote calls off)
  slow-partial    half a record, held: other clients are still served
                  (--expect-close S: and the server closes the held one
                  within S seconds)
  many-conns N    N idle TCP connections, held: a new client is still
                  served (--expect-closed S: and the server closes every
                  held one within S seconds; --partial R: the held ones
                  trickle an unfinished record instead of idling)
  conn-burst N    N short connections, each sending junk or half a record
                  and closing (half of them with a reset): then a NULL
                  call is still answered
The reply-checking modes (null, gids*, machname256, bad-*) use TCP and UDP
unless --tcp or --udp is given. --unix PATH sends everything over an
AF_LOCAL stream socket (e.g. /run/rpcbind.sock) instead.
"""

import argparse
import errno
import os
import random
import select
import socket
import struct
import sys
import time

CALL, REPLY = 0, 1
MSG_ACCEPTED, MSG_DENIED = 0, 1
ACCEPT_STAT = ["SUCCESS", "PROG_UNAVAIL", "PROG_MISMATCH", "PROC_UNAVAIL",
               "GARBAGE_ARGS", "SYSTEM_ERR"]
RPC_MISMATCH, AUTH_ERROR = 0, 1
AUTH_NONE, AUTH_SYS = 0, 1
AUTH_BADCRED = 1
RPCBPROG = 100000
LAST_FRAG = 0x80000000


class Closed(Exception):
    """The server closed (or reset) the connection."""


class Timeout(Exception):
    """Nothing came within the deadline."""


class Verdict(Exception):
    """Raised with the final verdict line (ok or not)."""

    def __init__(self, ok, msg):
        super().__init__(msg)
        self.ok = ok
        self.msg = msg


# ------------------------------------------------------------------ encoding
def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def u32(*v):
    return struct.pack(">%dI" % len(v), *v)


def opaque(b):
    return u32(len(b)) + pad4(b)


def xstring(s):
    return opaque(s.encode() if isinstance(s, str) else s)


def auth_none():
    return u32(AUTH_NONE, 0)


def auth_sys(machine="rpcjunk", uid=0, gid=0, gids=(), stamp=0):
    body = (u32(stamp) + xstring(machine) + u32(uid, gid, len(gids)) +
            b"".join(u32(g) for g in gids))
    return u32(AUTH_SYS) + opaque(body)


# The program junk, garbage-args and the control NULL calls go to
# (--target), and the version of the control NULL calls (--high).
TARGET = RPCBPROG
CONTROL_VERS = 2


def call_msg(xid, prog=None, vers=2, proc=0, cred=None, args=b"",
             rpcvers=2):
    if prog is None:
        prog = TARGET
    return (u32(xid, CALL, rpcvers, prog, vers, proc) +
            (cred if cred is not None else auth_none()) + auth_none() + args)


def record(msg, last=True):
    return u32(len(msg) | (LAST_FRAG if last else 0)) + msg


def new_xid():
    return random.getrandbits(32)


# ------------------------------------------------------------------ decoding
class Reply:
    def __init__(self, data):
        if len(data) < 12:
            raise ValueError("reply of %d bytes" % len(data))
        self.xid, mtype, rstat = struct.unpack_from(">III", data, 0)
        if mtype != REPLY:
            raise ValueError("msg_type %d, not REPLY" % mtype)
        off = 12
        self.accepted = rstat == MSG_ACCEPTED
        self.low = self.high = self.auth_stat = None
        self.body = b""
        if rstat == MSG_ACCEPTED:
            _flavor, vlen = struct.unpack_from(">II", data, off)
            if vlen > 400:
                raise ValueError("verifier of %d bytes" % vlen)
            off += 8 + vlen + (-vlen % 4)
            (self.stat,) = struct.unpack_from(">I", data, off)
            off += 4
            if self.stat == 2:
                self.low, self.high = struct.unpack_from(">II", data, off)
                off += 8
            self.body = data[off:]
        elif rstat == MSG_DENIED:
            (self.stat,) = struct.unpack_from(">I", data, off)
            off += 4
            if self.stat == RPC_MISMATCH:
                self.low, self.high = struct.unpack_from(">II", data, off)
            elif self.stat == AUTH_ERROR:
                (self.auth_stat,) = struct.unpack_from(">I", data, off)
            else:
                raise ValueError("reject_stat %d" % self.stat)
        else:
            raise ValueError("reply_stat %d" % rstat)

    def __str__(self):
        if self.accepted:
            name = (ACCEPT_STAT[self.stat] if self.stat < len(ACCEPT_STAT)
                    else "accept_stat %d" % self.stat)
            if self.low is not None:
                name += " %d..%d" % (self.low, self.high)
            return "accepted " + name
        if self.stat == RPC_MISMATCH:
            return "denied RPC_MISMATCH %d..%d" % (self.low, self.high)
        return "denied AUTH_ERROR auth_stat=%d" % self.auth_stat


# ------------------------------------------------------------------ transport
class Target:
    def __init__(self, args):
        self.timeout = args.timeout
        self.unix = getattr(args, "unix", None)
        if self.unix:
            self.family = socket.AF_UNIX
            self.addr = self.unix
            self.name = self.unix
        else:
            self.family = (socket.AF_INET6 if ":" in args.host
                           else socket.AF_INET)
            self.addr = (args.host, args.port)
            self.name = "%s port %d" % self.addr

    def connect(self):
        deadline = time.monotonic() + self.timeout
        while True:
            s = socket.socket(self.family, socket.SOCK_STREAM)
            s.settimeout(self.timeout)
            try:
                s.connect(self.addr)
                return s
            except BlockingIOError as e:
                # AF_LOCAL with a full backlog: a timeout socket gets
                # EAGAIN where a blocking one would wait; wait.
                s.close()
                if time.monotonic() >= deadline:
                    raise Verdict(None, "cannot connect to %s: %s" %
                                  (self.name, e))
                time.sleep(0.01)
            except OSError as e:
                s.close()
                raise Verdict(None, "cannot connect to %s: %s" %
                              (self.name, e))

    def udp(self):
        if self.unix:
            raise Verdict(None, "no datagrams over %s" % self.unix)
        s = socket.socket(self.family, socket.SOCK_DGRAM)
        s.connect(self.addr)
        return s


def recv_exact(s, n, deadline):
    buf = b""
    while len(buf) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Timeout()
        s.settimeout(left)
        try:
            chunk = s.recv(n - len(buf))
        except socket.timeout:
            raise Timeout()
        except (ConnectionResetError, BrokenPipeError):
            raise Closed()
        if not chunk:
            raise Closed()
        buf += chunk
    return buf


def read_record(s, deadline, limit=1 << 20):
    data = b""
    while True:
        (mark,) = struct.unpack(">I", recv_exact(s, 4, deadline))
        n = mark & 0x7FFFFFFF
        if len(data) + n > limit:
            raise ValueError("reply record over %d bytes" % limit)
        data += recv_exact(s, n, deadline)
        if mark & LAST_FRAG:
            return data


def send_all(s, data):
    """sendall that turns a reset or close by the server into Closed."""
    try:
        s.sendall(data)
    except (ConnectionResetError, BrokenPipeError):
        raise Closed()
    except socket.timeout:
        raise Timeout()


def wait_closed(s, secs):
    """True if the server closes s within secs (data read is discarded)."""
    deadline = time.monotonic() + secs
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            s.settimeout(left)
            if not s.recv(65536):
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def tcp_call(t, msg, sock=None):
    """Send one call record, return its Reply. Raises Closed/Timeout."""
    s = sock or t.connect()
    try:
        xid = struct.unpack_from(">I", msg)[0]
        deadline = time.monotonic() + t.timeout
        send_all(s, record(msg))
        while True:
            r = Reply(read_record(s, deadline))
            if r.xid == xid:
                return r
    finally:
        if sock is None:
            s.close()


def udp_call(t, msg, tries=3):
    s = t.udp()
    try:
        xid = struct.unpack_from(">I", msg)[0]
        for _ in range(tries):
            s.send(msg)
            deadline = time.monotonic() + t.timeout / tries
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                s.settimeout(left)
                try:
                    data = s.recv(65536)
                except socket.timeout:
                    break
                except ConnectionRefusedError:
                    raise Closed()
                r = Reply(data)
                if r.xid == xid:
                    return r
        raise Timeout()
    finally:
        s.close()


def transports(args):
    if args.tcp or args.unix:
        return ["tcp"]
    if args.udp:
        return ["udp"]
    return ["tcp", "udp"]


def do_call(t, proto, msg):
    return tcp_call(t, msg) if proto == "tcp" else udp_call(t, msg)


def expect(t, args, what, msg_fn, check):
    """Send msg_fn() over each transport; check(reply) -> None or an error."""
    seen = []
    for proto in transports(args):
        try:
            r = do_call(t, proto, msg_fn())
        except Closed:
            raise Verdict(False, "%s over %s: connection closed, no reply" %
                          (what, proto))
        except Timeout:
            raise Verdict(False, "%s over %s: no reply in %ss" %
                          (what, proto, t.timeout))
        except (ValueError, struct.error) as e:
            raise Verdict(False, "%s over %s: malformed reply: %s" %
                          (what, proto, e))
        err = check(r)
        if err:
            raise Verdict(False, "%s over %s: got %s, expected %s" %
                          (what, proto, r, err))
        seen.append("%s: %s" % (proto, r))
    return "; ".join(seen)


def control_null(t):
    """A NULL call on a new connection must succeed."""
    try:
        r = tcp_call(t, call_msg(new_xid(), vers=CONTROL_VERS))
    except (Closed, Timeout) as e:
        raise Verdict(False, "control NULL call failed afterwards (%s)" %
                      type(e).__name__)
    except (ValueError, struct.error) as e:
        raise Verdict(False, "control NULL call: malformed reply: %s" % e)
    if not (r.accepted and r.stat == 0):
        raise Verdict(False, "control NULL call answered %s" % r)


def want_success(r):
    return None if r.accepted and r.stat == 0 else "accepted SUCCESS"


def want_badcred(r):
    if not r.accepted and r.stat == AUTH_ERROR and \
            r.auth_stat == AUTH_BADCRED:
        return None
    return "denied AUTH_ERROR AUTH_BADCRED(1)"


# ------------------------------------------------------------------ modes
def m_null(t, args):
    return expect(t, args, "NULL", lambda: call_msg(new_xid()), want_success)


def m_mark_huge(t, args):
    out = []
    for mark in (0x7FFFFFFF, 0xFFFFFFFF):
        s = t.connect()
        try:
            try:
                send_all(s, u32(mark) + b"\x01\x02\x03\x04abcd")
            except Closed:
                out.append("0x%08x: closed at once" % mark)
                continue
            t0 = time.monotonic()
            if not wait_closed(s, t.timeout):
                raise Verdict(False, "mark 0x%08x: connection still open "
                              "after %ss" % (mark, t.timeout))
            out.append("0x%08x: closed in %.2fs" %
                       (mark, time.monotonic() - t0))
        finally:
            s.close()
    control_null(t)
    return "; ".join(out)


def prefix_then_null(t, what, prefix):
    """Send prefix then a NULL call; a reply or a close is fine, in time."""
    s = t.connect()
    xid = new_xid()
    t0 = time.monotonic()
    deadline = t0 + t.timeout
    try:
        try:
            send_all(s, prefix + record(call_msg(xid)))
            while True:
                r = Reply(read_record(s, deadline))
                if r.xid == xid:
                    break
            outcome = "answered (%s)" % r
            if not (r.accepted and r.stat == 0):
                raise Verdict(False, "%s: NULL call answered %s" % (what, r))
        except Closed:
            outcome = "connection closed"
        except Timeout:
            raise Verdict(False, "%s: neither reply nor close in %ss" %
                          (what, t.timeout))
        except (ValueError, struct.error) as e:
            raise Verdict(False, "%s: malformed reply: %s" % (what, e))
    finally:
        s.close()
    control_null(t)
    return "%s: %s in %.2fs" % (what, outcome, time.monotonic() - t0)


def m_zero_frags(t, args):
    n = (args.n or 20) * 1000
    return prefix_then_null(t, "%d zero-length fragments" % n,
                            u32(0) * n)


def m_empty_records(t, args):
    n = (args.n or 20) * 1000
    return prefix_then_null(t, "%d empty records" % n, u32(LAST_FRAG) * n)


def m_gids16(t, args):
    return expect(t, args, "AUTH_SYS with 16 gids",
                  lambda: call_msg(new_xid(), cred=auth_sys(
                      gids=range(100, 116))), want_success)


def m_gids17(t, args):
    ok16 = m_gids16(t, args)
    out = expect(t, args, "AUTH_SYS with 17 gids",
                 lambda: call_msg(new_xid(), cred=auth_sys(
                     gids=range(100, 117))), want_badcred)
    control_null(t)
    return "16 gids: %s / 17 gids: %s" % (ok16, out)


def m_machname256(t, args):
    ok255 = expect(t, args, "machinename of 255 bytes",
                   lambda: call_msg(new_xid(), cred=auth_sys("m" * 255)),
                   want_success)
    out = expect(t, args, "machinename of 256 bytes",
                 lambda: call_msg(new_xid(), cred=auth_sys("m" * 256)),
                 want_badcred)
    control_null(t)
    return "255: %s / 256: %s" % (ok255, out)


def m_udp_4gib_string(t, args):
    def msg():
        # rpcb { prog, vers, netid<>, addr<>, owner<> }: the netid length
        # says 0xfffffff0 and four bytes follow.
        return call_msg(new_xid(), vers=3, proc=3,
                        args=u32(100003, 3, 0xFFFFFFF0) + b"tcp\0")

    def check(r):
        return None if r.accepted and r.stat == 4 else "accepted GARBAGE_ARGS"

    args.udp, args.tcp = True, False
    out = expect(t, args, "GETADDR with a 4 GiB netid", msg, check)
    control_null(t)
    return out


def m_bad_rpcvers(t, args):
    def check(r):
        if not r.accepted and r.stat == RPC_MISMATCH and \
                (r.low, r.high) == (2, 2):
            return None
        return "denied RPC_MISMATCH 2..2"
    return expect(t, args, "rpcvers 3",
                  lambda: call_msg(new_xid(), rpcvers=3), check)


def m_bad_prog(t, args):
    def check(r):
        return None if r.accepted and r.stat == 1 else "accepted PROG_UNAVAIL"
    return expect(t, args, "program %d" % args.prog,
                  lambda: call_msg(new_xid(), prog=args.prog), check)


def m_bad_vers(t, args):
    def check(r):
        if r.accepted and r.stat == 2 and (r.low, r.high) == (args.low,
                                                               args.high):
            return None
        return "accepted PROG_MISMATCH %d..%d" % (args.low, args.high)
    return expect(t, args, "rpcbind version 7",
                  lambda: call_msg(new_xid(), vers=7), check)


def m_bad_proc(t, args):
    def check(r):
        return None if r.accepted and r.stat == 3 else "accepted PROC_UNAVAIL"
    return expect(t, args, "rpcbind v4 procedure 99",
                  lambda: call_msg(new_xid(), vers=4, proc=99), check)


def m_rmtcall_off(t, args):
    """Every remote-call procedure answers PROC_UNAVAIL (remote calls off):
    PMAPPROC_CALLIT (v2 proc 5), RPCBPROC_CALLIT (v3 proc 5), RPCBPROC_BCAST
    (v4 proc 5) and RPCBPROC_INDIRECT (v4 proc 10), each asking for the
    NULL procedure of --prog version 1."""
    out = []
    rmt = u32(args.prog, 1, 0) + opaque(b"")

    def check(r):
        return None if r.accepted and r.stat == 3 else "accepted PROC_UNAVAIL"
    for vers, proc, name in ((2, 5, "PMAPPROC_CALLIT"),
                             (3, 5, "RPCBPROC_CALLIT"),
                             (4, 5, "RPCBPROC_BCAST"),
                             (4, 10, "RPCBPROC_INDIRECT")):
        out.append("%s: %s" % (name, expect(
            t, args, name,
            lambda: call_msg(new_xid(), vers=vers, proc=proc, args=rmt),
            check)))
    return "; ".join(out)


def drain_replies(s, secs):
    """Read whatever replies come for secs; each must parse. Returns count."""
    deadline = time.monotonic() + secs
    n = 0
    while True:
        try:
            Reply(read_record(s, deadline))
            n += 1
        except (Timeout, Closed):
            return n


def m_junk(t, args):
    seed = args.seed if args.seed is not None else \
        int.from_bytes(os.urandom(4), "big")
    rnd = random.Random(seed)
    notes = ["seed=%d" % seed]
    bad = []

    def rbytes(n):
        return bytes(rnd.getrandbits(8) for _ in range(n))

    def check_data(where, data):
        try:
            Reply(data)
        except (ValueError, struct.error) as e:
            bad.append("%s: malformed reply %r: %s" % (where, data[:32], e))

    # 1. Framed records of random bytes on one connection.
    s = t.connect()
    try:
        try:
            for _ in range(50):
                send_all(s, record(rbytes(rnd.randint(1, 200))))
            n = drain_replies(s, 0.5)
            notes.append("random records: %d replies" % n)
        except Closed:
            notes.append("random records: closed")
    finally:
        s.close()
    # 2. An unframed random byte stream.
    s = t.connect()
    try:
        try:
            send_all(s, rbytes(4096))
            notes.append("random stream: %s" % (
                "closed" if wait_closed(s, 1) else "held"))
        except Closed:
            notes.append("random stream: closed")
    finally:
        s.close()
    # 3. Random datagrams.
    if not t.unix:
        u = t.udp()
        try:
            for _ in range(50):
                u.send(rbytes(rnd.randint(1, 1400)))
        finally:
            u.close()
    # 4. Valid headers, random arguments, every procedure of v2..v4, over
    # UDP and TCP: exercises every argument decoder.
    replies = 0
    s = t.connect()
    u = None if t.unix else t.udp()
    if u is not None:
        u.settimeout(0.2)
    try:
        for vers in range(args.low, args.high + 1):
            for proc in range(0, args.procs):
                for _ in range(3):
                    a = rbytes(rnd.choice((0, 3, 4, 8, 20, 64, 300)))
                    msg = call_msg(new_xid(), vers=vers, proc=proc, args=a)
                    try:
                        if u is not None:
                            u.send(msg)
                            check_data("udp v%d proc %d" % (vers, proc),
                                       u.recv(65536))
                            replies += 1
                    except (socket.timeout, ConnectionRefusedError):
                        pass
                    if s is None:
                        continue
                    try:
                        send_all(s, record(msg))
                        xid = struct.unpack_from(">I", msg)[0]
                        deadline = time.monotonic() + 0.5
                        while True:
                            data = read_record(s, deadline)
                            check_data("tcp v%d proc %d" % (vers, proc),
                                       data)
                            if struct.unpack_from(">I", data)[0] == xid:
                                break
                        replies += 1
                    except (Closed, Timeout):
                        s.close()
                        s = t.connect()
    finally:
        if s is not None:
            s.close()
        if u is not None:
            u.close()
    notes.append("random arguments: %d replies" % replies)
    if bad:
        raise Verdict(False, "; ".join(notes + bad[:3]))
    control_null(t)
    return "; ".join(notes)


def m_garbage_args(t, args):
    """Every procedure in --proc-list of versions --low..--high of --target,
    with arguments cut short (3 bytes), is answered GARBAGE_ARGS."""
    procs = [int(x) for x in args.proc_list.split(",") if x]
    if not procs:
        raise Verdict(None, "--proc-list is empty")
    out = []
    for vers in range(args.low, args.high + 1):
        if vers in args.skip_vers:
            continue
        for proc in procs:
            out.append(expect(
                t, args, "v%d proc %d with 3 bytes of arguments" % (vers, proc),
                lambda: call_msg(new_xid(), vers=vers, proc=proc,
                                 args=b"\x00\x00\x01"),
                lambda r: None if r.accepted and r.stat == 4 else
                "accepted GARBAGE_ARGS(4)"))
    control_null(t)
    return "%d calls, all GARBAGE_ARGS" % (len(out) * len(transports(args)))


def m_slow_partial(t, args):
    msg = record(call_msg(new_xid(), args=b"\0" * 100))
    s = t.connect()
    try:
        send_all(s, msg[:len(msg) // 2])
        try:
            control_null(t)
        except Verdict as v:
            raise Verdict(False, "while half a record is held: " + v.msg)
        note = "other client served while half a record is held"
        if args.expect_close:
            t0 = time.monotonic()
            if not wait_closed(s, args.expect_close):
                raise Verdict(False, note + ", but the held connection was"
                              " not closed within %ss" % args.expect_close)
            note += "; held connection closed after %.1fs" % (
                time.monotonic() - t0)
        elif args.hold:
            time.sleep(args.hold)
            control_null(t)
        return note
    finally:
        s.close()


def raise_nofile(n):
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < n:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))
    except (ImportError, ValueError, OSError):
        pass


def m_many_conns(t, args):
    n = args.n or 500
    raise_nofile(n + 64)
    held = []
    refused = 0
    first_err = ""
    part = record(call_msg(1, args=b"\0" * 4000))
    try:
        for _ in range(n):
            try:
                held.append(t.connect())
            except Verdict as v:
                refused += 1
                first_err = first_err or v.msg
        if args.partial:
            # every held connection is in the middle of a record, and
            # stays busy: one more byte each, a few rounds
            for r in range(args.partial):
                for h in held:
                    try:
                        h.send(part[r * 8:r * 8 + 8])
                    except OSError:
                        pass
                time.sleep(0.2)
        t0 = time.monotonic()
        try:
            control_null(t)
        except Verdict as v:
            raise Verdict(False, "with %d connections held: %s" %
                          (len(held), v.msg))
        note = ("%d connections held (%d refused%s), new client served in "
                "%.2fs" % (len(held), refused, first_err and ": " + first_err,
                           time.monotonic() - t0))
        if args.hold:
            time.sleep(args.hold)
        closed = count_closed(held, 0)
        note += "; %d of them closed by the server" % closed
        if args.expect_closed:
            closed = count_closed(held, args.expect_closed)
            if closed < len(held):
                raise Verdict(False, note + "; only %d of %d closed within "
                              "%ss" % (closed, len(held), args.expect_closed))
            note += "; all closed within %ss" % args.expect_closed
        return note
    finally:
        for s in held:
            s.close()


def count_closed(socks, secs):
    """How many of socks the server has closed, waiting up to secs for all."""
    deadline = time.monotonic() + secs
    open_ = {s.fileno(): s for s in socks}
    closed = 0
    poll = select.poll()
    for fd in open_:
        poll.register(fd, select.POLLIN)
    while open_:
        left = max(0, deadline - time.monotonic())
        events = poll.poll(int(left * 1000))
        if not events:
            break
        for fd, _ev in events:
            s = open_[fd]
            try:
                s.setblocking(False)
                data = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                closed += 1
                poll.unregister(fd)
                del open_[fd]
    return closed


def m_conn_burst(t, args):
    n = args.n or 2000
    rnd = random.Random(args.seed if args.seed is not None else 1)
    half = record(call_msg(1, args=b"\0" * 64))
    half = half[:len(half) // 2]
    errors = 0
    for i in range(n):
        try:
            s = None
            s = t.connect()
            kind = i % 4
            if kind == 0:
                s.sendall(half)
            elif kind == 1:
                s.sendall(bytes(rnd.getrandbits(8) for _ in range(64)))
            elif kind == 2:
                s.sendall(record(call_msg(new_xid())))
            if i % 2 and not t.unix:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
            s.close()
        except Verdict:
            errors += 1
        except OSError as e:
            if e.errno not in (errno.ECONNRESET, errno.EPIPE):
                errors += 1
            s.close()
    control_null(t)
    return "%d connections (%d errors), server still answers" % (n, errors)


MODES = {
    "null": m_null,
    "mark-huge": m_mark_huge,
    "zero-frags": m_zero_frags,
    "empty-records": m_empty_records,
    "gids16": m_gids16,
    "gids17": m_gids17,
    "machname256": m_machname256,
    "junk": m_junk,
    "garbage-args": m_garbage_args,
    "udp-4gib-string": m_udp_4gib_string,
    "bad-rpcvers": m_bad_rpcvers,
    "bad-prog": m_bad_prog,
    "bad-vers": m_bad_vers,
    "bad-proc": m_bad_proc,
    "rmtcall-off": m_rmtcall_off,
    "slow-partial": m_slow_partial,
    "many-conns": m_many_conns,
    "conn-burst": m_conn_burst,
}


def main():
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=111)
    p.add_argument("--timeout", type=float, default=5.0,
                   help="seconds to wait for a reply or a close (5)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--tcp", action="store_true")
    g.add_argument("--udp", action="store_true")
    p.add_argument("--prog", type=int, default=400999,
                   help="bad-prog: an unregistered program (400999); "
                   "rmtcall-off: the program to ask for")
    p.add_argument("--low", type=int, default=2)
    p.add_argument("--high", type=int, default=4)
    p.add_argument("--seed", type=int)
    p.add_argument("--hold", type=float, default=0,
                   help="seconds to keep held connections open")
    p.add_argument("--expect-close", type=float, default=0)
    p.add_argument("--expect-closed", type=float, default=0)
    p.add_argument("--partial", type=int, default=0, metavar="ROUNDS",
                   help="many-conns: held connections send a record 8 "
                   "bytes at a time for ROUNDS rounds, never finishing it")
    p.add_argument("--unix", metavar="PATH",
                   help="talk to an AF_LOCAL stream socket instead "
                   "(datagram parts are left out)")
    p.add_argument("--target", type=int, default=RPCBPROG,
                   help="junk, garbage-args and the control NULL calls: "
                   "the program (100000); versions --low..--high, the "
                   "control NULL goes to --high")
    p.add_argument("--procs", type=int, default=17,
                   help="junk: procedures 0..N-1 of each version (17)")
    p.add_argument("--proc-list", default="",
                   help="garbage-args: the procedures, comma-separated")
    p.add_argument("--skip-vers", type=lambda v: [int(x) for x in v.split(",")],
                   default=[], help="garbage-args: versions to leave out")
    p.add_argument("mode", choices=sorted(MODES))
    p.add_argument("n", type=int, nargs="?")
    args = p.parse_args()
    global TARGET, CONTROL_VERS
    TARGET = args.target
    if args.target != RPCBPROG:
        CONTROL_VERS = args.high

    t = Target(args)
    try:
        detail = MODES[args.mode](t, args)
        ok = True
    except Verdict as v:
        ok, detail = v.ok, v.msg
    if ok is None:
        print("ERROR %s: %s" % (args.mode, detail))
        return 2
    print("%s %s: %s" % ("ok" if ok else "FAIL", args.mode, detail))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
