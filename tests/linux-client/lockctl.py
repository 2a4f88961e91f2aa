#!/usr/bin/python3
"""lockctl: POSIX record locks from the command line, for the locking tests.

Runs in the guest (on files of an NFS mount: the kernel client turns them
into NLM calls) and on the server host (on the exported files: to see what
the server really holds, and to hold locks as a local process would).

  lockctl.py setlk FILE START LEN r|w|u    F_SETLK: "ok" (exit 0), or the
                                            errno name (exit 1)
  lockctl.py getlk FILE START LEN r|w      F_GETLK: "unlocked", or
                                            "locked r|w START LEN pid=PID"
  lockctl.py ofd-getlk FILE START LEN r|w  the same with F_OFD_GETLK (a
                                            conflict with any description,
                                            this process's own included)
  lockctl.py lockf FILE START LEN lock|tlock|ulock|test
                                            lockf(3) at START (LEN bytes, 0:
                                            to EOF): "ok" or the errno name
  lockctl.py hold FILE START LEN r|w [--wait] [--ready PATH] [--for SECS]
                                            take the lock (F_SETLKW with
                                            --wait, else F_SETLK), print
                                            "held after S.SS" (or the errno
                                            name, exit 1), create PATH, then
                                            keep it until SIGTERM or for
                                            SECS; exit 0
  lockctl.py fork FILE START LEN READY GO   parent and child: the parent
                                            locks [START, +LEN) w; the child
                                            sees it with F_GETLK (the
                                            parent's pid), cannot take it
                                            (EAGAIN), locks the next LEN
                                            bytes, creates READY, waits for
                                            GO and exits; the parent then
                                            takes the child's range (free
                                            again) and prints what it saw
  lockctl.py run FILE                       one lock owner (this process,
                                            one descriptor of FILE) runs the
                                            steps read from stdin, one per
                                            line, and exits 1 at the first
                                            that does not give what it
                                            expects:
      setlk START LEN r|w|u [EXPECT]        F_SETLK; EXPECT "ok" (default)
                                            or an errno name
      setlkw START LEN r|w [EXPECT]         F_SETLKW, the same
      getlk START LEN r|w EXPECT...         F_GETLK must print EXPECT
      lockf START LEN lock|tlock|ulock [EXPECT]   lockf(3) at START
      reopen-close                          open FILE again and close that
                                            descriptor (POSIX: this drops
                                            all the process's locks on FILE)
      check NAME                            the host's verdict, as
                                            guest-lib.sh's host_check
      # ...                                 a comment
LEN 0 means to the end of the file; START and LEN are decimal or 0x hex.
"""
import errno
import fcntl
import os
import signal
import struct
import sys
import time

FLOCK = "hhqqi"	# struct flock on x86_64 (native alignment pads after l_whence)
TYPES = {"r": fcntl.F_RDLCK, "w": fcntl.F_WRLCK, "u": fcntl.F_UNLCK}
NAMES = {fcntl.F_RDLCK: "r", fcntl.F_WRLCK: "w", fcntl.F_UNLCK: "u"}
F_OFD_GETLK = getattr(fcntl, "F_OFD_GETLK", 36)


def num(s):
	return int(s, 0)


def flock(kind, start, length):
	return struct.pack(FLOCK, TYPES[kind], os.SEEK_SET, start, length, 0)


def errname(e):
	return errno.errorcode.get(e.errno, str(e.errno))


def open_for(path, kind):
	mode = os.O_RDWR if kind == "w" else os.O_RDONLY
	try:
		return os.open(path, mode)
	except PermissionError:
		return os.open(path, os.O_RDONLY)


def getlk(fd, cmd, start, length, kind):
	res = fcntl.fcntl(fd, cmd, flock(kind, start, length))
	typ, _, lstart, llen, pid = struct.unpack(FLOCK, res)
	if typ == fcntl.F_UNLCK:
		return "unlocked"
	return "locked %s %d %d pid=%d" % (NAMES.get(typ, "?"), lstart, llen, pid)


def main(argv):
	if len(argv) == 3 and argv[1] == "run":
		return run(argv[2])
	if len(argv) < 5:
		sys.exit(__doc__)
	cmd, path, start, length = argv[1], argv[2], num(argv[3]), num(argv[4])
	arg = argv[5] if len(argv) > 5 else "w"
	rest = argv[6:]
	if cmd == "setlk":
		fd = open_for(path, arg)
		try:
			fcntl.fcntl(fd, fcntl.F_SETLK, flock(arg, start, length))
		except OSError as e:
			print(errname(e))
			return 1
		print("ok")
		return 0
	if cmd in ("getlk", "ofd-getlk"):
		fd = os.open(path, os.O_RDONLY)
		print(getlk(fd, fcntl.F_GETLK if cmd == "getlk" else F_OFD_GETLK,
		    start, length, arg))
		return 0
	if cmd == "lockf":
		ops = {"lock": fcntl.LOCK_EX, "tlock": fcntl.LOCK_EX | fcntl.LOCK_NB,
		    "ulock": fcntl.LOCK_UN}
		fd = os.open(path, os.O_RDWR)
		try:
			if arg == "test":
				# lockf(F_TEST): is the range free of others' locks?
				r = getlk(fd, fcntl.F_GETLK, start, length, "w")
				print("ok" if r == "unlocked" else "EACCES")
				return 0 if r == "unlocked" else 1
			fcntl.lockf(fd, ops[arg], length, start, os.SEEK_SET)
		except OSError as e:
			print(errname(e))
			return 1
		print("ok")
		return 0
	if cmd == "hold":
		wait = "--wait" in rest
		ready = rest[rest.index("--ready") + 1] if "--ready" in rest else None
		secs = float(rest[rest.index("--for") + 1]) if "--for" in rest else None
		fd = open_for(path, arg)
		t0 = time.monotonic()
		try:
			fcntl.fcntl(fd, fcntl.F_SETLKW if wait else fcntl.F_SETLK,
			    flock(arg, start, length))
		except OSError as e:
			print(errname(e), flush=True)
			return 1
		print("held after %.2f" % (time.monotonic() - t0), flush=True)
		if ready:
			open(ready, "w").close()
		signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
		if secs is not None:
			time.sleep(secs)
		else:
			while True:
				signal.pause()
		return 0
	if cmd == "fork":
		return forkcheck(path, start, length, arg, rest[0])
	sys.exit(__doc__)


