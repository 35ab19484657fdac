"""Helpers every benchmark script shares: progress lines, percentiles, a clean environment, the machine line."""
import math
import os
import platform
import sqlite3
from pathlib import Path

IGNORED_ENV = ("DATABASE_URL",)


def log(message):
    """A progress line, shown at once."""
    print(message, flush=True)


def percentile(values, pct):
    """Nearest-rank percentile (NaN for no values)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(1, math.ceil(pct / 100.0 * len(ordered))) - 1]


def clean_environment():
    """Drop TIER0_* and DATABASE_URL from this process (and what it starts), so the defaults are measured;
    the names dropped."""
    dropped = sorted(k for k in os.environ if k.startswith("TIER0_") or k in IGNORED_ENV)
    for key in dropped:
        del os.environ[key]
    return dropped


def machine(extra=""):
    """"2 cores, 24 GiB, CPython 3.11.7, SQLite 3.40.1" (``extra`` goes before SQLite)."""
    mem = ""
    try:
        mem = f", {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    return (f"{os.cpu_count()} cores{mem}, {platform.python_implementation()} {platform.python_version()}, "
            f"{extra + ', ' if extra else ''}SQLite {sqlite3.sqlite_version}")


def load_average():
    """The 1-minute load average (other work on the machine moves every figure), or "n/a"."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (OSError, AttributeError):
        return "n/a"


def verdict(ok):
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def write_report(text, output, root):
    """Write the Markdown report to ``output`` (making its folder) and say where, relative to ``root`` when inside."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    try:
        shown = output.resolve().relative_to(root)
    except ValueError:
        shown = output
    print(f"written to {shown}")
