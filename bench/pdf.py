"""PDF benchmark: cold renders, cached responses and peak memory of the PDF routes, beside references.

`make bench-pdf` (= `.venv/bin/python bench/pdf.py`) does, in one run:

1. creates the app on a temporary instance folder and SQLite file, migrates it with flask_migrate
   `upgrade(revision="heads")` and syncs a temporary copy of `content/` with
   `app.kb.sync.sync_directory` (the copy is also the app's CONTENT_DIR, so /media is served from it);
2. starts the render server with a first PDF that is not measured (its start-up is reported apart);
3. through the Flask test client (the real route: rate-limit check, plan, cache lookup, HTML, the
   render worker, the cache insert), times the cold render (its cached row deleted first) of one
   typical article, the largest default category guide and the whole handbook; then adds a synthetic
   category `bench-30` of 30 articles (copies of default articles under new slugs and titles) to the
   content copy, syncs it again and times the cold render of that 30-article guide;
4. reference (a): the same HTML (`documents.draw`) drawn by WeasyPrint in this process with
   `render.write_pdf(html, LockedDownFetcher(...))`, no worker, no fork, no cache; timed right after
   each cold run, so the ratio shows what the route and the isolated worker add;
5. cached: GETs of each PDF once stored, each one interleaved with a GET of the same bytes from a bare
   Flask app (`send_file` of an in-memory buffer, same test client): median and p95 of both;
6. peak memory of the rendering process (PdfExport.peak_memory_kb = ru_maxrss of the forked child);
7. checks the cache keys: adding bench-30 must not change the other PDFs' keys, and a new revision
   of one article of the largest category must change exactly the PDFs that contain it;
8. prints a Markdown table with the targets (30-article guide cold ≤ 8 s; any cached PDF ≤ 50 ms;
   handbook peak memory ≤ 500 MB) and PASS/MISS, and writes it to bench/results/pdf.md.

TIER0_* and DATABASE_URL variables are ignored (removed from this process's environment, which the
render server inherits), so the run measures the defaults whatever the shell has set. It exits 0
whether or not the targets are met: a benchmark is not a test.
"""
import argparse
import io
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
from bench.common import (  # noqa: E402
    clean_environment, load_average, log, machine, percentile, verdict, write_report)

CONTENT_DIR = ROOT / "content"
RESULTS_FILE = BENCH_DIR / "results" / "pdf.md"

TARGET_GUIDE_S = 8.0  # a 30-article guide, cold
TARGET_CACHED_MS = 50.0  # any cached PDF (checked on the p95)
TARGET_PEAK_MB = 500.0  # the handbook's rendering process
GUIDE_SIZE = 30
GUIDE_SLUG = "bench-30"


def weasyprint_version():
    """The WeasyPrint version (imported late: only the render server needs it)."""
    import weasyprint

    return weasyprint.__version__


class Stopped(Exception):
    """Raised by the SIGTERM handler so the cleanup in ``finally`` runs."""






def mb(kb):
    """ru_maxrss (KiB) as MB (10^6 bytes), the unit of the target."""
    return kb * 1024 / 1e6




# ---------------------------------------------------------------- content


def front_matter(path):
    """(front matter text, body) of a Markdown content file."""
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n(.*)\Z", text, re.S)
    if not match:
        raise SystemExit(f"{path}: no front matter")
    return match.group(1), match.group(2)


def kind_of(path):
    match = re.search(r"^kind:\s*[\"']?(\w+)", front_matter(path)[0], re.M)
    return match.group(1) if match else "article"


