"""Rendering outside the web process: a render server per web process that forks one child per PDF.

A big guide takes WeasyPrint seconds and hundreds of megabytes, and a hostile or broken document must not
hang or bloat a web worker. So the web process never imports WeasyPrint. It starts, on its first PDF,
``python -m app.pdf``: a small server that imports WeasyPrint once and, for each job, forks a child
that gets a memory limit, renders, sends the PDF back and exits (so every PDF starts from the same clean
memory and reports its own peak). The web process waits up to the time limit; past it, it kills the
server and its child and starts a fresh server for the next PDF. A crash of the child costs only that
PDF: the server reports it as a failed render.

Messages on the pipes are pickles with an 8-byte length; both ends are this module, in processes of the
same installation, and nothing else writes to those pipes.
"""
import logging
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

HEADER = struct.Struct("!Q")
STARTUP_SECONDS = 60  # for the render server to import WeasyPrint, whatever PDF_RENDER_TIMEOUT says
IDLE_SECONDS = 600  # default wait for the first job; each job then says how long to stay (PDF_WORKER_IDLE_SECONDS)


@dataclass(frozen=True)
class Rendered:
    """A drawn PDF and what drawing it took."""

    pdf: bytes
    pages: int
    served: tuple  # URLs the fetcher answered
    refused: tuple  # URLs it refused
    peak_memory_kb: int  # the rendering process's peak resident memory
    seconds: float


class RenderError(Exception):
    """A PDF that could not be drawn; ``reason`` is "timeout" or "failed"."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# --- framing -------------------------------------------------------------------------------------


def _frame(obj):
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def _read_exact(fd, size, deadline=None):
    """``size`` bytes from a file descriptor; EOFError when it closes, TimeoutError past ``deadline``."""
    chunks, missing = [], size
    while missing:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd, deadline=None):
    (size,) = HEADER.unpack(_read_exact(fd, HEADER.size, deadline))
    return pickle.loads(_read_exact(fd, size, deadline))


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


# --- the server (python -m app.pdf) -------------------------------------------------------------


def serve(in_fd=0, out_fd=1, idle_seconds=IDLE_SECONDS):
    """Answer render jobs from ``in_fd`` on ``out_fd`` until the web process closes the pipe or none come."""
    import weasyprint  # noqa: F401  (loaded once here, so each forked child starts with it)

    # Refused URLs are expected and reported back; WeasyPrint's own log lines would only be noise.
    logging.getLogger("weasyprint").addHandler(logging.NullHandler())
    logging.getLogger("weasyprint").propagate = False
    # Keep the answer pipe to ourselves: anything a library prints goes to stderr, not into a frame.
    out_fd = os.dup(out_fd)
    os.dup2(2, 1)
    _write_all(out_fd, _frame({"ready": True}))  # the web process times jobs from here, not from its start
    while True:
        if not select.select([in_fd], [], [], idle_seconds)[0]:
            return  # idle: the web process starts a new server for its next PDF
        try:
            job = _read_frame(in_fd)
        except EOFError:
            return
        idle_seconds = job.get("idle_seconds", idle_seconds)
        _write_all(out_fd, _frame(_run_in_child(job)))


def _run_in_child(job):
    """Fork a child for one job and return its answer, or a failure when it died without one."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        try:
            answer = _render_job(job)
            _write_all(write_fd, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        finally:
            os._exit(0)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 1 << 20):
        chunks.append(chunk)
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if chunks:
        try:
            return pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001  (a child killed while writing leaves half an answer)
            pass
    if os.WIFSIGNALED(status):
        return {"error": f"the renderer was stopped by signal {os.WTERMSIG(status)}"}
    return {"error": f"the renderer exited with status {os.waitstatus_to_exitcode(status)}"}


def _render_job(job):
    """The answer to one job, in the forked child: the PDF and its figures, or the error."""
    from app.pdf.render import LockedDownFetcher, write_pdf

    if job.get("memory_mb"):
        limit = int(job["memory_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if job.get("timeout"):
        signal.alarm(int(job["timeout"]) + 2)  # in case the web process is gone; it normally kills us first
    started = time.perf_counter()
    fetcher = LockedDownFetcher(job.get("folders"), job.get("blobs"))
    try:
        pdf, pages = write_pdf(job["html"], fetcher)
    except MemoryError:
        return {"error": "the document needs more memory than PDF_MEMORY_LIMIT_MB allows"}
    except Exception as error:  # noqa: BLE001  (whatever WeasyPrint raises, the web process gets a reason)
        return {"error": f"{type(error).__name__}: {error}"[:500]}
    return {"pdf": pdf, "pages": pages, "served": tuple(fetcher.served), "refused": tuple(fetcher.refused),
            "peak_memory_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "seconds": time.perf_counter() - started}


# --- the client, in the web process --------------------------------------------------------------


class RenderServer:
    """The web process's handle on its render server: started on first use, restarted after a timeout."""

    def __init__(self):
        self.lock = threading.Lock()
        self.process = None
        self.owner = None  # pid that started it: a forked web worker starts its own

    def render(self, job, timeout):
        """The answer dict to one job; RenderError("timeout") when it takes longer than ``timeout`` seconds."""
        with self.lock:  # one PDF at a time per web process: they are cached, and each may use a lot of memory
            while True:
                process, fresh = self._running()
                deadline = time.monotonic() + timeout
                try:
                    _write_all(process.stdin.fileno(), _frame(job))
                    return _read_frame(process.stdout.fileno(), deadline)
                except TimeoutError:
                    self.stop()
                    raise RenderError("timeout", f"no PDF after {timeout:g} s") from None
                except (EOFError, OSError, pickle.UnpicklingError) as error:
                    self.stop()
                    if fresh:
                        raise RenderError("failed", f"the render server stopped ({type(error).__name__})") from None
                    # A server that had been waiting may have just left for being idle: once more, with a new one.

    def _running(self):
        """(the server process, True when it was started just now)."""
        if self.process is not None and (self.owner != os.getpid() or self.process.poll() is not None):
            self.stop()
        fresh = self.process is None
        if fresh:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.pdf"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                start_new_session=True,  # its own process group, so stop() takes the child with it
            )
            self.owner = os.getpid()
            try:
                _read_frame(self.process.stdout.fileno(), time.monotonic() + STARTUP_SECONDS)
            except (TimeoutError, EOFError, OSError, pickle.UnpicklingError) as error:
                self.stop()
                raise RenderError("failed", f"the render server did not start ({type(error).__name__})") from None
        return self.process, fresh

    def stop(self):
        """Kill the server and any child it is running (the next render starts a new one)."""
        process, self.process = self.process, None
        if process is None:
            return
        if self.owner == os.getpid():
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            process.wait()
        for pipe in (process.stdin, process.stdout):
            try:
                pipe.close()
            except OSError:
                pass


_server = RenderServer()


def stop():
    """Stop this process's render server (tests and benchmarks; the next PDF starts a new one)."""
    _server.stop()


def render_job(job, timeout):
    """Render one job in this process's render server: a Rendered, or RenderError."""
    answer = _server.render(job, timeout)
    if "error" in answer:
        raise RenderError("failed", answer["error"])
    return Rendered(**answer)