def host_check(name, secs=120):
	"""guest-lib.sh's host_check: /share/NAME, then NAME.done or .fail."""
	open("/share/" + name, "w").close()
	deadline = time.monotonic() + secs
	while time.monotonic() < deadline:
		if os.path.exists("/share/%s.done" % name):
			return None
		if os.path.exists("/share/%s.fail" % name):
			with open("/share/%s.fail" % name) as f:
				return "host check %s failed: %s" % (name, f.read().strip())
		time.sleep(0.05)
	return "the host did not answer %s within %d s" % (name, secs)


def run(path):
	fd = os.open(path, os.O_RDWR)
	for lineno, line in enumerate(sys.stdin, 1):
		w = line.split()
		if not w or w[0].startswith("#"):
			continue
		op, want, got = w[0], None, None
		try:
			if op in ("setlk", "setlkw"):
				want = w[4] if len(w) > 4 else "ok"
				try:
					fcntl.fcntl(fd, fcntl.F_SETLK if op == "setlk" else
					    fcntl.F_SETLKW, flock(w[3], num(w[1]), num(w[2])))
					got = "ok"
				except OSError as e:
					got = errname(e)
			elif op == "getlk":
				want = " ".join(w[4:])
				got = getlk(fd, fcntl.F_GETLK, num(w[1]), num(w[2]), w[3])
			elif op == "lockf":
				want = w[4] if len(w) > 4 else "ok"
				ops = {"lock": fcntl.LOCK_EX, "ulock": fcntl.LOCK_UN,
				    "tlock": fcntl.LOCK_EX | fcntl.LOCK_NB}
				os.lseek(fd, num(w[1]), os.SEEK_SET)
				try:
					fcntl.lockf(fd, ops[w[3]], num(w[2]), 0, os.SEEK_CUR)
					got = "ok"
				except OSError as e:
					got = errname(e)
			elif op == "reopen-close":
				os.close(os.open(path, os.O_RDONLY))
			elif op == "check":
				err = host_check(w[1])
				if err:
					print("step %d (%s): %s" % (lineno, line.strip(), err))
					return 1
			else:
				print("step %d: unknown step %r" % (lineno, op))
				return 2
		except (IndexError, ValueError, KeyError) as e:
			print("step %d: bad step %r: %s" % (lineno, line.strip(), e))
			return 2
		shown = line.strip() + ("" if got is None else " -> " + got)
		print(shown, flush=True)
		if want is not None and got != want:
			print("step %d: expected %s" % (lineno, want))
			return 1
	return 0


def wait_for(path, secs=120):
	deadline = time.monotonic() + secs
	while not os.path.exists(path):
		if time.monotonic() > deadline:
			raise SystemExit("fork: %s did not appear" % path)
		time.sleep(0.05)


def forkcheck(path, start, length, ready, go):
	fd = os.open(path, os.O_RDWR)
	fcntl.fcntl(fd, fcntl.F_SETLK, flock("w", start, length))
	parent = os.getpid()
	r, w = os.pipe()
	pid = os.fork()
	if pid == 0:
		os.close(r)
		cfd = os.open(path, os.O_RDWR)
		out = [getlk(cfd, fcntl.F_GETLK, start, length, "w")]
		try:
			fcntl.fcntl(cfd, fcntl.F_SETLK, flock("w", start, length))
			out.append("child-took-parents-range")
		except OSError as e:
			out.append("child-setlk=" + errname(e))
		fcntl.fcntl(cfd, fcntl.F_SETLK, flock("w", start + length, length))
		out.append("child-locked-next")
		os.write(w, (" ".join(out) + "\n").encode())
		open(ready, "w").close()
		wait_for(go)
		os._exit(0)
	os.close(w)
	seen = os.read(r, 4096).decode().strip()
	os.waitpid(pid, 0)
	# the child's lock went with it: the parent may take that range now
	try:
		fcntl.fcntl(fd, fcntl.F_SETLK, flock("w", start + length, length))
		after = "parent-took-next"
	except OSError as e:
		after = "parent-setlk-next=" + errname(e)
	seen = seen.replace("pid=%d" % parent, "pid=PARENT")
	print(seen, after)
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
