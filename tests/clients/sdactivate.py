#!/usr/bin/python3
"""sdactivate.py: systemd's socket activation (sd_listen_fds(3)) for the tests.

    sdactivate.py INFO SPEC... -- CMD [ARG...]

Opens a listening socket for each SPEC, in order, as descriptors 3, 4, ...,
writes "FD INODE SPEC" lines to INFO (the inode of the socket, as
/proc/PID/fd shows it: socket:[INODE]), then executes CMD in this process
with LISTEN_PID (its pid), LISTEN_FDS and LISTEN_FDNAMES set, as systemd
does for a service with a socket unit. SPEC:
    stream:HOST:PORT  dgram:HOST:PORT  (HOST: an IPv4 or IPv6 address;
    IPv6 sockets are IPV6_V6ONLY, as BindIPv6Only=ipv6-only makes them)
    unix:PATH         (a stream socket, mode 0666)
"""
import os
import socket
import sys

sep = sys.argv.index("--")
info, specs, cmd = sys.argv[1], sys.argv[2:sep], sys.argv[sep + 1:]
socks = []
for spec in specs:
    kind, rest = spec.split(":", 1)
    if kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(rest):
            os.unlink(rest)
        s.bind(rest)
        os.chmod(rest, 0o666)
    else:
        host, port = rest.rsplit(":", 1)
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM if kind == "stream"
                          else socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((host.strip("[]"), int(port)))
    if s.type == socket.SOCK_STREAM:
        s.listen(128)
    socks.append((s, spec))
with open(info, "w") as f:
    for i, (s, spec) in enumerate(socks):
        fd = 3 + i
        if s.fileno() != fd:
            os.dup2(s.fileno(), fd)
        os.set_inheritable(fd, True)
        f.write("%d %d %s\n" % (fd, os.fstat(fd).st_ino, spec))
os.environ["LISTEN_PID"] = str(os.getpid())
os.environ["LISTEN_FDS"] = str(len(socks))
os.environ["LISTEN_FDNAMES"] = ":".join("rpcbind" for _ in socks)
os.execv(cmd[0], cmd)
