"""Search benchmark: the app's search backends against a plain SQLite FTS5 reference, on a synthetic corpus.

`make bench-search` (= `.venv/bin/python bench/search.py`) does, for each corpus size N:

1. generates N synthetic help articles (deterministic, fixed seed): ~600-word bodies drawn with
   Zipf-like frequencies from a list of 3,600 help-center and general English words, titles of 4-8
   words, ~20-word summaries, 2-4 `##` headings, 1-3 tags;
2. rebuilds the app backend's index of them in a temporary folder through its own
   `writing(clear=True)` (a full reindex) and times it — the default `sqlite` backend
   (`SqliteBackend`, FTS5), or `whoosh` with `--backends sqlite,whoosh`;
3. times single-article updates (one `writing()` with one `add(doc)` of a changed revision);
4. runs a fixed set of 60 queries (1-4 words, typos, quoted phrases) exactly as the app does,
   uncached: `build_plan` with the bundled synonyms, then `app.search.services.rank` (typo
   correction and the ranked search); p50/p95 latency;
5. builds the same corpus into one plain SQLite FTS5 table (porter tokenizer, bm25 with the app's
   column weights) and runs the same queries (AND, then OR when no rows; LIMIT 10) as the reference:
   what a bare FTS5 search costs, without the app's ranking, typo correction or snippets;
6. measures a result-cache hit with the app's `ResultCache` and checks that a new index version
   does not reuse an entry;
7. prints a Markdown table per size and PASS/FAIL per target, and writes the tables to
   bench/results/search.md.

No Flask app, database or server is involved: the backend is called directly. It exits 0
whether or not the targets are met: a benchmark is not a test.
"""
import argparse
import dataclasses
import inspect
import os
import platform
import random
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from itertools import accumulate
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
from bench.common import write_report  # noqa: E402

from app.search.documents import SearchDoc  # noqa: E402
from app.search.query import STOP_WORDS, Synonyms, build_plan, words_of  # noqa: E402
from app.search.services import ResultCache, rank  # noqa: E402
from app.search.sqlite_backend import SqliteBackend  # noqa: E402
from app.search.whoosh_backend import WhooshBackend  # noqa: E402

RESULTS_FILE = BENCH_DIR / "results" / "search.md"
SYNONYMS_FILE = ROOT / "content" / "_synonyms.yml"
SEED = 20261122
TARGET_N = 10_000
TARGET_REINDEX_S = 40.0
TARGET_UPDATE_MS = 150.0
TARGET_P95_RATIO = 1.5
PER_PAGE = 10
# FTS5 reference: the app's field weights (app/search/sqlite_backend.py WEIGHTS), one per column.
FTS_COLUMNS = ("article_id", "title", "summary", "tags", "headings", "body")
FTS_WEIGHTS = (0.0, 4.0, 2.0, 2.0, 1.5, 1.0)

CATEGORIES = ("account-and-profile", "ad-review-and-removal", "payments-and-billing",
              "policies-and-safety", "posting-ads", "troubleshooting")
TAGS = ("account", "login", "password", "security", "verification", "email", "phone", "payments", "refunds",
        "invoices", "upgrades", "boost", "posting", "photos", "moderation", "renewal", "safety", "scams",
        "messages", "notifications", "privacy", "app", "troubleshooting", "listing", "pricing", "delivery")
TITLE_STARTS = ("How to", "Why", "Can I", "What to do if", "When", "Where to find")

# 60 queries as visitors type them: single words, 2 words, 3-4 words, typos, quoted phrases.
QUERIES = (
    # 1 word
    "password", "refund", "payment", "photo", "upload", "verify", "invoice", "account", "notifications",
    "scam", "renew", "boost", "delete", "listing", "email",
    # 2 words
    "reset password", "payment failed", "upload photos", "verify phone", "delete account", "charged twice",
    "refund status", "change email", "block user", "expired ad", "app crashes", "card declined",
    "edit listing", "sms code", "featured upgrade",
    # 3-4 words
    "how do i reset my password", "can't upload photos iphone", "why was my ad rejected",
    "when will i get my refund", "contact a seller", "change phone number account", "ad not showing in search",
    "report a suspicious buyer", "two step verification code", "payment method not accepted",
    "download my data", "renew an expired listing",
    # typos
    "pasword", "paymnet", "recieve refund", "acount settings", "verfy email", "notifcations not arriving",
    "uplaod photo", "refnud", "delet account", "pasword reset link", "listng expired", "invocie",
    # quoted phrases
    '"reset password"', '"payment failed"', '"charged twice"', '"upload photos" limit', '"delete account"',
    '"phone number" change',
)
TYPO_QUERIES = frozenset(QUERIES[42:54])


class Stopped(Exception):
    """Raised by the SIGTERM handler so the temporary folder is cleaned up."""


# ---------------------------------------------------------------- corpus


