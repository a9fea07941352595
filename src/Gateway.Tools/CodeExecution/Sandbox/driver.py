# The Python driver of one code-execution session. It runs inside the sandbox as the sandbox's only
# long-lived process and executes each call's code in one namespace, so variables and imports persist
# across the calls of a session.
#
# Protocol (DriverProtocol.cs is the host's half). The host writes requests on fd 0: a 4-byte
# big-endian length, then that many bytes of UTF-8 JSON {"code": "..."}. The driver writes frames on
# fd 1: one kind byte, a 4-byte big-endian length, the payload:
#   h  hello, JSON {"python": version}: the sandbox is up and waiting for code
#   o  a chunk of the call's stdout          e  a chunk of the call's stderr
#   r  the call's result, JSON (exit_code, stdout_bytes, stderr_bytes, files, files_omitted)
# User code runs in this process and could write anything on the protocol descriptors: the host
# checks every frame and enforces every limit itself; the driver's own limits only save work.
import base64
import json
import os
import selectors
import stat
import struct
import sys
import threading
import traceback

SETTINGS = json.loads(sys.argv[1])
WORK = "/work"
CHUNK = 64 * 1024

# Keep the protocol on private descriptors (Python's dup is close-on-exec), so that user code's
# subprocesses, which inherit 0-2, never see the protocol; close whatever else was inherited.
REQUESTS = os.dup(0)
FRAMES = os.dup(1)
DIAGNOSTICS = os.dup(2)
NULL = os.open("/dev/null", os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(NULL, fd)
low = 3
for fd in sorted((REQUESTS, FRAMES, DIAGNOSTICS, NULL)):
    os.closerange(low, fd)
    low = fd + 1
os.closerange(low, os.sysconf("SC_OPEN_MAX"))

sys.stdout.reconfigure(line_buffering=True)
sys.path.insert(0, WORK)
SEND = threading.Lock()


def send(kind, payload):
    frame = kind + struct.pack(">I", len(payload)) + payload
    with SEND:
        view = memoryview(frame)
        while view:
            view = view[os.write(FRAMES, view):]


def read_exact(n):
    parts = []
    while n:
        part = os.read(REQUESTS, min(n, 1 << 20))
        if not part:
            return None
        parts.append(part)
        n -= len(part)
    return b"".join(parts)


class Pump(threading.Thread):
    """Forwards what the call writes on fds 1 and 2 (its own and its subprocesses') as o/e frames,
    up to the output limit per stream, and counts the rest."""

    def __init__(self, out_fd, err_fd):
        super().__init__(daemon=True)
        self.fds = {out_fd: b"o", err_fd: b"e"}
        self.counts = {b"o": 0, b"e": 0}
        self.wake_r, self.wake_w = os.pipe()

    def forward(self, fd, data):
        kind = self.fds[fd]
        room = SETTINGS["output_limit"] + 1 - self.counts[kind]
        self.counts[kind] += len(data)
        if room > 0:
            send(kind, data[:room])

    def run(self):
        with selectors.DefaultSelector() as sel:
            for fd in self.fds:
                sel.register(fd, selectors.EVENT_READ)
            sel.register(self.wake_r, selectors.EVENT_READ)
            open_fds = set(self.fds)
            while open_fds:
                events = sel.select()
                if any(key.fd == self.wake_r for key, _ in events):
                    break
                for key, _ in events:
                    data = os.read(key.fd, CHUNK)
                    if data:
                        self.forward(key.fd, data)
                    else:
                        sel.unregister(key.fd)
                        open_fds.discard(key.fd)
            # The code has returned. A subprocess it left running may still hold the pipes and keep
            # writing: take what is already buffered (a bounded amount), not what comes later.
            for fd in open_fds:
                os.set_blocking(fd, False)
                for _ in range(16):
                    try:
                        data = os.read(fd, CHUNK)
                    except BlockingIOError:
                        break
                    if not data:
                        break
                    self.forward(fd, data)

    def finish(self):
        os.write(self.wake_w, b"x")
        self.join()
        for fd in (*self.fds, self.wake_r, self.wake_w):
            os.close(fd)


def snapshot():
    """What is under /work now, by relative path: (mtime, size, inode) without following links."""
    seen = {}
    stack = [WORK]
    while stack and len(seen) < SETTINGS["scan_limit"]:
        top = stack.pop()
        try:
            entries = list(os.scandir(top))
        except OSError:
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                stack.append(entry.path)
            else:
                seen[os.path.relpath(entry.path, WORK)] = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_mode)
    return seen


