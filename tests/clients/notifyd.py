#!/usr/bin/python3
"""notifyd.py: a stand-in for systemd's end of sd_notify(3), for the tests.

    notifyd.py ADDR OUT [PROG VERS]

Binds an AF_UNIX datagram socket at ADDR (a path, or @name for the abstract
namespace), then writes one line to OUT per message received:

    <seconds since start> <message, newlines shown as '|'>

When a message holds READY=1 and PROG VERS are given, it asks at once
`rpcinfo -T tcp 127.0.0.1 PROG VERS` (rpcbind's map, then a NULL call to
the program) and writes "rpcinfo-at-ready <exit status>": 0 means the
daemon was registered and serving when it said it was ready.
"""
import os
import socket
import subprocess
import sys
import time

addr, out = sys.argv[1], sys.argv[2]
check = sys.argv[3:5]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
if not addr.startswith("@"):
    os.chmod(addr, 0o666)   # as systemd's: daemons that dropped root send too
t0 = time.monotonic()
with open(out, "a", buffering=1) as f:
    f.write("listening\n")
    while True:
        msg = s.recv(65536).decode(errors="replace")
        f.write("%.3f %s\n" % (time.monotonic() - t0, msg.replace("\n", "|")))
        if check and "READY=1" in msg.split("\n"):
            rc = subprocess.call(["rpcinfo", "-T", "tcp", "127.0.0.1"] + check,
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            f.write("rpcinfo-at-ready %d\n" % rc)