def default_articles(content):
    """{category folder: [Markdown files]} of a content folder, sorted."""
    folders = sorted(p for p in content.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    return {f.name: sorted(p for p in f.glob("*.md") if not p.name.startswith("_")) for f in folders}


def typical_article(by_folder):
    """The guide (kind: article) whose body length is the median of all guides."""
    guides = sorted((len(front_matter(p)[1]), p.stem) for files in by_folder.values() for p in files
                    if kind_of(p) == "article")
    return guides[len(guides) // 2][1]


def write_guide(content, by_folder, count=GUIDE_SIZE):
    """A category folder of ``count`` copies of default articles (round robin over categories, all kinds)."""
    queues = [list(files) for _, files in sorted(by_folder.items()) if files]
    sources = []
    while len(sources) < count and any(queues):
        for queue in queues:
            if queue and len(sources) < count:
                sources.append(queue.pop(0))
    folder = content / GUIDE_SLUG
    folder.mkdir()
    (folder / "_category.yml").write_text(
        f"title: Benchmark guide ({count} articles)\n"
        f"description: {count} copies of default articles under new slugs, for bench/pdf.py.\n"
        "icon: book\nposition: 99\n", encoding="utf-8")
    for number, source in enumerate(sources, start=1):
        meta, body = front_matter(source)
        meta = re.sub(r'^title:\s*"?(.*?)"?\s*$', lambda m: f'title: "{m.group(1)} (copy {number})"', meta,
                      count=1, flags=re.M)
        meta = re.sub(r"^position:.*$", f"position: {number}", meta, count=1, flags=re.M)
        meta = re.sub(r"^(slug|redirect_from):.*$", "", meta, flags=re.M)
        (folder / f"{GUIDE_SLUG}-{number:02d}-{source.stem}.md").write_text(f"---\n{meta}\n---\n{body}",
                                                                           encoding="utf-8")
    return [p.stem for p in sources]


# ---------------------------------------------------------------- the app


def make_app(instance, content):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'tier0.db'}",
        "SECRET_KEY": "bench-pdf",
        "CONTENT_DIR": str(content),
        # The limiter still runs on every GET (it is part of the route); the limit is only out of reach.
        "PDF_RATE_LIMIT": "10000000 per minute",
    })
    with app.app_context():
        upgrade(revision="heads")
        db.session.remove()
    return app


def sync(app, content):
    from app.kb.sync import sync_directory

    with app.app_context():
        report = sync_directory(content)
        if report.failed:
            raise SystemExit(f"kb sync failed: {report.failed[:3]}")
        return report


class Target:
    """One PDF: its URL and how to build its plan (for the reference HTML and the cache key)."""

    def __init__(self, label, path, kind, subject, make_plan):
        self.label, self.path, self.kind, self.subject, self.make_plan = label, path, kind, subject, make_plan
        self.cold, self.child, self.html_s, self.reference = [], [], [], []
        self.cached, self.bare = [], []
        self.row = None
        self.pdf = b""


def targets_for(app, article_slug, category_slug):
    from flask import current_app

    from app.kb import services as kb
    from app.pdf import plans

    def article_plan():
        found = kb.get_article(article_slug)
        return plans.article_plan(found, found.published_revision)

    return {
        "article": Target(f"article `/articles/{article_slug}.pdf`", f"/articles/{article_slug}.pdf", "article",
                          article_slug, article_plan),
        "category": Target(f"largest guide `/categories/{category_slug}.pdf`", f"/categories/{category_slug}.pdf",
                           "category", category_slug, lambda: plans.category_plan(kb.get_category(category_slug))),
        "guide": Target(f"{GUIDE_SIZE}-article guide `/categories/{GUIDE_SLUG}.pdf`", f"/categories/{GUIDE_SLUG}.pdf",
                        "category", GUIDE_SLUG, lambda: plans.category_plan(kb.get_category(GUIDE_SLUG))),
        "handbook": Target("handbook `/handbook.pdf`", "/handbook.pdf", "handbook", "",
                           lambda: plans.handbook_plan(current_app.config["SITE_NAME"])),
    }


def stored_row(app, target):
    """(pages, size, render seconds, peak_memory_kb) of the target's stored PDF."""
    from sqlalchemy import select

    from app.extensions import db
    from app.pdf.models import PdfExport

    with app.app_context():
        row = db.session.execute(select(PdfExport).filter_by(kind=target.kind, subject=target.subject)).scalar_one()
        values = (row.pages, row.size, row.render_ms / 1000, row.peak_memory_kb)
        db.session.remove()
        return values


def forget(app, target):
    """Delete the target's cached PDF, so the next GET draws it again."""
    from sqlalchemy import delete

    from app.extensions import db
    from app.pdf.models import PdfExport

    with app.app_context():
        db.session.execute(delete(PdfExport).where(PdfExport.kind == target.kind, PdfExport.subject == target.subject))
        db.session.commit()
        db.session.remove()


def get(client, path):
    start = time.perf_counter()
    response = client.get(path)
    body = response.get_data()
    elapsed = time.perf_counter() - start
    if response.status_code != 200 or response.mimetype != "application/pdf":
        raise SystemExit(f"GET {path}: {response.status_code} {response.mimetype}\n{body[:500]!r}")
    return elapsed, body


def reference_html(app, target):
    """The document's HTML as the route draws it, and the seconds documents.draw took."""
    from flask import request

    from app.pdf import documents, services

    with app.test_request_context("/"):
        plan = target.make_plan()
        start = time.perf_counter()
        html = documents.draw(plan, services.settings(request.url_root))
        return html, time.perf_counter() - start


