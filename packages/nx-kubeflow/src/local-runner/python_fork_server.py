"""Starts a venv's Python task scripts by forking a warm interpreter (the local runner's fork server).

Every task of the local runner in venv mode is `<venv>/bin/python <script> <args>`. A fresh
interpreter spends most of a short task importing the standard library and component-runtime
again (issue 15). This process starts once per venv and run, imports what the tasks it ran
imported from the standard library and component-runtime (never the component's own code, nor
third-party packages, whose import may start threads or read the environment once), and forks
for each task. The child becomes what `python <script>` would be: its own session and process
group, the task's environment, working directory, argv and sys.path[0], stdin from /dev/null,
stdout and stderr into the task's log, `__main__` run by runpy, and the interpreter's own exit
(atexit handlers, non-daemon threads joined, streams flushed). The runner falls back to a plain
start where a fork cannot be the same: a variable read only at interpreter start-up differs
(PYTHON*, the locale), or this process got a thread.

Protocol, one JSON object a line. In on stdin: {"id", "argv": [python, script, ...], "cwd",
"env", "log"}. Out on stdout: {"ready": true} once; then per request {"id", "pid"} once forked,
or {"id", "error"} if it could not be; and {"id", "exit": code} or {"id", "signal": number}
when the child ended. The server ends when stdin closes.
"""

import gc
import json
import os
import selectors
import signal
import sys
import sysconfig
import threading

# `python <this file>` put this folder first on sys.path: a task must not import from it.
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

_STDLIB = tuple(
    os.path.realpath(p) + os.sep for p in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]}
)
_SITE = tuple(os.path.realpath(p) + os.sep for p in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
_RUNTIME_PREFIXES = ("component_runtime", "_component_runtime_")
# Standard modules whose import does something (opens a browser, prints, draws): a task's business, not this server's.
_NEVER_PRELOADED = {"antigravity", "this", "__hello__", "__phello__", "turtle", "turtledemo", "idlelib", "tkinter"}
if sys.platform == "darwin":
    # They load Apple's frameworks (urllib.request imports _scproxy, which loads SystemConfiguration and
    # CoreFoundation): using those in a forked child can crash it, the reason multiprocessing stopped forking there.
    _NEVER_PRELOADED |= {"_scproxy", "urllib.request", "ctypes.macholib", "_ctypes"}


def _preloadable(name, module):
    """Standard library (not site-packages) and component-runtime modules: imported once here, shared by every fork."""
    if name == "__main__" or name.split(".")[0] in _NEVER_PRELOADED or name in _NEVER_PRELOADED:
        return False
    if name.startswith(_RUNTIME_PREFIXES):
        return True
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None)
    if origin in ("built-in", "frozen"):
        return True
    if not origin or not os.path.isabs(origin):
        return False
    real = os.path.realpath(origin)
    return real.startswith(_STDLIB) and not real.startswith(_SITE)


def _import(name, origin):
    if not origin:
        __import__(name)
        return
    # component-runtime loads some modules from a file under a private name (dynaconf's vendored TOML parser)
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, origin)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise


def _thread_count():
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


