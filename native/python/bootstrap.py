"""isola's Python runtime bootstrap: runs one function instance.

Started by the process executor (native/process) with fd 3 as its private
channel: frames of [u32 BE length][0xc1][UTF-8 JSON] both ways (see
native/process/channel.ts). Standard library only; runs on the machine's
python3 whatever the function's runtime name (Python3.6 ... 3.10).

  parent -> child: {"t":"load", ...config}, {"t":"invoke", "id", "rid", "event", "deadline"}
  child -> parent: {"t":"ready"}, {"t":"loaded"} / {"t":"load_failed"}, {"t":"log"},
                   {"t":"done"} / {"t":"failed"}

print() and logging output become log frames of the current request (with
their level); output written to fd 1/2 directly (C code, child processes)
is read by the parent as plain lines.
"""
import importlib
import json
import logging
import os
import resource
import struct
import sys
import time
import traceback

CHANNEL = 3
MARK = b"\xc1"
MAX_TEXT = 64 * 1024  # error messages and stacks: enough for any real traceback
LINE_CUT = 8192  # the spec's per-line log limit (the parent cuts there too)


# One encoder for every frame and result: json.dumps with options other than the defaults builds a
# new JSONEncoder per call.
ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
HEAD = struct.Struct(">IB")


def send(msg):
    data = ENCODE(msg).encode("utf-8", "replace")
    frame = HEAD.pack(len(data) + 1, MARK[0]) + data
    view = memoryview(frame)
    while view:
        n = os.write(CHANNEL, view)
        view = view[n:]


class FrameReader:
    """Frames from the channel, read in chunks: a whole invoke frame usually arrives in one read()
    (one syscall per call instead of one for the length and one for the payload)."""

    def __init__(self):
        self.buf = b""

    def fill(self, want):
        while len(self.buf) < want:
            chunk = os.read(CHANNEL, max(65536, want - len(self.buf)))
            if not chunk:
                sys.exit(0)  # the parent closed the channel: nothing more will come
            self.buf += chunk

    def receive(self):
        self.fill(4)
        (length,) = struct.unpack_from(">I", self.buf)
        self.fill(4 + length)
        payload = self.buf[4:4 + length]
        self.buf = self.buf[4 + length:]
        if payload[:1] != MARK:
            raise ValueError("unexpected frame encoding")
        return json.loads(payload[1:])


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def no_memory_figure():
    return 0


class LineWriter:
    """sys.stdout / sys.stderr: each complete line becomes a log frame of the current request."""

    def __init__(self, level):
        self.level = level
        self.pending = ""
        self.cutting = False
        self.encoding = "utf-8"
        self.errors = "replace"

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        *complete, rest = text.split("\n")
        for piece in complete:
            if not self.cutting:
                self.send_line(self.pending + piece)
            self.pending = ""
            self.cutting = False
        if not self.cutting:
            self.pending += rest
            # A line over the cut is sent at once, cut; the rest of it, up to its end, is dropped.
            if len(self.pending) > LINE_CUT:
                self.send_line(self.pending)
                self.pending = ""
                self.cutting = True
        return len(text)

    def send_line(self, line):
        send({"t": "log", "level": self.level, "msg": line[:LINE_CUT], "time": time.time() * 1000})

    def flush(self):
        if self.pending:
            self.send_line(self.pending)
            self.pending = ""

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        raise OSError("the function's output is a log stream, not a file")


LEVELS = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn"}


class LogHandler(logging.Handler):
    """logging records -> log frames with their level (ERROR and CRITICAL are 'error')."""

    def emit(self, record):
        try:
            level = LEVELS.get(record.levelno, "error" if record.levelno >= logging.ERROR else "log")
            send({"t": "log", "level": level, "msg": self.format(record), "time": record.created * 1000})
        except Exception:
            self.handleError(record)


class Context(dict):
    """The context dict of the spec, plus get_remaining_time_in_millis() (a method, so json.dumps(context) works)."""

    def __init__(self, fields, deadline):
        super().__init__(fields)
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline - time.time() * 1000))


def describe(err):
    message = str(err)
    return type(err).__name__ + (": " + message if message else "")


def stack_of(err):
    return "".join(traceback.format_exception(type(err), err, err.__traceback__))[-MAX_TEXT:]