def in_process(app, html):
    """Seconds and page count of WeasyPrint drawing ``html`` in this process (reference (a))."""
    from app.pdf.render import LockedDownFetcher, write_pdf

    folders = {app.static_url_path: app.static_folder, "/media": str(Path(app.config["CONTENT_DIR"]) / "_media")}
    start = time.perf_counter()
    _, pages = write_pdf(html, LockedDownFetcher(folders=folders))
    return time.perf_counter() - start, pages


def measure_cold(app, client, target, runs):
    for run in range(runs):
        forget(app, target)
        seconds, target.pdf = get(client, target.path)
        target.cold.append(seconds)
        target.row = stored_row(app, target)
        target.child.append(target.row[2])
        html, html_s = reference_html(app, target)
        target.html_s.append(html_s)
        ref_s, ref_pages = in_process(app, html)
        target.reference.append(ref_s)
        if ref_pages != target.row[0]:
            log(f"  warning: {target.label}: {target.row[0]} pages from the route, {ref_pages} in process")
        log(f"  {target.label} cold {run + 1}/{runs}: route {seconds:.2f} s (child {target.row[2]:.2f} s, "
            f"HTML {html_s:.2f} s), in-process WeasyPrint {ref_s:.2f} s, {target.row[0]} pages, "
            f"peak {mb(target.row[3]):.0f} MB")


def bare_app(pdfs):
    """Reference (b): a bare Flask app serving the same bytes from memory."""
    from flask import Flask, send_file

    bare = Flask("bench_pdf_bare")

    @bare.get("/<path:name>")
    def pdf(name):
        data, filename = pdfs[name]
        return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=filename)

    return bare


def measure_cached(client, bare_client, target, count):
    get(client, target.path)  # stored already: this only warms this path
    path = target.path.lstrip("/")
    get(bare_client, "/" + path)
    for _ in range(count):
        seconds, body = get(client, target.path)
        if body != target.pdf:
            raise SystemExit(f"{target.path}: the cached PDF differs from the one just drawn")
        target.cached.append(seconds)
        target.bare.append(get(bare_client, "/" + path)[0])
    log(f"  {target.label} cached: median {statistics.median(target.cached) * 1e3:.2f} ms "
        f"(bare Flask {statistics.median(target.bare) * 1e3:.2f} ms)")


def cache_keys(app, targets):
    """{name: (key, stored?)} of each target's current plan."""
    from flask import request
    from sqlalchemy import select

    from app.extensions import db
    from app.pdf import services
    from app.pdf.models import PdfExport

    with app.test_request_context("/"):
        version = services.settings(request.url_root).key(services.template_version())
        stored = set(db.session.execute(select(PdfExport.key)).scalars())
        keys = {}
        for name, target in targets.items():
            key = target.make_plan().key(version)
            keys[name] = (key, key in stored)
        db.session.remove()
        return keys


def server_rss_mb():
    """Resident memory of the render server at rest (each forked child starts as a copy of it), or None."""
    from app.pdf import worker

    process = worker._server.process
    if process is None:
        return None
    try:
        with open(f"/proc/{process.pid}/status") as fh:
            return int(re.search(r"VmRSS:\s+(\d+)", fh.read()).group(1)) * 1024 / 1e6
    except (OSError, AttributeError):
        return None


def stop_render_server():
    from app.pdf import worker

    worker.stop()


# ---------------------------------------------------------------- report