class ForkServer:
    def __init__(self):
        self.children = {}  # pid -> request id
        self.learn_reader, self.learn_writer = os.pipe()
        self.learned = bytearray()
        self.wake_reader, wake_writer = os.pipe()
        os.set_blocking(wake_writer, False)
        self.wake_writer = wake_writer
        signal.set_wakeup_fd(wake_writer)
        # A no-op handler, not SIG_DFL: with the default, SIGCHLD never wakes select.
        signal.signal(signal.SIGCHLD, lambda *_: None)
        # Ctrl-C is the runner's to handle: it stops the tasks' process groups itself.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.unsafe = None
        # Replies go out on their own fd: whatever a preloaded module prints goes to stderr, not into the protocol.
        self.replies = os.dup(1)
        os.dup2(2, 1)

    def send(self, message):
        data = (json.dumps(message) + "\n").encode()
        while data:
            written = os.write(self.replies, data)
            data = data[written:]

    def serve(self):
        selector = selectors.DefaultSelector()
        selector.register(0, selectors.EVENT_READ, "requests")
        selector.register(self.wake_reader, selectors.EVENT_READ, "wake")
        selector.register(self.learn_reader, selectors.EVENT_READ, "learn")
        pending = b""
        self.send({"ready": True})
        while True:
            for key, _ in selector.select():
                if key.data == "wake":
                    os.read(self.wake_reader, 4096)
                    self.reap()
                elif key.data == "learn":
                    chunk = os.read(self.learn_reader, 65536)
                    self.learned += chunk
                    self.preload_learned()
                else:
                    chunk = os.read(0, 65536)
                    if not chunk:
                        return
                    pending += chunk
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        if line.strip():
                            self.start(json.loads(line))
            self.reap()

    def preload_learned(self):
        *lines, rest = bytes(self.learned).split(b"\n")
        self.learned = bytearray(rest)
        if self.unsafe:
            return
        for line in lines:
            name, _, origin = line.decode().partition("\t")
            if name and name not in sys.modules:
                try:
                    _import(name, origin)
                except BaseException:  # noqa: BLE001 - a module that fails here is imported by the task itself
                    pass
        if _thread_count() > 1:
            self.unsafe = "an imported module started a thread"

    def reap(self):
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            request_id = self.children.pop(pid, None)
            if request_id is None:
                continue
            if os.WIFSIGNALED(status):
                self.send({"id": request_id, "signal": os.WTERMSIG(status)})
            else:
                self.send({"id": request_id, "exit": os.waitstatus_to_exitcode(status)})

    def start(self, request):
        request_id = request["id"]
        if self.unsafe:
            self.send({"id": request_id, "error": self.unsafe})
            return
        if not os.path.isdir(request["cwd"]):
            self.send({"id": request_id, "error": f"no such directory: {request['cwd']}"})
            return
        sys.stdout.flush()
        sys.stderr.flush()
        # Everything so far is shared with the child as it is: no collection walks it (or copies its pages) again.
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            self.become_task(request)  # never returns: ends with the interpreter's exit
        self.children[pid] = request_id
        self.send({"id": request_id, "pid": pid})

    def become_task(self, request):
        try:
            gc.enable()
            os.setsid()
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for fd in (self.wake_reader, self.wake_writer, self.learn_reader, self.replies):
                os.close(fd)
            log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.close(null)
            os.close(log)
            sys.stdin = sys.__stdin__ = _text_stream(sys.stdin, 0, "r")
            sys.stdout = sys.__stdout__ = _text_stream(sys.stdout, 1, "w")
            # stderr is line-buffered in any Python since 3.9, a terminal or not
            sys.stderr = sys.__stderr__ = _text_stream(sys.stderr, 2, "w", line_buffering=True)
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            import time

            time.tzset()  # the task's TZ, as a fresh interpreter reads it
        except BaseException as error:  # noqa: BLE001 - reported in the task's log, as a failed start
            os.write(2, f"nx-kubeflow fork server: could not start the task: {error!r}\n".encode())
            os._exit(127)
        argv = request["argv"][1:]
        # As `python script`: argv[0] as given, __file__ and sys.path[0] absolute (Python 3.9+).
        script = os.path.abspath(argv[0])
        sys.argv = argv
        sys.path.insert(0, os.path.dirname(script))
        learn = self.learn_writer
        import atexit

        # Registered first, so it runs last: every module the task imported is known by then.
        # Only modules this server does not hold yet are looked at: after the first tasks, few or none.
        held = set(sys.modules)
        atexit.register(_report_modules, learn, held)
        try:
            _run_main(script)
        except SystemExit:
            raise
        except BaseException as error:  # noqa: BLE001 - printed as `python script` prints it
            _print_task_traceback(error, script)
            if isinstance(error, KeyboardInterrupt):
                _report_modules(learn, held)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGINT)
            raise SystemExit(1) from None
        raise SystemExit(0)


def _run_main(script):
    """`__main__` as the interpreter makes it for `python script` (runpy.run_path would change sys.argv[0])."""
    import builtins
    import io
    import types
    from importlib.machinery import SourceFileLoader

    with io.open_code(script) as source:
        code = compile(source.read(), script, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__dict__.update(
        __file__=script, __cached__=None, __package__=None, __spec__=None, __builtins__=builtins,
        __loader__=SourceFileLoader("__main__", script),
    )
    sys.modules["__main__"] = main
    exec(code, main.__dict__)


def _text_stream(stream, fd, mode, line_buffering=False):
    """A standard stream as Python's start-up makes one: same encoding and error handler, on the task's fd."""
    import io

    raw = io.FileIO(fd, mode, closefd=False)
    buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
    return io.TextIOWrapper(buffered, encoding=stream.encoding, errors=stream.errors, line_buffering=line_buffering)


def _print_task_traceback(error, script):
    """The traceback from the task's own frames: the server's and runpy's frames are not the task's."""
    tb = error.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != script:
        tb = tb.tb_next
    # as the interpreter does before it prints an uncaught error: what the task printed comes first
    sys.stdout.flush()
    # the default hook prints the exception's own __traceback__, not the one it is given
    sys.excepthook(type(error), error.with_traceback(tb or error.__traceback__), tb or error.__traceback__)


def _report_modules(fd, held):
    try:
        for name, module in list(sys.modules.items()):
            if name in held:
                continue
            # one write a name: a pipe write of up to PIPE_BUF bytes is never interleaved with another task's
            if module is not None and _preloadable(name, module):
                origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
                by_file = name.startswith("_component_runtime_") and os.path.isabs(origin)
                line = f"{name}\t{origin}\n" if by_file else f"{name}\n"
                if len(line) < 512:
                    os.write(fd, line.encode())
    except OSError:
        pass


if __name__ == "__main__":
    # Collections here would only touch pages the children then copy; each child collects again.
    gc.disable()
    ForkServer().serve()
