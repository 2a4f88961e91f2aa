#!/usr/bin/python3
"""rpcflood: send the same ONC RPC call many times over one connection.

    rpcflood.py [--host H] [--port P] [--udp] [--batch B] N CALL ARG...

The calls a test needs to flood a daemon with refusals, built by hand with
struct.pack (RFC 5531: call header, AUTH_SYS credential as uid 0; record
marking over TCP):

  mnt PATH             MOUNT v3 MNT (100005, procedure 1)
  getattr FHHEX        NFS v3 GETATTR (100003, procedure 1) of a handle
  set PROG VERS PORT   portmap v2 SET (100000, procedure 1), tcp mapping
  unset PROG VERS      portmap v2 UNSET (100000, procedure 2)
  nlm-lock FHHEX       NLM v4 LOCK (100021, procedure 2), non-blocking,
                       exclusive, bytes 0-1 of the handle's file
  sm-mon NAME          NSM SM_MON (100024 v1, procedure 2) of host NAME,
                       callbacks to NLM v4 procedure 16 of "localhost"
  null PROG VERS       procedure 0

The port is asked of H's rpcbind (portmap v2 GETPORT) unless --port is
given (111 for set/unset). TCP calls go out in batches of B (64), each
batch answered before the next is sent. One line of output:

  sent N replies N accepted A denied D other O

(accepted: MSG_ACCEPTED, whatever the procedure's own status; denied:
MSG_DENIED, e.g. an AUTH_TOOWEAK refusal). Exit 0 if every call got a
reply, 1 if not, 2 when the target could not be reached.
"""

import argparse
import os
import socket
import struct
import sys

CALL, REPLY = 0, 1
MSG_ACCEPTED, MSG_DENIED = 0, 1
AUTH_NONE, AUTH_SYS = 0, 1
LAST_FRAG = 0x80000000
IPPROTO_TCP, IPPROTO_UDP = 6, 17


def u32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def u64(v):
    return struct.pack(">Q", v)


def opaque(b):
    pad = (4 - len(b) % 4) % 4
    return u32(len(b)) + b + b"\0" * pad


def auth_sys():
    body = u32(0) + opaque(b"rpcflood") + u32(0) + u32(0) + u32(0)
    return u32(AUTH_SYS) + opaque(body)


def call(xid, prog, vers, proc, args):
    return (u32(xid) + u32(CALL) + u32(2) + u32(prog) + u32(vers) +
            u32(proc) + auth_sys() + u32(AUTH_NONE) + u32(0) + args)


def build(name, args):
    """(prog, vers, proc, argument bytes) for a CALL of the usage."""
    if name == "mnt" and len(args) == 1:
        return 100005, 3, 1, opaque(args[0].encode())
    if name == "getattr" and len(args) == 1:
        return 100003, 3, 1, opaque(bytes.fromhex(args[0]))
    if name == "set" and len(args) == 3:
        prog, vers, port = (int(a) for a in args)
        return 100000, 2, 1, u32(prog) + u32(vers) + u32(IPPROTO_TCP) + \
            u32(port)
    if name == "unset" and len(args) == 2:
        prog, vers = (int(a) for a in args)
        return 100000, 2, 2, u32(prog) + u32(vers) + u32(0) + u32(0)
    if name == "nlm-lock" and len(args) == 1:
        lock = (opaque(b"rpcflood") + opaque(bytes.fromhex(args[0])) +
                opaque(b"rpcflood-owner") + u32(1) + u64(0) + u64(1))
        return 100021, 4, 2, (opaque(b"c00k") + u32(0) + u32(1) + lock +
                              u32(0) + u32(0))
    if name == "sm-mon" and len(args) == 1:
        my_id = opaque(b"localhost") + u32(100021) + u32(4) + u32(16)
        return 100024, 1, 2, opaque(args[0].encode()) + my_id + b"\0" * 16
    if name == "null" and len(args) == 2:
        return int(args[0]), int(args[1]), 0, b""
    raise SystemExit("rpcflood: bad call: %s %s" % (name, " ".join(args)))


def getport(host, prog, vers, proto):
    """portmap v2 GETPORT over UDP."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    try:
        s.sendto(call(1, 100000, 2, 3, u32(prog) + u32(vers) + u32(proto) +
                      u32(0)), (host, 111))
        data = s.recv(1024)
    finally:
        s.close()
    # xid, REPLY, MSG_ACCEPTED, verf (flavor, len 0), SUCCESS, port
    if len(data) < 28:
        raise OSError("short GETPORT reply")
    return struct.unpack(">I", data[24:28])[0]


def judge(rec, counts):
    if len(rec) < 12 or struct.unpack(">I", rec[4:8])[0] != REPLY:
        counts["other"] += 1
    elif struct.unpack(">I", rec[8:12])[0] == MSG_ACCEPTED:
        counts["accepted"] += 1
    else:
        counts["denied"] += 1


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed by the server")
        buf += chunk
    return buf


def recv_record(s):
    rec = b""
    while True:
        mark = struct.unpack(">I", recv_exact(s, 4))[0]
        rec += recv_exact(s, mark & ~LAST_FRAG)
        if mark & LAST_FRAG:
            return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--udp", action="store_true")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("n", type=int)
    ap.add_argument("call")
    ap.add_argument("args", nargs="*")
    o = ap.parse_args()
    prog, vers, proc, args = build(o.call, o.args)
    proto = IPPROTO_UDP if o.udp else IPPROTO_TCP
    try:
        port = o.port or (111 if prog == 100000 else
                          getport(o.host, prog, vers, proto))
        if port == 0:
            raise OSError("program %d v%d is not registered" % (prog, vers))
        if o.udp:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(o.timeout)
        s.connect((o.host, port))
    except OSError as e:
        print("rpcflood: %s: %s" % (o.host, e), file=sys.stderr)
        return 2
    counts = {"accepted": 0, "denied": 0, "other": 0}
    replies = 0
    xid = (os.getpid() << 16) & 0x7FFFFFFF
    sent = 0
    try:
        while sent < o.n:
            k = min(o.batch, o.n - sent)
            if o.udp:
                for i in range(k):
                    s.send(call(xid + sent + i, prog, vers, proc, args))
                    judge(s.recv(65536), counts)
                    replies += 1
            else:
                out = b""
                for i in range(k):
                    body = call(xid + sent + i, prog, vers, proc, args)
                    out += u32(LAST_FRAG | len(body)) + body
                s.sendall(out)
                for i in range(k):
                    judge(recv_record(s), counts)
                    replies += 1
            sent += k
    except (OSError, ConnectionError) as e:
        print("rpcflood: after %d replies: %s" % (replies, e),
              file=sys.stderr)
    s.close()
    print("sent %d replies %d accepted %d denied %d other %d" %
          (sent, replies, counts["accepted"], counts["denied"],
           counts["other"]))
    return 0 if replies == o.n else 1


if __name__ == "__main__":
    sys.exit(main())