def read_file(path, size, budget):
    """The file's bytes, or None when it is larger than what may be returned. Opened with
    O_NOFOLLOW and checked after opening: a link or a swapped-in fifo is never read."""
    if size > min(SETTINGS["file_limit"], budget):
        return None
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, min(SETTINGS["file_limit"], budget) + 1)
        return data if len(data) <= min(SETTINGS["file_limit"], budget) else None
    finally:
        os.close(fd)


def describe(rel, info, budget):
    mtime, size, inode, mode = info
    path = os.path.join(WORK, rel)
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = None
        return {"path": rel, "type": "symlink", "size": 0, "target": target}, 0
    if not stat.S_ISREG(mode):
        return {"path": rel, "type": "other", "size": size}, 0
    entry = {"path": rel, "type": "file", "size": size}
    try:
        data = read_file(path, size, budget)
    except OSError:
        data = None
    if data is None:
        return entry, 0
    try:
        text = data.decode("utf-8")
        if "\x00" in text:
            raise UnicodeDecodeError("utf-8", data, 0, 1, "NUL")
        entry.update(encoding="utf-8", content=text)
    except UnicodeDecodeError:
        entry.update(encoding="base64", content=base64.b64encode(data).decode("ascii"))
    return entry, len(data)


def changed_files(before):
    after = snapshot()
    changed = sorted(rel for rel, info in after.items() if before.get(rel) != info)
    files, budget = [], SETTINGS["files_total_limit"]
    for rel in changed[: SETTINGS["max_files"]]:
        entry, used = describe(rel, after[rel], budget)
        budget -= used
        files.append(entry)
    return files, max(0, len(changed) - SETTINGS["max_files"])


def exit_code_of(stop):
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code & 0xFF
    print(stop.code, file=sys.stderr)
    return 1


def run(code, namespace):
    before = snapshot()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    os.close(out_w)
    os.close(err_w)
    pump = Pump(out_r, err_r)
    pump.start()
    exit_code = 0
    try:
        exec(compile(code, "<code>", "exec"), namespace)
    except SystemExit as stop:
        exit_code = exit_code_of(stop)
    except BaseException:
        traceback.print_exc()
        exit_code = 1
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os.dup2(NULL, 1)
        os.dup2(NULL, 2)
        pump.finish()
    files, omitted = changed_files(before)
    result = {
        "exit_code": exit_code,
        "stdout_bytes": pump.counts[b"o"],
        "stderr_bytes": pump.counts[b"e"],
        "files": files,
        "files_omitted": omitted,
    }
    send(b"r", json.dumps(result).encode("utf-8"))


def main():
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    send(b"h", json.dumps({"python": sys.version.split()[0]}).encode("utf-8"))
    while True:
        header = read_exact(4)
        if header is None:
            return
        body = read_exact(struct.unpack(">I", header)[0])
        if body is None:
            return
        run(json.loads(body)["code"], namespace)


try:
    main()
except BaseException:
    # The driver itself failed (not the user's code, whose errors are its stderr): say why on the
    # sandbox's own stderr, which the host keeps for its error message.
    os.write(DIAGNOSTICS, traceback.format_exc().encode("utf-8", "replace"))
    raise SystemExit(70)