def flush_output():
    sys.stdout.flush()
    sys.stderr.flush()


def failure(kind, err):
    return {"kind": kind, "message": describe(err)[:MAX_TEXT], "stack": stack_of(err)}


def limit_memory(memory_mb):
    """The function's memory on top of what the interpreter uses now, as this process's RLIMIT_DATA:
    an allocation past it raises MemoryError (reported as out of memory). Where the sandbox has a
    cgroup, that limit applies as well; this one is what works everywhere."""
    page = os.sysconf("SC_PAGE_SIZE")
    with open("/proc/self/statm") as f:
        data_pages = int(f.read().split()[5])
    want = data_pages * page + memory_mb * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    if soft == resource.RLIM_INFINITY or want < soft:
        resource.setrlimit(resource.RLIMIT_DATA, (want, hard))


def load(config):
    """Imports the handler module; returns (handler, None) or (None, failure)."""
    module_name, _, function_name = config["handler"].rpartition(".")
    code_root = os.environ["USER_CODE_ROOT"]
    base = os.path.join(code_root, module_name)
    if not (os.path.isfile(base + ".py") or os.path.isfile(os.path.join(base, "__init__.py"))):
        return None, {"kind": "handler_missing", "message": "module missing: " + module_name, "stack": ""}
    try:
        module = importlib.import_module(module_name)
    except MemoryError as err:
        return None, failure("oom", err)
    except BaseException as err:  # SystemExit at top level is an init error too, not a silent exit
        return None, failure("user_error", err)
    handler = getattr(module, function_name, None)
    if not callable(handler):
        return None, {"kind": "handler_missing", "message": "handler missing: " + config["handler"], "stack": ""}
    return handler, None


def context_fields(config):
    env = config["env"]
    return {
        "memory_limit_in_mb": config["memoryMb"],
        "time_limit_in_ms": config["timeoutMs"],
        "environment": json.dumps(env, ensure_ascii=False),
        "environ": ";".join(k + "=" + v for k, v in env.items()),
        "function_version": config["version"],
        "function_name": config["functionName"],
        "namespace": config["namespace"],
        "tencentcloud_region": config["region"],
        "tencentcloud_appid": config["appId"],
        "tencentcloud_uin": config["uin"],
    }


def invoke(handler, fields, msg, memory=peak_rss_bytes):
    """One invocation; `memory` gives its memory figure (0 where the server reads the cgroup's)."""
    fields = dict(fields, request_id=msg["rid"])
    try:
        event = json.loads(msg["event"])
        result = handler(event, Context(fields, msg["deadline"]))
        text = ENCODE(result)
        flush_output()
        return {"t": "done", "id": msg["id"], "result": text, "mem": memory()}
    except MemoryError as err:
        flush_output()
        return dict(failure("oom", err), t="failed", id=msg["id"], mem=memory())
    except BaseException as err:  # a handler's sys.exit() is its error, the instance goes on
        flush_output()
        return dict(failure("user_error", err), t="failed", id=msg["id"], mem=memory())


def main():
    # The code tree and /opt are read-only content (and -I ignores PYTHONDONTWRITEBYTECODE).
    sys.dont_write_bytecode = True
    sys.stdout = LineWriter("log")
    sys.stderr = LineWriter("error")
    root = logging.getLogger()
    root.handlers = [LogHandler()]
    root.setLevel(logging.INFO)
    code_root = os.environ["USER_CODE_ROOT"]
    sys.path[:0] = [code_root, os.environ.get("ISOLA_OPT_DIR", "/opt")]
    os.chdir(code_root)
    send({"t": "ready", "pid": os.getpid()})
    frames = FrameReader()
    config = frames.receive()
    limit_memory(config["memoryMb"])
    handler, failed = load(config)
    flush_output()
    if failed is not None:
        send(dict(failed, t="load_failed"))
        return
    send({"t": "loaded"})
    fields = context_fields(config)
    # A getrusage() per call is a syscall the server does not need when it reads the cgroup's peak.
    memory = peak_rss_bytes if config.get("reportMemory", True) else no_memory_figure
    while True:
        msg = frames.receive()
        if msg.get("t") == "invoke":
            send(invoke(handler, fields, msg, memory))


if __name__ == "__main__":
    main()
