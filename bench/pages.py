"""Page-speed benchmark: the real app under gunicorn against a bare-Flask ceiling.

`make bench-pages` (= `.venv/bin/python bench/pages.py`) does, in one run:

1. prepares a temporary instance folder (`tier0 db upgrade`, `tier0 kb sync`);
2. serves the real app with `gunicorn -w 2 -b 127.0.0.1:PORT wsgi:app`;
3. fetches the article page once and serves that exact HTML from bench/ceiling.py with the same
   gunicorn settings (the framework ceiling);
4. measures requests/s and p50/p99 latency of the home, a category and an article page and of the
   ceiling with the same load generator (wrk when on PATH, else a multi-process Python client);
5. prints a Markdown table and the target line, and writes it to bench/results/pages.md.

It exits 0 whether or not the target is met: a benchmark is not a test. Every request goes to
127.0.0.1 only, and every loop is bounded in time and in count.
"""
import argparse
import array
import http.client
import math
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import date
from pathlib import Path

HOST = "127.0.0.1"
WORKERS = 2
TARGET = 0.70
WARMUP_REQUESTS = 200
MAX_REQUESTS_PER_CLIENT = 1_000_000  # a hard cap next to the time limit of every client loop
REQUEST_TIMEOUT = 10.0
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
CONTENT_DIR = ROOT / "content"
RESULTS_FILE = BENCH_DIR / "results" / "pages.md"
BIN_DIR = Path(sys.executable).parent
CEILING_ENV = "TIER0_BENCH_CEILING_HTML"


class Stopped(Exception):
    """Raised by the SIGTERM handler so the cleanup in ``finally`` runs."""


# ---------------------------------------------------------------- servers


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run_checked(cmd, env, label):
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"{label} failed (exit {result.returncode})")
    return result.stdout.strip()


class Server:
    """A gunicorn process group started by this script, stopped by it whatever happens."""

    def __init__(self, name, app_spec, cwd, env):
        self.name = name
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        cmd = [str(BIN_DIR / "gunicorn"), "-w", str(WORKERS), "-b", f"{HOST}:{self.port}", app_spec]
        # Own session: a Ctrl-C reaches this script only, which then stops the server itself.
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, path="/", timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} server exited early (code {self.proc.returncode}):\n{self.output()}")
            try:
                status, _ = http_get(self.port, path, timeout=2.0)
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"{self.name} server did not answer within {timeout:.0f} s:\n{self.output()}")

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the group of the gunicorn we started
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        self.log.close()


def http_get(port, path, timeout=REQUEST_TIMEOUT):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# ---------------------------------------------------------------- pages to measure


def content_candidates():
    """(category slugs, article slugs) from content/: folder names and .md stems not starting with _."""
    categories, guides, faqs = [], [], []
    if CONTENT_DIR.is_dir():
        folders = [p for p in CONTENT_DIR.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))]
        # Categories with the most articles first: they are the ones whose page certainly exists.
        for folder in sorted(folders, key=lambda p: (-len(list(p.glob("*.md"))), p.name)):
            files = sorted(p for p in folder.glob("*.md") if not p.name.startswith("_"))
            categories.append(folder.name)
            guides.extend(p.stem for p in files if not _is_faq(p))
            faqs.extend(p.stem for p in files if _is_faq(p))
    return categories, guides + faqs  # a full guide is the typical article page; FAQs only as a fallback


def _is_faq(path):
    try:
        head = path.read_text(encoding="utf-8")[:2000]
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^kind:\s*[\"']?faq", head, re.M) is not None