class Corpus:
    """Deterministic synthetic help articles (the first n of a bigger N are the same articles)."""

    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        weights = [1.0 / (rank + 2.7) for rank in range(1, len(WORDS) + 1)]  # Zipf-Mandelbrot, s=1
        self.cum = list(accumulate(weights))
        content = [i for i, w in enumerate(WORDS) if w not in STOP_WORDS]
        self.content_words = [WORDS[i] for i in content]
        self.content_cum = list(accumulate(weights[i] for i in content))

    def words(self, k):
        return self.rng.choices(WORDS, cum_weights=self.cum, k=k)

    def content(self, k):
        return self.rng.choices(self.content_words, cum_weights=self.content_cum, k=k)

    def sentences(self, words):
        """Words cut into sentences of 6-18 words, capitalized, with an occasional comma."""
        out, i, rng = [], 0, self.rng
        while i < len(words):
            n = rng.randint(6, 18)
            chunk = words[i:i + n]
            i += n
            if len(chunk) > 7 and rng.random() < 0.4:
                cut = rng.randint(3, len(chunk) - 3)
                chunk[cut] += ","
            out.append(chunk[0].capitalize() + (" " + " ".join(chunk[1:]) if len(chunk) > 1 else "") + ".")
        return " ".join(out)

    def document(self, article_id, revision_id=1):
        rng = self.rng
        title_words = self.content(rng.randint(4, 8))
        if rng.random() < 0.3:
            title_words = TITLE_STARTS[rng.randrange(len(TITLE_STARTS))].split() + title_words[:-2]
        title = " ".join(title_words)
        title = title[0].upper() + title[1:]
        summary = self.sentences(self.words(rng.randint(17, 23)))
        headings = [" ".join(self.content(rng.randint(2, 5))).capitalize() for _ in range(rng.randint(2, 4))]
        body_words = self.words(rng.randint(560, 640))
        # Body as the app indexes it: the rendered Markdown's text, heading lines included.
        cuts = sorted(rng.sample(range(40, len(body_words) - 40), len(headings) - 1))
        parts = [body_words[a:b] for a, b in zip([0, *cuts], [*cuts, len(body_words)])]
        body = " ".join(f"{heading} {self.sentences(part)}" for heading, part in zip(headings, parts))
        tags = " ".join(rng.sample(TAGS, rng.randint(1, 3)))
        return SearchDoc(
            article_id=article_id, revision_id=revision_id, slug=f"article-{article_id}",
            kind="faq" if rng.random() < 0.2 else "article", category_slug=CATEGORIES[rng.randrange(len(CATEGORIES))],
            title=title, summary=summary, headings=" · ".join(headings), tags=tags, body=body,
        )

    def changed(self, doc):
        """A new revision of an article: a sentence rewritten in the body and a new summary."""
        body = doc.body.split(". ")
        body[self.rng.randrange(len(body))] = self.sentences(self.words(14)).rstrip(".")
        return dataclasses.replace(doc, revision_id=doc.revision_id + 1, body=". ".join(body),
                                   summary=self.sentences(self.words(20)))


def make_corpus(n, seed=SEED):
    corpus = Corpus(seed)
    return corpus, [corpus.document(i) for i in range(1, n + 1)]


# ---------------------------------------------------------------- helpers


def percentile(values, p):
    """Linear-interpolated percentile (as numpy's default) of a non-empty list."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def dir_size(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def fmt_s(seconds):
    return f"{seconds:.1f} s" if seconds >= 10 else f"{seconds:.2f} s"


def fmt_ms(seconds):
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms" if ms >= 1 else f"{ms:.2f} ms"


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the app's backend


def ranked(backend, raw, synonyms):
    """What the app computes for page 1 (app.search.services.rank), without Flask: (total, hits, suggestion, mode)."""
    plan = build_plan(raw, synonyms)
    if plan.empty:
        return 0, [], None, "empty"
    total, hits, suggestion = rank(backend, synonyms, plan, None, None, 0, PER_PAGE)
    return total, hits, suggestion, "or"


LABELS = {"sqlite": "SQLite FTS5 backend", "whoosh": "Whoosh backend"}


def make_backend(name, workdir, n):
    """(backend, index path) of an app backend in the work folder."""
    if name == "whoosh":
        path = os.path.join(workdir, f"whoosh-{n}")
        return WhooshBackend(path), path
    path = os.path.join(workdir, f"app-{n}.sqlite3")
    return SqliteBackend(path), path


def backend_build(backend, docs):
    backend.needs_rebuild()  # creates the empty index, as the app does before its first reindex
    # As app.search.indexing.reindex_all: it tells the backend how many articles are coming, when it can.
    size = {"size": len(docs)} if "size" in inspect.signature(backend.writing).parameters else {}
    start = time.perf_counter()
    with backend.writing(clear=True, **size) as writer:
        for doc in docs:
            writer.add(doc)
    return backend, time.perf_counter() - start


def backend_updates(backend, corpus, docs, count):
    """Seconds per single-article update: one writing() block adding one changed revision."""
    times = []
    n = len(docs)
    for k in range(count):
        i = (k * 7919 + 13) % n
        doc = corpus.changed(docs[i])
        start = time.perf_counter()
        with backend.writing() as writer:
            writer.add(doc)
        times.append(time.perf_counter() - start)
        docs[i] = doc
    return times


def close_backend(backend):
    if isinstance(backend, SqliteBackend):
        backend.close()
        return
    searcher = getattr(backend._local, "searcher", None)
    if searcher is not None:
        searcher.close()
    if backend._ix is not None:
        backend._ix.close()


# ---------------------------------------------------------------- SQLite FTS5 (the reference)


def fts_build(path, docs):
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(c + (' UNINDEXED' if c == 'article_id' else '') for c in FTS_COLUMNS)}, "
                 "tokenize='porter unicode61')")
    with conn:
        conn.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                         ((d.article_id, d.title, d.summary, d.tags, d.headings, d.body) for d in docs))
    return conn, time.perf_counter() - start


def fts_match(plan, mode):
    """An FTS5 MATCH string for a plan: each slot's alternatives OR-ed, slots AND-ed (or OR-ed); terms quoted."""
    slots = []
    for slot in plan.slots:
        alternatives = ['"' + " ".join(words).replace('"', '""') + '"' for words in slot.alternatives]
        slots.append("(" + " OR ".join(alternatives) + ")")
    return (" AND " if mode == "and" else " OR ").join(slots)


FTS_SQL = (f"SELECT article_id, bm25(docs, {', '.join(map(str, FTS_WEIGHTS))}) AS score FROM docs "
           f"WHERE docs MATCH ? ORDER BY score LIMIT {PER_PAGE}")