def render(targets, count, extra):
    order = [targets[name] for name in ("article", "category", "guide", "handbook")]
    lines = [
        f"{date.today().isoformat()} — {machine('WeasyPrint ' + weasyprint_version())}; Flask test client, default content"
        f" ({extra['articles']} articles in {extra['categories']} categories) plus the synthetic "
        f"`{GUIDE_SLUG}` category; whole run {extra['total_s']:.0f} s; load average {extra['load']}.",
        "",
        "Cold render (cached row deleted first): the route, and the same HTML drawn by WeasyPrint in this "
        "process (reference), each the median of the runs shown.",
        "",
        "| PDF | pages | size | runs | cold, route | in the child (WeasyPrint) | HTML build | "
        "reference: WeasyPrint in process | × reference | peak memory, rendering process |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for t in order:
        cold, ref = statistics.median(t.cold), statistics.median(t.reference)
        pages, size, _, peak = t.row
        lines.append(f"| {t.label} | {pages} | {size / 1024:.0f} KiB | {len(t.cold)} | {cold:.2f} s | "
                     f"{statistics.median(t.child):.2f} s | {statistics.median(t.html_s):.2f} s | {ref:.2f} s | "
                     f"{cold / ref:.2f} | {mb(peak):.0f} MB |")
    lines += [
        "",
        f"Cached response: {count} GETs of each stored PDF, each followed by a GET of the same bytes from a bare "
        "Flask app (`send_file` of an in-memory buffer) on the same test client.",
        "",
        "| PDF | cached median | cached p95 | bare Flask median | bare Flask p95 | × bare Flask (median) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for t in order:
        c50, c95 = statistics.median(t.cached) * 1e3, percentile(t.cached, 95) * 1e3
        b50, b95 = statistics.median(t.bare) * 1e3, percentile(t.bare, 95) * 1e3
        lines.append(f"| {t.label} | {c50:.2f} ms | {c95:.2f} ms | {b50:.2f} ms | {b95:.2f} ms | {c50 / b50:.1f} |")

    guide = statistics.median(targets["guide"].cold)
    worst = max(order, key=lambda t: percentile(t.cached, 95))
    worst_p95 = percentile(worst.cached, 95) * 1e3
    peak = mb(targets["handbook"].row[3])
    lines += [
        "",
        "Targets:",
        "",
        f"- {GUIDE_SIZE}-article guide cold ≤ {TARGET_GUIDE_S:g} s: {guide:.2f} s (median of "
        f"{len(targets['guide'].cold)}) — **{verdict(guide <= TARGET_GUIDE_S)}**",
        f"- any cached PDF ≤ {TARGET_CACHED_MS:g} ms: worst p95 {worst_p95:.2f} ms ({worst.label}) — "
        f"**{verdict(worst_p95 <= TARGET_CACHED_MS)}**",
        f"- handbook peak memory ≤ {TARGET_PEAK_MB:g} MB: {peak:.0f} MB — **{verdict(peak <= TARGET_PEAK_MB)}**",
        "",
        "Notes:",
        "",
        f"- The first PDF of a web process also starts the render server (`python -m app.pdf`, imports "
        f"WeasyPrint): the unmeasured first GET (`{extra['warmup_path']}`) took {extra['warmup_s']:.2f} s. "
        + (f"The server then holds {extra['server_mb']:.0f} MB; every child is forked from it. "
           if extra["server_mb"] else "")
        + "Peak memory is the child's ru_maxrss (MB = 10^6 bytes).",
        "- *In the child* is PdfExport.render_ms (write_pdf in the forked child); *HTML build* is "
        "`documents.draw` timed in this process right after the route drew it (Markdown cache warm); the rest of "
        "*cold, route* is the plan, the fork and pipes, and the database insert.",
        f"- Cache keys: {extra['keys']}",
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3,
                        help="cold runs of the article and category guides (median; default 3; the article gets 2 more)")
    parser.add_argument("--handbook-runs", type=int, default=1, help="cold runs of the handbook (default 1)")
    parser.add_argument("--requests", type=int, default=50, help="cached GETs of each PDF (default 50)")
    parser.add_argument("--quick", action="store_true", help="one cold run each and 20 cached GETs, for a smoke check")
    parser.add_argument("--output", default=str(RESULTS_FILE), help="Markdown file written (default bench/results/pdf.md)")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    handbook_runs = 1 if args.quick else args.handbook_runs
    count = 20 if args.quick else args.requests
    if runs < 1 or handbook_runs < 1 or count < 1:
        parser.error("--runs, --handbook-runs and --requests must be positive")

    dropped = clean_environment()
    if dropped:
        log(f"ignoring {', '.join(dropped)}: the benchmark measures the defaults")

    def on_sigterm(signum, frame):
        raise Stopped()

    signal.signal(signal.SIGTERM, on_sigterm)  # so the render server and the temporary folder go on kill too
    started = time.perf_counter()
    load_before = load_average()
    tmp = tempfile.TemporaryDirectory(prefix="tier0-bench-pdf-")
    try:
        work = Path(tmp.name)
        content = work / "content"
        shutil.copytree(CONTENT_DIR, content)
        by_folder = default_articles(content)
        article_slug = typical_article(by_folder)
        log(f"instance folder: {work / 'instance'}")
        app = make_app(work / "instance", content)
        report = sync(app, content)
        log(f"synced {len(report.created)} articles from a copy of content/")
        default_count = len(report.created)
        with app.app_context():
            from app.kb import services as kb
            from app.pdf import plans

            # The largest guide: the category whose PDF holds the most public articles (subcategories included).
            category_slug = max((len(plans.category_entries(c)), c.slug) for c in kb.all_categories())[1]
        targets = targets_for(app, article_slug, category_slug)
        client = app.test_client()

        # Start the render server (and warm this process's WeasyPrint) on a PDF that is not measured.
        warm = next(p.stem for files in by_folder.values() for p in files if p.stem != article_slug)
        warmup_path = f"/articles/{warm}.pdf"
        warmup_s, _ = get(client, warmup_path)
        server_mb = server_rss_mb()
        with app.test_request_context("/"):
            from flask import request

            from app.kb import services as kb
            from app.pdf import documents, plans, services

            found = kb.get_article(warm)
            html = documents.draw(plans.article_plan(found, found.published_revision), services.settings(request.url_root))
        in_process(app, html)
        log(f"render server started: first PDF {warmup_s:.2f} s")

        log("default content:")
        measure_cold(app, client, targets["article"], runs + 2)
        measure_cold(app, client, targets["category"], runs)
        measure_cold(app, client, targets["handbook"], handbook_runs)
        bare = bare_app({t.path.lstrip("/"): (t.pdf, t.path.rsplit("/", 1)[-1])
                         for t in (targets["article"], targets["category"], targets["handbook"])})
        bare_client = bare.test_client()
        for name in ("article", "category", "handbook"):
            measure_cached(client, bare_client, targets[name], count)
        before = cache_keys(app, {n: targets[n] for n in ("article", "category", "handbook")})

        sources = write_guide(content, by_folder)
        report = sync(app, content)
        log(f"added `{GUIDE_SLUG}`: {len(report.created)} articles made from {len(set(sources))} default ones")
        after_add = cache_keys(app, {n: targets[n] for n in ("article", "category", "handbook")})
        measure_cold(app, client, targets["guide"], runs)
        bare = bare_app({targets["guide"].path.lstrip("/"): (targets["guide"].pdf, f"{GUIDE_SLUG}.pdf")})
        measure_cached(client, bare.test_client(), targets["guide"], count)

        # A new revision of one article of the largest category (not the measured article).
        with app.app_context():
            edited = next(a.slug for a in kb.category_articles(kb.get_category(category_slug))
                          if a.slug != article_slug and a.kind != "troubleshooter")
        keys_before_edit = cache_keys(app, targets)
        edited_file = next(content.glob(f"*/{edited}.md"))
        edited_file.write_text(edited_file.read_text(encoding="utf-8") + "\nOne more sentence, for bench/pdf.py.\n",
                               encoding="utf-8")
        sync(app, content)
        keys_after_edit = cache_keys(app, targets)
        stop_render_server()

        unchanged_on_add = [n for n in ("article", "category") if before[n][0] == after_add[n][0]]
        changed_on_add = [n for n in before if before[n][0] != after_add[n][0]]
        changed = [n for n in targets if keys_before_edit[n][0] != keys_after_edit[n][0]]
        still_cached = [n for n in targets if keys_after_edit[n][1]]
        expected_changed = ["category", "handbook"]
        keys_ok = (changed == expected_changed and unchanged_on_add == ["article", "category"]
                   and changed_on_add == ["handbook"] and set(still_cached) == {"article", "guide"})
        keys = (f"adding `{GUIDE_SLUG}` changed the key of {', '.join(changed_on_add) or 'nothing'} and left "
                f"{', '.join(unchanged_on_add)}; a new revision of `{edited}` changed the keys of "
                f"{', '.join(changed) or 'nothing'}, and {', '.join(still_cached) or 'nothing'} stayed cached — "
                f"**{'as expected' if keys_ok else 'NOT as expected'}**.")
        log(f"cache keys: {keys}")
        extra = {"articles": default_count, "categories": len(by_folder), "warmup_path": warmup_path,
                 "warmup_s": warmup_s, "server_mb": server_mb, "keys": keys, "total_s": time.perf_counter() - started,
                 "load": f"{load_before} at the start, {load_average()} at the end"}
    except (KeyboardInterrupt, Stopped):
        print("\ninterrupted: stopping the render server", file=sys.stderr)
        return 130
    finally:
        try:
            stop_render_server()
        except Exception:  # noqa: BLE001  (nothing was started)
            pass
        tmp.cleanup()

    report_md = "## PDF benchmark\n\n" + render(targets, count, extra)
    print()
    print(report_md)
    write_report(report_md, args.output, ROOT)
    return 0  # a benchmark is not a test: a missed target is printed, not an error


if __name__ == "__main__":
    sys.exit(main())