def sitemap_candidates(port):
    status, body = http_get(port, "/sitemap.xml")
    if status != 200:
        return [], []
    paths = [urllib.parse.urlsplit(u).path for u in re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", body.decode())]
    categories = [p.split("/", 2)[2] for p in paths if p.startswith("/categories/")]
    articles = [p.split("/", 2)[2] for p in paths if p.startswith("/articles/")]
    return categories, articles


def first_ok(port, prefix, slugs):
    for slug in slugs[:50]:
        status, body = http_get(port, f"{prefix}/{slug}")
        if status == 200:
            return slug, body
    return None, None


def choose_pages(port, category=None, article=None):
    """Real category and article slugs that answer 200, and the article's HTML."""
    cats, arts = content_candidates()
    site_cats, site_arts = sitemap_candidates(port)
    cat_slug, _ = first_ok(port, "/categories", [category] if category else cats + site_cats)
    art_slug, html = first_ok(port, "/articles", [article] if article else arts + site_arts)
    if cat_slug is None or art_slug is None:
        raise SystemExit("no category or article page answers 200: is content/ empty, or did kb sync fail?")
    return cat_slug, art_slug, html


# ---------------------------------------------------------------- load generators


def warm_up(port, path, count=WARMUP_REQUESTS, threads=4):
    """``count`` requests over a few connections, so every worker has rendered and cached the page."""
    remaining = [count]
    lock = threading.Lock()
    errors = []

    def loop():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            try:
                status, _ = http_get(port, path)
                if status != 200:
                    errors.append(status)
            except OSError as exc:
                errors.append(str(exc))

    pool = [threading.Thread(target=loop, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=90)
    if errors:
        raise SystemExit(f"warm-up of {path} failed: {errors[:3]} ({len(errors)} errors)")


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    return float(match.group(1)) * UNITS[match.group(2)]


def run_wrk(port, path, duration, connections):
    url = f"http://{HOST}:{port}{path}"
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    try:
        rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
        p50 = _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))
        p99 = _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))
    except AttributeError:
        raise SystemExit(f"could not read wrk's output:\n{out}") from None
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        # A read error is how wrk sees gunicorn's sync workers closing the connection; only count the rest.
        errors += int(socket_errors.group(1)) + int(socket_errors.group(3)) + int(socket_errors.group(4))
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors}