FTS_SNIPPET_SQL = (f"SELECT article_id, bm25(docs, {', '.join(map(str, FTS_WEIGHTS))}) AS score, "
                   "snippet(docs, 5, '\ue000', '\ue001', ' … ', 40) FROM docs "
                   f"WHERE docs MATCH ? ORDER BY score LIMIT {PER_PAGE}")


def fts_ranked(conn, raw, synonyms, sql=FTS_SQL):
    """The same query on FTS5: all words first, any word when that finds nothing (no typo correction)."""
    plan = build_plan(raw, synonyms)
    if plan.empty:
        return [], "empty"
    rows = conn.execute(sql, (fts_match(plan, "and"),)).fetchall()
    mode = "and"
    if not rows and len(plan.slots) > 1:
        rows = conn.execute(sql, (fts_match(plan, "or"),)).fetchall()
        mode = "or"
    return rows, mode


# ---------------------------------------------------------------- one size


def timed_queries(run, rounds):
    """{query: [seconds, ...]} after one warm-up pass; the queries run in the same order every round."""
    for raw in QUERIES:
        run(raw)
    times = {raw: [] for raw in QUERIES}
    for _ in range(rounds):
        for raw in QUERIES:
            start = time.perf_counter()
            run(raw)
            times[raw].append(time.perf_counter() - start)
    return times