def _client_process(port, path, threads, start_at, end_at, out_queue):
    """One load-generator process: ``threads`` closed-loop clients, a new connection per request."""
    results = []

    def client():
        latencies = array.array("d")
        errors = 0
        done = 0
        while done < MAX_REQUESTS_PER_CLIENT:
            now = time.time()
            if now >= end_at:
                break
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
            finally:
                conn.close()
            elapsed = time.perf_counter() - t0
            done += 1
            if now >= start_at and time.time() <= end_at:  # started and finished inside the window
                if ok:
                    latencies.append(elapsed * 1000.0)
                else:
                    errors += 1
        results.append((latencies, errors))

    pool = [threading.Thread(target=client) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    merged = array.array("d")
    errors = 0
    for latencies, errs in results:
        merged.extend(latencies)
        errors += errs
    out_queue.put((merged.tobytes(), errors))


def percentile(sorted_values, pct):
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(pct / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def run_python(port, path, duration, connections, ramp=1.0):
    """Fallback generator: 2-4 processes x a few threads; rps = completed in the window / window."""
    processes = max(1, min(4, connections, max(2, os.cpu_count() or 2)))
    per_process = [connections // processes + (1 if i < connections % processes else 0) for i in range(processes)]
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    # Clients start as soon as their process is up; only requests begun after start_at (spawn time
    # plus a short ramp) and finished before end_at are counted.
    start_at = time.time() + 1.0 + ramp
    end_at = start_at + duration
    procs = [ctx.Process(target=_client_process, args=(port, path, n, start_at, end_at, queue), daemon=True)
             for n in per_process if n]
    try:
        for p in procs:
            p.start()
        latencies, errors = array.array("d"), 0
        for _ in procs:
            data, errs = queue.get(timeout=duration + ramp + 60)
            chunk = array.array("d")
            chunk.frombytes(data)
            latencies.extend(chunk)
            errors += errs
        for p in procs:
            p.join(timeout=10)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
            if p.is_alive():
                p.kill()
    values = sorted(latencies)
    return {"rps": len(values) / duration, "p50": percentile(values, 50), "p99": percentile(values, 99),
            "errors": errors}


# ---------------------------------------------------------------- report


def machine_description():
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kib = int(re.search(r"MemTotal:\s+(\d+)", fh.read()).group(1))
        mem = f", {round(kib / 1024 / 1024)} GiB"
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} cores{mem}, load generator on the same machine ({platform.python_implementation()} {platform.python_version()})"


def render_table(rows, ceiling_rps):
    lines = ["| page | requests/s | p50 ms | p99 ms | × ceiling |", "| --- | ---: | ---: | ---: | ---: |"]
    for label, r in rows:
        ratio = r["rps"] / ceiling_rps if ceiling_rps else float("nan")
        lines.append(f"| {label} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {ratio:.2f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per page (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds over all pages; the table shows each page's median round (default 3)")
    parser.add_argument("--quick", action="store_true", help="3 s per page and one round, for a smoke check")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto",
                        help="load generator (default: wrk when on PATH, else Python)")
    parser.add_argument("--category", help="category slug to measure (default: picked from content/)")
    parser.add_argument("--article", help="article slug to measure (default: picked from content/)")
    args = parser.parse_args(argv)
    duration = 3.0 if args.quick else args.duration
    rounds = 1 if args.quick else args.rounds
    if duration <= 0 or args.connections < 1 or rounds < 1:
        parser.error("--duration, --connections and --rounds must be positive")
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    elif generator == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not on PATH")
    if generator == "wrk":
        duration = max(1, round(duration))  # wrk takes whole seconds

    def measure(port, path):
        warm_up(port, path)
        if generator == "wrk":
            return run_wrk(port, path, int(duration), args.connections)
        return run_python(port, path, duration, args.connections)

    def on_sigterm(signum, frame):
        raise Stopped()

    signal.signal(signal.SIGTERM, on_sigterm)
    servers = []
    tmp = tempfile.TemporaryDirectory(prefix="tier0-bench-")
    try:
        env = dict(os.environ, TIER0_INSTANCE_PATH=tmp.name)
        env.pop("TIER0_DATABASE_URL", None)
        env.pop("DATABASE_URL", None)
        env.pop("TIER0_SQLALCHEMY_DATABASE_URI", None)
        print(f"instance folder: {tmp.name}", flush=True)
        run_checked([str(BIN_DIR / "tier0"), "db", "upgrade"], env, "tier0 db upgrade")
        print(run_checked([str(BIN_DIR / "tier0"), "kb", "sync"], env, "tier0 kb sync").splitlines()[-1], flush=True)

        real = Server("real", "wsgi:app", ROOT, env)
        servers.append(real)
        real.wait_ready("/")
        category, article, html = choose_pages(real.port, args.category, args.article)
        html_file = Path(tmp.name) / "ceiling.html"
        html_file.write_bytes(html)

        ceiling_env = dict(env, **{CEILING_ENV: str(html_file)})
        ceiling = Server("ceiling", "ceiling:app", BENCH_DIR, ceiling_env)
        servers.append(ceiling)
        article_path = f"/articles/{article}"
        ceiling.wait_ready(article_path)
        status, body = http_get(ceiling.port, article_path)
        if status != 200 or body != html:
            raise SystemExit("the ceiling app does not return the article's exact HTML")

        print(f"load generator: {generator}, {args.connections} connections, {duration:g} s per page, {rounds} round(s), "
              f"gunicorn -w {WORKERS} (sync)", flush=True)
        plan = [  # the ceiling next to the article page, so the ratio compares back-to-back runs
            (f"ceiling (bare Flask, same {len(html) // 1024} KiB HTML)", ceiling.port, article_path),
            (f"article `{article_path}`", real.port, article_path),
            (f"category `/categories/{category}`", real.port, f"/categories/{category}"),
            ("home `/`", real.port, "/"),
        ]
        runs = {label: [] for label, _, _ in plan}
        for round_no in range(1, rounds + 1):
            if rounds > 1:
                print(f" round {round_no}/{rounds}", flush=True)
            for label, port, path in plan:
                print(f"  {label} ...", end=" ", flush=True)
                r = measure(port, path)
                print(f"{r['rps']:.0f} req/s, p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms", flush=True)
                runs[label].append(r)
        # Per page, the round with the median throughput: a burst of other work on the machine
        # during one round moves neither the table nor the ratio.
        results = [(label, sorted(rs, key=lambda r: r["rps"])[len(rs) // 2]) for label, rs in runs.items()]
        errors = sum(r["errors"] for rs in runs.values() for r in rs)
    except (KeyboardInterrupt, Stopped):
        print("\ninterrupted: stopping the servers", file=sys.stderr)
        return 130
    finally:
        for server in reversed(servers):
            server.stop()
        tmp.cleanup()

    ceiling_rps = results[0][1]["rps"]
    article_ratio = results[1][1]["rps"] / ceiling_rps if ceiling_rps else 0.0
    ordered = [results[3], results[2], results[1], results[0]]  # home, category, article, ceiling
    verdict = "PASS" if article_ratio >= TARGET else "FAIL"
    table = render_table(ordered, ceiling_rps)
    header = (f"{date.today().isoformat()} — {machine_description()}; load generator: "
              f"{'wrk -t1' if generator == 'wrk' else 'Python (processes x threads)'}, "
              f"{args.connections} connections, {duration:g} s per page, median of {rounds} round(s); gunicorn -w {WORKERS} sync workers.")
    target = f"Target: article page ≥ {TARGET:.2f} × ceiling — measured {article_ratio:.2f} × ceiling: **{verdict}**"
    report = f"{header}\n\n{table}\n\n{target}\n"
    if errors:
        report += f"\nWarning: {errors} failed or non-200 responses during the measurement.\n"
    print()
    print(report)
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(report, encoding="utf-8")
    print(f"written to {RESULTS_FILE.relative_to(ROOT)}")
    return 0  # a benchmark is not a test: a missed target is printed, not an error


if __name__ == "__main__":
    sys.exit(main())