def bench_size(n, rounds, updates, workdir, backend_name="sqlite"):
    result = {"n": n}
    t0 = time.perf_counter()
    corpus, docs = make_corpus(n)
    result["generate_s"] = time.perf_counter() - t0
    result["words_per_doc"] = statistics.mean(len(d.body.split()) for d in docs[:1000])
    log(f"N={n:,}: corpus generated in {fmt_s(result['generate_s'])}")
    synonyms = Synonyms(str(SYNONYMS_FILE))

    # The app backend: full reindex, queries, single-article updates.
    backend, index_path = make_backend(backend_name, workdir, n)
    label = LABELS[backend_name]
    result["backend"] = backend_name
    backend, result["app_build_s"] = backend_build(backend, docs)
    result["app_bytes"] = dir_size(index_path) if os.path.isdir(index_path) else os.path.getsize(index_path)
    log(f"N={n:,}: {label} full reindex {fmt_s(result['app_build_s'])}")

    modes = {}

    def run_app(raw):
        modes[raw] = ranked(backend, raw, synonyms)

    result["app_q"] = timed_queries(run_app, rounds)
    result["zero_results"] = sum(1 for r in modes.values() if r[0] == 0)
    result["corrected"] = sum(1 for r in modes.values() if r[2])
    log(f"N={n:,}: {label} queries done")

    update_times = backend_updates(backend, corpus, docs, updates)
    result["update_s"] = update_times
    log(f"N={n:,}: {label} updates median {fmt_ms(statistics.median(update_times))}")

    # Result cache: a hit against the uncached query, and no reuse across index versions.
    cache = ResultCache()
    version = 1
    keys = {}
    for raw in QUERIES:
        plan = build_plan(raw, synonyms)
        keys[raw] = (version, plan.text, "", "", 1, PER_PAGE)
        cache.put(keys[raw], modes[raw][:3])
    key_list = list(keys.values())
    reps = 200
    start = time.perf_counter()
    for _ in range(reps):
        for key in key_list:
            cache.get(key)
    result["cache_get_s"] = (time.perf_counter() - start) / (reps * len(key_list))
    start = time.perf_counter()
    for _ in range(20):
        for raw in QUERIES:
            plan = build_plan(raw, synonyms)
            cache.get((version, plan.text, "", "", 1, PER_PAGE))
    result["cache_plan_get_s"] = (time.perf_counter() - start) / (20 * len(QUERIES))
    # An index change: one article gets "refund" in its title and summary; the app then bumps the version.
    probe = "refund"
    before = cache.get(keys[probe])
    target = docs[n // 2]
    new_doc = dataclasses.replace(target, revision_id=target.revision_id + 1,
                                  title="Refund refund: when will I get my refund",
                                  summary="Refund timing, refund status and refund methods explained.")
    with backend.writing() as writer:
        writer.add(new_doc)
    docs[n // 2] = new_doc
    version += 1
    misses = sum(1 for raw in QUERIES if cache.get((version, build_plan(raw, synonyms).text, "", "", 1, PER_PAGE)) is None)
    after = ranked(backend, probe, synonyms)[:3]
    cache.put((version, build_plan(probe, synonyms).text, "", "", 1, PER_PAGE), after)
    result["cache_misses_after_bump"] = misses
    result["cache_probe"] = (probe, new_doc.article_id, rank_of(new_doc.article_id, before[1]),
                             rank_of(new_doc.article_id, after[1]))
    # How broad the queries are on this corpus: share of articles containing each (non-typo) query word.
    query_words = sorted({w for raw in QUERIES if raw not in TYPO_QUERIES for w in words_of(raw) if w not in STOP_WORDS})
    holding = {w: 0 for w in query_words}
    for doc in docs:
        present = set(words_of(" ".join((doc.title, doc.summary, doc.tags, doc.headings, doc.body))))
        for w in query_words:
            holding[w] += w in present
    result["word_share"] = statistics.median(holding[w] / n for w in query_words)
    close_backend(backend)
    if os.path.isdir(index_path):
        shutil.rmtree(index_path, ignore_errors=True)
    else:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(index_path + suffix):
                os.remove(index_path + suffix)

    # SQLite FTS5 reference on the same corpus (with the updated articles).
    db_path = os.path.join(workdir, f"fts-{n}.sqlite")
    conn, result["fts_build_s"] = fts_build(db_path, docs)
    result["fts_bytes"] = os.path.getsize(db_path)
    log(f"N={n:,}: FTS5 build {fmt_s(result['fts_build_s'])}")
    fts_modes = {}

    def run_fts(raw):
        fts_modes[raw] = fts_ranked(conn, raw, synonyms)

    result["fts_q"] = timed_queries(run_fts, rounds)
    result["fts_zero_results"] = sum(1 for rows, _ in fts_modes.values() if not rows)
    result["fts_snippet_q"] = timed_queries(lambda raw: fts_ranked(conn, raw, synonyms, FTS_SNIPPET_SQL), rounds)
    conn.close()
    os.remove(db_path)
    result["total_s"] = time.perf_counter() - t0
    return result


# ---------------------------------------------------------------- report


def rank_of(article_id, hits):
    """1-based position of an article among (article_id, snippet, score) hits, or None."""
    return next((i for i, (hit_id, _, _) in enumerate(hits, 1) if hit_id == article_id), None)


def flat(times, only=None):
    return [t for raw, ts in times.items() if only is None or only(raw) for t in ts]


def verdicts(r):
    """[(label, measured, target, passed)] for one size."""
    wq, fq = flat(r["app_q"]), flat(r["fts_q"])
    w95, f95 = percentile(wq, 95), percentile(fq, 95)
    update = statistics.median(r["update_s"])
    return [
        (f"full reindex of {r['n']:,} articles ≤ {TARGET_REINDEX_S:.0f} s", fmt_s(r["app_build_s"]),
         r["app_build_s"] <= TARGET_REINDEX_S),
        (f"single-article update (median) ≤ {TARGET_UPDATE_MS:.0f} ms", fmt_ms(update),
         update * 1000 <= TARGET_UPDATE_MS),
        (f"uncached query p95 ≤ {TARGET_P95_RATIO} × FTS5 p95", f"{w95 / f95:.1f} × ({fmt_ms(w95)} vs {fmt_ms(f95)})",
         w95 <= TARGET_P95_RATIO * f95),
    ]


def render(r, rounds):
    n = r["n"]
    wq, fq, sq = flat(r["app_q"]), flat(r["fts_q"]), flat(r["fts_snippet_q"])
    label = LABELS[r["backend"]]
    typo = lambda raw: raw in TYPO_QUERIES  # noqa: E731
    plain = lambda raw: raw not in TYPO_QUERIES  # noqa: E731
    ups = r["update_s"]
    w50 = percentile(wq, 50)
    lines = [
        f"### {label}, N = {n:,} articles",
        "",
        f"{date.today().isoformat()} — {machine()}; ~{r['words_per_doc']:.0f} body words per article; "
        f"{len(QUERIES)} queries × {rounds} rounds after one warm-up round; whole size took {fmt_s(r['total_s'])}.",
        "",
        f"| measure | {label} (the app) | plain SQLite FTS5 (reference) |",
        "| --- | ---: | ---: |",
        f"| full reindex / build | {fmt_s(r['app_build_s'])} | {fmt_s(r['fts_build_s'])} |",
        f"| index size on disk | {r['app_bytes'] / 2**20:.0f} MiB | {r['fts_bytes'] / 2**20:.0f} MiB |",
        f"| single-article update, median of {len(ups)} (p95, max) | {fmt_ms(statistics.median(ups))} "
        f"({fmt_ms(percentile(ups, 95))}, {fmt_ms(max(ups))}) | – |",
        f"| uncached query p50 | {fmt_ms(w50)} | {fmt_ms(percentile(fq, 50))} |",
        f"| uncached query p95 | {fmt_ms(percentile(wq, 95))} | {fmt_ms(percentile(fq, 95))} |",
        f"| … p50 / p95 without the {len(TYPO_QUERIES)} typo queries | {fmt_ms(percentile(flat(r['app_q'], plain), 50))} / "
        f"{fmt_ms(percentile(flat(r['app_q'], plain), 95))} | {fmt_ms(percentile(flat(r['fts_q'], plain), 50))} / "
        f"{fmt_ms(percentile(flat(r['fts_q'], plain), 95))} |",
        f"| … p50 / p95 of the typo queries | {fmt_ms(percentile(flat(r['app_q'], typo), 50))} / "
        f"{fmt_ms(percentile(flat(r['app_q'], typo), 95))} | {fmt_ms(percentile(flat(r['fts_q'], typo), 50))} / "
        f"{fmt_ms(percentile(flat(r['fts_q'], typo), 95))} |",
        f"| query p50 / p95 with snippets (FTS5 `snippet()`; the app always makes snippets) | {fmt_ms(w50)} / "
        f"{fmt_ms(percentile(wq, 95))} | {fmt_ms(percentile(sq, 50))} / {fmt_ms(percentile(sq, 95))} |",
        f"| queries with no result (typo-corrected) | {r['zero_results']} ({r['corrected']}) | "
        f"{r['fts_zero_results']} (–) |",
        f"| repeated query, `ResultCache` hit (with `build_plan`) | {r['cache_get_s'] * 1e6:.2f} µs "
        f"({r['cache_plan_get_s'] * 1e6:.0f} µs), {w50 / r['cache_plan_get_s']:,.0f} × faster than p50 | – |",
        f"| after an index change (version bump) | {r['cache_misses_after_bump']}/{len(QUERIES)} entries not reused | – |",
        "",
        f"A query word (median over the distinct words of the non-typo queries) occurs in {r['word_share']:.0%} of "
        "the articles.",
        "",
    ]
    probe, changed_id, rank_before, rank_after = r["cache_probe"]
    where = lambda rank: f"#{rank}" if rank else "not in the top 10"  # noqa: E731
    lines.append(f"Cache check: article {changed_id} got “{probe}” in its title and summary; for “{probe}” it is "
                 f"{where(rank_before)} in the old version's entry and {where(rank_after)} after the change"
                 + (", which a reused entry would have hidden." if rank_before != rank_after else "."))
    lines.append("")
    scope = "" if n == TARGET_N else f" (targets are set for N = {TARGET_N:,}; indicative at N = {n:,})"
    lines.append(f"Targets{scope}:")
    lines.append("")
    for label, measured, passed in verdicts(r):
        lines.append(f"- {label}: {measured} — **{'PASS' if passed else 'FAIL'}**")
    return "\n".join(lines) + "\n"


def machine():
    mem = ""
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages * page_size / 2**30:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    return f"{os.cpu_count()} cores{mem}, {platform.python_implementation()} {platform.python_version()}, SQLite {sqlite3.sqlite_version}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="comma-separated corpus sizes (default 1000,10000; 50000 takes several minutes)")
    parser.add_argument("--quick", action="store_true", help="N=1000 only, 2 query rounds")
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds over the query set (default 5)")
    parser.add_argument("--updates", type=int, default=20, help="single-article updates timed (default 20)")
    parser.add_argument("--backends", default="sqlite",
                        help="app backends measured, comma-separated: sqlite (default), whoosh")
    parser.add_argument("--output", default=str(RESULTS_FILE), help="Markdown file written (default bench/results/search.md)")
    args = parser.parse_args(argv)
    try:
        sizes = [1000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes takes comma-separated integers, e.g. 1000,10000")
    rounds = 2 if args.quick else args.rounds
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not backends or any(b not in LABELS for b in backends):
        parser.error(f"--backends takes a comma-separated list of {', '.join(LABELS)}")
    if not sizes or min(sizes) < 100 or rounds < 1 or args.updates < 1:
        parser.error("sizes must be ≥ 100; --rounds and --updates must be positive")

    def on_sigterm(signum, frame):
        raise Stopped()

    signal.signal(signal.SIGTERM, on_sigterm)  # so the temporary folder is removed on kill, as on Ctrl-C
    sections = []
    try:
        with tempfile.TemporaryDirectory(prefix="tier0-bench-search-") as workdir:
            for n in sizes:
                for name in backends:
                    result = bench_size(n, rounds, args.updates, workdir, name)
                    section = render(result, rounds)
                    print(section, flush=True)
                    sections.append(section)
    except (Stopped, KeyboardInterrupt):
        print("stopped: temporary index and database removed", file=sys.stderr)
        return 1
    write_report("## Search benchmark\n\n" + "\n".join(sections), args.output, ROOT)
    return 0  # a benchmark is not a test: a missed target is printed, not an error


# ---------------------------------------------------------------- word list

# 3,600 words, most frequent first: the words of the bundled help articles (content/) blended with
# general English frequencies, plus help-center terms (listing, payout, captcha, ...). Frozen here so
# the corpus does not change when content/ does.
WORDS = """
the and to a you in your or of for it is ad on if can that as with an are i ads see we email be
account from what one at by was days this my app when how up new not have number phone they live
photos no upgrade within so but payment only use address after which them item settings do messages
about click before go all check other more get time open he has then out example code card review
password details free don first re payments still rejected never pay again our will two search
price each most sold people hours report also change who why photo posting upgrades category boost
such article link same removed me featured log doesn choose once there like message notifications
every data its his than date step need show tap keep off expired support may make us work any
expiry their been send another refund just profile good items reason minutes back edit emails where
day bank appeal were website verification saved order ask turn buyers sms name through delete isn
someone would yes add per while business aren enter usually old person needs some title want top
happens already had push wrong apple without find long right fix description automatically think
version take own contact renew because changes property rules her privacy know post full read block
google away request remove must look nothing now between try stay she these codes prohibited paypal
used goes security next way works last refunded shown including copy longer user ll approved later
real into over set something type sell invoices too both could download size members always ve mark
reviewed notification reset rentals refunds faq even during appear history three going until paid
here different iphone confirm fraud write year years listing much available does previous clear
location problem method takes conversation sent down decision reply whether charge deleted text
verified verify sellers receipts logged start renewing anything well running listings shows mobile
tell appears give move wait attention him android arrive straight team area scam least many
moderation resubmit under results money second hour accounts links limit save unverified device
went page vehicles button tip approval limits safe made stays allowed allow spam buyer upload
duplicate login removals being should yet those condition starts started say purchase subscription
warning terms checked said since access below categories note conversations home arriving did
public very optional browser numbers means times expires hasn instead showing period common
personal won checkout several stop ends offers update amount display tips really police phones help
asked submit things mb got repost safety everything status include count hold online place best
original payout around keeps charged delivery either country sign everyone services valid apps
repeated editing working seller pause immediately scams reach case reasons town told characters
connection file paying side payouts match great run moves company few storage better manage against
end buy files asks high missing sure law suspension response restricted create required wallet
confirmation list quickly reported parcel might rejection meet billing didn sv troubleshooting
words bought reports often avoid protection four brand come anyone left life world cards fixed
methods shared linked cover changed removal username blocked checks default specific backup
reserved sends cookies receipt please put searches digits cache jpg moment older cars share lost
selling part state handle member remember based believe logout small exactly value close mistake
model less devices chat taken registered love man marked continue lose called using towards visible
form little followed big makes whole menu blocking captcha arrives getting car matching suspicious
kept current tick digit extra unless unused agree statement vat png invoice negotiable
authenticator heic information game prices screen signed twice above failed downloaded large
problems apply am school seen else completed yours helps call steps meeting questions play accepted
far months question secure fields goods switch actually says describe turned exact attachment fee
temporary found rather select general trying yourself summary offer act box cases counts together
deposit stored haven ios face provider rental dot pending content credit ever sale attachments
crashes pdf logs messaging mileage system drafts undo expire badges paused webp month outside rule
active main single site thing camera similar accept agreed separate room private rights crop house
window answer changing options signs stuck city night trust quiet forgot remaining mr draft id row
american service leave doing let rent complete itself serious future short compress fees battery
legal staff format deal soon ones adds collect banking pass registration submitted suspended recent
feel errors included unexpected near limited store looking kind moved front street jpeg newest
renewed sort replies family filters radius bring logging minute folder notify restart care
contacting posted inbox moderator asking subject uploads moderators wasn reinstall bz resend
resubmitted video banned nobody action gets today stock talk finish directly records enough
especially receive mean runs lead known follows users break drugs vehicle busy existing technical
added breaking web national fraudulent took policies past minimum tax lot confirmed requires came
job cause happy usual sending line party watch affect deals grace language error bike hidden
situation written covers choice scammer pick having thought age breaks parts systems copies label
plain electrical stolen children internet lists versions done however child media products drag
threats following fails cancelled declined websites spammer electronics behind moving recently
anonymous decides switched addresses government group women difference gas permanently final
sometimes completely leading recognise drop fair renewal conditions quick games health news
advertised reactivate authorised fixes week logos pixels march reminders deletion browsers offload
senders early centre features cost wants ago others social cash protect issue rest closed making
point explain hand reactivated mind pop seconds june record total become control food actual types
bad hard bottom likely almost university happen test view weeks option correct improve music power
states water deactivate event present sorry matter gone policy buying corner weapons head men white
air friend probably honest mention orders decisions transfer useful giving comes looks possible
listed charges contains deactivated supported adding though picture finance faster fill examples
key range pages signal late lower random promote rooms involved related deliver replaced refused
reporting morning seats unknown release attached otp brief season thank simply practical sessions
clothing daily published amounts patterns ups united waiting ways signing stops cleaning belong
automatic searching instant hiding edited updates viewed seeing black twofactor war sooner appeals
plan effect network icon suspected contacts banner reminder five maybe president story separately
kids ready badge focus relay knives sofa earlier course hope important removes unlock suspend
safari browse alerts disturb computer manager filtered overturned resumes edits baby word mailbox
cryptocurrency saver footer placeholder reposted unblock reorder able book friends local oh thanks
young avatar fit lines plus contract image opening successful field held seems latest passed fine
hear points term notice spot court fact given guys half level shot strong otherwise uses nickname
offered position body coming guy office south true reached happened knew fresh owner views seat
research taking win inside issues return authority arrived leaves higher along girl john gdpr
pretty gift background garden interest july learn turns beauty investigation operating suggest
alone received role themselves worth bit hit nice playing saying understand yeah york entered
picked turning consent books provide source filled class idea international wanted expensive
evidence follow official round stand whatever express illegal selected applied shoes abuse
everywhere weak blue drive feeling fake kitchen import due human series woman affected documents
authorities falls alcohol recommend offering statistics community north saw special hate quality
careful matches tools recovery accurate normally consumer chose crash plate highlight advertising
hide light low million depends raw sample met perhaps poor technology bills immediate lets monthly
outstanding permission door financial simple exists red third choices guarantee starting whose bump
writing locked explains titles forgotten abroad among development further heart myself currency
genuine remind behaviour risk sleep table maria although fire fun living major players domain mine
visit promoted wrote furniture reliable creates filter publicly requests dispute choosing fi
removing handled export applies suggestion habits manufacturer spotted art building easy gonna
market non political quite six talking promotion west except affects connecting scratch binding
install ipad loading cigarettes wi addition capital double normal pressure cookie according
education former son declare servers pricing junk reject described hi premium particular speed
archive delays recalled licence enforce tab accessories corrected descriptions automated clicking
firearms gif misleading throughout zip daylight promptly appealed diagnostic notified slots college
experience heard london bundle program copied euros promotions medicines formats unsure riverside
unsafe advertise refresh replaces debit rotate passwords shortest wording consoles screenshots
typed deleting roaming boosted discriminatory harassing uploading boosts vpn discount chance father
process song study breaches prepaid keyword unrestricted costs expected includes wide scammers
permissions shrinks signup duplicates tiff voip marketplaces scamming rejections couldn reposting
resets viewings logins coupon watermarks letter material across gave himself self students bar
floor insurance sports board cut dr mother road thinking clearly ended pictures sunday names touch
de department energy fight voucher force played space summer wife damage driving feels machine
fully america beautiful land miss project agreement equipment lots purpose responsible drug meaning
saturday co eyes parents attempt broke exchange fell losing slow speech animals cities keeping
notes partner stopped club died film military perfect st tv becomes covered scale fashion pull
sexual april center county couple english industry player sense star memory adult continues
dangerous videos british companies middle needed result training wish apart decide materials nor
progress length onto possibly setting software thousands boy design finally girls gold guess king
society images treat violence al average brought certain church east hands hot medical movie park
performance press tried worked edge funds religion somewhere stated exist issued joined mountain
sides clothes fuel houses initial mail matters quarter session accident capacity cheap plants
treated areas became bill cool director ground relationship september sound banks sets lives ok
production rate reading stuff combined shopping allows platform businesses guns interests letters
countries david eat fall fast federal felt green league management advance identity leads films
friendly causes collected funding identified mode noticed whenever central england forward groups
hey mom science trade uk upon various delivered editor chosen essential fail familiar hundreds
answers dealing hang maximum reserve tickets brother cannot character chief cup football james led
looked natural october style vote danger explained gender receiving register sees typical load
replace reviews detail harder prefer weekly combat depending frequently object tool amazing august
blood china dog economic lord november oil stage interior origin prepare updated bathroom dates
print sight letting puts attack born decided enjoy entire french january regularly shipping
entitled loans lock protected statements aged attempts recommended stations colour gallery repeat
suggests visitors considered council currently election european events foreign hair increase
michael race seem seven super union walk washington earn grey meanwhile necessarily household
parking tied carefully cloud elsewhere processing reaching silence compare flash formula passes
penalty scheduled explanation bed began built career crazy daughter december die difficult figure
hospital knows loss modern paper popular voice bags checking containing opens rear reveal
afterwards designer supports army australia earth forget goal huge listen okay practice sea sir
success decline delay ownership recall fitness occasionally suitable improving km settle microsoft
writes base created deep la lol professional released schools ten truth cameras generated texts
computers requested answered brands instruments ongoing releases discrimination fewer ball build
dark district europe george india minister percent piece wall wanna failing accounting recover
timing logo photographer prevention replied stranger fits investments disappeared garage loaded
toys tracking belongs modified suggestions boys culture etc fans february gives growth married
officer pain paul places respect river rock shall speak standard tonight arrangements carries
complain explaining reception serial usage streaming converted correctly disability investigations
legally attract pointing bulk filling preserve threatening tobacco wasted album century cold eight
eye funny ii peace provided sales spent student tomorrow track via watching weight cancel restore
spray charging chemicals licensed unfair hosting realistic colours incidents responsibilities
timeline dining duration pepper strangers combine precise providers visa washing preventing
restored samsung sealed worrying overview lifted publish titled watches fixing mentions setup slot
ahead anti association beat brown chinese committee conference expect island plans population
potential radio russian station treatment western approve labels merchant pets repairs viewing
avoiding outlook scan halfway booked detect freezing pills tablet bugs clearing crashed ip meantime
gps schemes bounce chairs deliberately transfers beginning california campaign certainly cross
despite female husband ice individual interesting join loved miles nearly region section travel
harassment arrange deposits escort prescription spelling continuously handy memorable closes
disputes explicit modes packaging preview trek builds marking tracked locks newer swap unclear
easiest excluding polite uploaded ammunition catalogue gb paste renewable tablets angles chrome
notices consider feet kid positive tour welcome accessed bikes highlighted landlord preferences
qualifications vague pickup confirms crashing fireworks livestock sorted deliberate extensions
marketplace requesting restrict sim unrelated cooperate exclude lowering tenant warnings analytics
defects flats lifts restriction statutory absolutely additional beyond forces jobs leaving nature
significant studies winning attach mentioning merge protects relevance screenshot threatens
exchanged learns offline clearer warranty hallway appliances eco hazardous insists respectful
variants tapped updating courier defect waits confirming cosmetics disappears replica furnished
html approximate charger aggressively evenings flick inactive inspect instincts unavailable
journeys renting tabs banners browsing helmets collects converts highs steroids swipe hobbies
incorrectly paragraphs vans clears submitting arranging replying canada clean construction episode
favorite income justice levels movement san scene sounds spend sun teams asbestos laptops
unrealistic intercepted originals passports tyres tvs avoids shortened surname erased ikea
subscriptions iphones imitation stuffing succeeds cylinders texted cages approves encrypted
keywords quickest firefox counterfeit nudity ticks undone wallets forwarded glare noticeably
plumber dashboard licences gmail swapping spreadsheet typo punctuation huawei indexed securely
widen thumbnail batches folders knuckle suspensions clutter blocker gearbox tutoring frees indexing
ability announced calling coach collection continued definitely designed friday heavy knowledge
particularly train wow giveaways approvals blockers mastercard cancels cheques valuables outages qr
vaping verifying icloud silencing asterisk reverses abbreviations authorisation unsubscribe
diplomas expiring landline marlin postcode pushy picker unsupported paraphernalia watermark swiping
phishing reserving caf slimming disputing usernames searchable pirated statuses reloading throwaway
queued json renews refills collages motorbikes passcode overlays confirmations hyphen washable
mailboxes unblocked csv retry tasers landlines refunding resize crossbows prioritised fixable
counterfeits subcategories reinstalling clickable dusters shouldn overpayment reordering imei
plurals chargeback resizing lowball prams greyed unsubscribing kivik resubmissions author claim dad
developed fear generally german global goals gotta hotel interested judge lady leader named
opportunity pre product regular secretary sister stories unit workers annual anymore battle brain
degree families finished france growing hurt majority meant opinion physical pro seriously stupid
administration approach australian biggest cancer civil dance defense direction independent master
none russia ship weekend wonder worst africa awesome band beach commercial compared effort fan
fighting imagine impact lack learning multiple operation organization secret senior spring telling
wear activities analysis anyway calls christmas color commission competition direct dream easily
grand increased indian literally luck marriage necessary patients resources rich skin speaking
supposed sweet thus yesterday caught congress disease doctor doubt drink established facebook fish
germany glad greater grow largest overall planning professor programs sit trip associated basic
captain carry crime effective effects highly holding japan laws male mrs parties plant reality
smith texas winter worse advice award broken caused challenge christian comment eventually helped
holy lived nation peter primary rates shop sick teacher theory william agency catch cell coast
comments economy environment executive foot hall mass mission nine officers operations politics
produced ran therefore trial truly weather activity application claims coffee complex division
evening flight freedom heat highest interview library located putting queen showed sitting standing
stars walking channel distance eating fat finding glass learned northern opened placed powerful
prior religious ride robert royal serve species traffic tree vs wearing whom wonderful airport
begin benefits demand engine everybody famous ideas investment lie plays raised sad solution songs
sources southern square structure thomas traditional wind worry americans appeared bus cent chicago
critical digital forced fourth lake mental mentioned missed mostly mouth previously realize remain
score smart surface throw tom totally twitter wedding acting actions african arms benefit budget
estate faith feature fund generation hearing hill jack larger louis metal mid paris returned rose
seemed target understanding village agent animal basis becoming chris draw dude employees ex
foundation gain http individuals japanese leaders prime projects ring rise served silver soul
spread supply waste weird apparently artist chairman edition engineering grade happening healthy
institute mike monday nations obviously prison provides remains senate smaller somebody stone
strength wild winner bag bet camp cast ed extremely firm greatest indeed movies negative prevent
richard spirit television till trouble usa advantage aware cat customers dinner dollars eastern
fifth function helping herself impossible influence joe los marketing mary produce proud require
shooting shut standards tells thinks van wood birth bridge carried charles classes concept dear
dogs efforts host housing inc israel journal labor leadership lucky neither patient prove rare
skills tough units alive balance birthday boss dress easier fellow florida horse knowing liked
magic managed map net owned stick volume wake aid believed billion cells concerned criminal
cultural develop driver farm fly frank guide mexico presented raise responsibility roll slightly
surprise thoughts unique variety youth appreciate bigger discovered dont dry evil excited forever
henry injury iron lovely mad magazine martin models ordered parliament prepared reference sites
strategy teachers wine angeles arm audience bay blog closer core democratic dropped excellent
figures forms guard jones lee lies likes medicine nuclear port presence reaction reduce shoot solid
spanish sport stress taste tea victory afternoon assistant britain citizens classic electric
emergency entirely facts failure festival flat harry hello ill introduced johnson kick massive pair
pieces plane plenty prince proper providing regional scott shape sky teaching toward upper valley
watched willing windows zone advanced alternative anywhere articles awards bear boat bringing
climate communities discussion drinking duty fantastic feelings flying governor hundred industrial
joint mix museum path promise proposed rain spending steel steve supporting terrible tired vice
warm afraid arts beer border canadian command crew crowd dating elements enemy ensure environmental
forest intelligence intended labour moon ocean powers profit proof republican soldiers suit wins
appearance asian attorney behavior ben bodies brothers buildings chair creating debt domestic grew
historical homes honestly honor im jump launch native noted originally planned pm ray suddenly
supreme survey tech trees writer yellow younger ancient attacks communication connected ending
exercise flow formed girlfriend hero increasing joke loan officials performed planet relationships
restaurant scotland soft sugar suggested surprised taught transport affairs appropriate artists
boston ca drama entry era factor feed golden grant grown heads hoping lawyer legs lying measures ms
muslim organizations pool pulled regarding relations route schedule scientific smoke squad teach
testing tests values walked williams ya angry candidate comfortable concern developing discuss
elections emotional et facilities falling fox hole holiday internal ireland italian italy jersey
laugh leg liberal listening loves lunch max milk pack perform recorded relatively sector sharing
snow storm streets strike studio sub youtube actor apartment asia chain chapter committed
confidence cook cute equal focused hits journey korea maintain measure mm numerous owners posts
properties revealed specifically split task taxes taylor twenty urban acts aircraft applications
approximately argument arrested claimed conflict considering corporate debate determined
distribution escape extended factors fault flowers ladies lay lights millions mixed phase properly
pure reduced requirements residents revenue sam sat smile strange talent temperature thousand tony
troops truck votes ah basically besides bird blame bob bowl chicken context coverage determine
dying elected experienced false fired iii incredible inspired launched ma meat ministry neck novel
obvious passing positions scored shirt shots slowly stadium stores surgery trading tuesday vision
worried zero alex allowing begins champion cream crisis daniel estimated eu giant iran jail jim
kingdom literature mayor minor moments opposite orange ourselves remained selection serving stream
struggle suicide talked theme thursday tiny typically un unfortunately virginia voted voting walls
wave assembly breakfast bright brings capable carrying combination conservative customer cutting
desire destroyed finds granted guilty humans improved jewish largely laughing markets medium ohio
opportunities papers perfectly referred relevant seek solo spoke stands talks ticket unable upset
wing birds bomb creative cycle directed educational entertainment extreme facility holds info
mainly newspaper painting republic returns salt scared scottish shares territory threat wales
adults appointed armed aside assistance bell blow bond boyfriend circumstances communications
concerns controlled corporation cry deserve dollar dreams empty enjoyed faces folks instance kim
kinda mile motion nick pacific prize realized reasonable resolution rural ryan saving singing spain
universe wars wednesday admit attitude branch brazil conducted decades dedicated definition drawing
favor flag frame guest ha heaven independence institutions jackson kiss plot possibility represent
scenes seeking senator sentence teeth trained understood academic academy achieve adam afford
andrew assume bbc bottle bunch cheese chemical clinton competitive diet em favourite fruit index
lane mess navy occurred opposition parent permanent personally pleasure programme representative
scheme shift stood tank tend tight transportation ultimately unlike yard anybody assets basketball
candidates constitution counter creation crown crying dc defined depression drivers el employment
exclusive excuse expert golf hopefully identify importance kevin laid latter manufacturing mining
partners pattern performing personnel perspective pregnant premier revolution severe sleeping
suppose tournament turkey victim victims agents amazon arrest attend ban brilliant carbon catholic
circle concert declared depth deputy dirty doctors earned electronic existence experiences
expression factory headed joy jr legislation maintenance manner mate matt nearby noise pakistan
panel personality practices relief resistance retail rice roads roof shame ships somewhat staying
stronger surely writers absolute agencies baseball bible cable calm championship client constant da
degrees democrats doors driven dumb empire exciting expansion heavily incident irish michigan multi
nfl politicians quit significantly sing soviet weapon wet widely worldwide ages anniversary
attractive broad burn cake causing closely constantly contest deaths drawn francisco haha hardly
hat height hong invited loud manchester marine motor officially pc peak portion pounds
""".split()


if __name__ == "__main__":
    sys.exit(main())
