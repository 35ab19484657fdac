"""Link hygiene: find broken links and images in published content (`flask kb check-links`)."""
import http.client
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from flask import current_app
from sqlalchemy import delete, select
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import RequestRedirect

from app.authoring.models import LinkCheckRun, LinkProblem, Upload
from app.core.markdown import render_markdown
from app.extensions import db
from app.kb import services as kb_services
from app.kb.models import Article, utcnow
from app.kb.tutorials import render_tutorial, tutorial_facts
from app.troubleshoot.services import tree_of
from app.troubleshoot.tree import TreeError

# Ids the page layout gives every page around the body, so "#main" is a fine link (see app/templates/base.html,
# kb/article.html, kb/tutorial.html, troubleshoot/player.html).
LAYOUT_IDS = frozenset({"main", "header-q", "article-title"})
TUTORIAL_IDS = frozenset({"steps-title", "steps-title-inline"})
PLAYER_IDS = frozenset({"main", "header-q", "article-title", "tree-player", "tree-trail-title", "tree-node-title"})
SKIPPED_SCHEMES = {"mailto", "tel"}
WEB_SCHEMES = {"http", "https"}
MAX_REDIRECTS = 5
# The views that serve files: asked directly, so the check resolves paths exactly as a reader's request would.
FILE_ENDPOINTS = {"kb.media"}
ARTICLE_ENDPOINTS = {"kb.article", "pdf.article"}
TUTORIAL_ENDPOINTS = {"kb.tutorial_summary", "pdf.tutorial_summary"}
CATEGORY_ENDPOINTS = {"kb.category", "pdf.category"}


@dataclass
class LinkReport:
    """What one run found: problems maps an article slug to [(url, element, problem)]."""

    articles_checked: int = 0
    links_checked: int = 0
    problems: dict = field(default_factory=dict)
    external_kept: int = 0  # earlier external findings kept because this run did not check external links

    @property
    def broken(self):
        """Number of broken links and images found in this run."""
        return sum(len(found) for found in self.problems.values())

    def summary(self):
        """One line: "checked 62 articles, 340 links: 3 broken in 2 articles"."""
        checked = f"checked {_count(self.articles_checked, 'article')}, {_count(self.links_checked, 'link')}"
        if not self.broken:
            return f"{checked}: none broken"
        return f"{checked}: {self.broken} broken in {_count(len(self.problems), 'article')}"


def _count(number, noun):
    """"1 article", "2 articles"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


# --- reading pages ----------------------------------------------------------------------------


class _LinkParser(HTMLParser):
    """Collects link targets, image sources and element ids of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []  # (url, element)
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        """Note the tag's id and the address it points to, if any."""
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href") is not None:
            self.links.append((attrs["href"], "link"))
        elif tag == "img" and attrs.get("src") is not None:
            self.links.append((attrs["src"], "image"))
        elif tag in ("source", "track") and attrs.get("src") is not None:  # self-hosted videos and captions
            self.links.append((attrs["src"], "link"))


def parse_html(html):
    """([(url, element)], {ids}) of an HTML fragment."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.links, parser.ids


@dataclass
class _Found:
    """A link as written on one page, with what is needed to judge it."""

    url: str
    element: str
    base: str  # the page's path: relative links resolve against it
    ids: frozenset  # ids on that page, for "#fragment" links


@dataclass
class _ArticleLinks:
    """Everything one published article shows: its links, its page ids, and problems found while reading it."""

    article_id: int
    slug: str
    revision_id: int
    found: list = field(default_factory=list)
    ids: frozenset | None = None  # None: the page has no fixed ids (a troubleshooter's steps)
    problems: list = field(default_factory=list)  # (url, element, problem) known without following a link


def _read_page(into, base, html, extra_ids):
    """Add the links of one rendered page to ``into``; returns the page's ids."""
    links, ids = parse_html(html)
    ids = frozenset(ids | extra_ids)
    into.found.extend(_Found(url, element, base, ids) for url, element in links)
    return ids


def read_article(article, revision):
    """The links of a published revision, rendered the way its public page renders it."""
    result = _ArticleLinks(article.id, article.slug, revision.id)
    base = f"/articles/{article.slug}"
    if article.kind == "tutorial":
        tutorial = render_tutorial(revision.body, revision.title)
        facts = tutorial_facts(revision.meta)
        step_ids = {f"{step.anchor}{suffix}" for step in tutorial.steps for suffix in ("", "-title", "-count")}
        html = "\n".join([str(tutorial.intro), *(str(p) for p in facts.prerequisites),
                          *(f"{step.title}\n{step.html}" for step in tutorial.steps)])
        result.ids = _read_page(result, base, html, LAYOUT_IDS | TUTORIAL_IDS | step_ids)
    elif article.kind == "troubleshooter":
        _read_tree(result, article, revision)
    else:
        result.ids = _read_page(result, base, render_markdown(revision.body).html, LAYOUT_IDS)
    return result


def _read_tree(result, article, revision):
    """Each node's text is a page of its own; a solution's articles must be public under the name written."""
    try:
        tree = tree_of(revision)
    except TreeError:  # publishing checks the tree; one that no longer parses has no links to judge
        return
    base = f"/troubleshoot/{article.slug}"
    for node in tree.nodes.values():
        _read_page(result, base, render_markdown(node.text).html, PLAYER_IDS)
        for slug in node.articles:
            # The player lists solution articles by their exact slug and skips the rest, renamed ones included.
            if kb_services.get_public_article(slug) is not None:
                continue
            url = f"/articles/{slug}"
            moved = kb_services.resolve_redirect(slug)
            if moved is not None and moved.is_public:
                problem = f"renamed: list “{moved.slug}” under articles of step “{node.id}”"
            else:
                problem = f"no published article at {url} (articles of step “{node.id}”)"
            result.problems.append((url, "link", problem))


# --- judging links ----------------------------------------------------------------------------


def _own_hosts(config):
    """Host names that mean this site in an absolute link."""
    hosts = {urlsplit(config.get("PUBLIC_URL") or "").netloc.lower()}
    if config.get("SERVER_NAME"):
        hosts.add(config["SERVER_NAME"].lower())
    return hosts - {""}


def classify(url, base, own_hosts):
    """("skip" | "internal" | "external", target): target is the resolved site URL or the web address."""
    url = url.strip()
    if not url:
        return "skip", None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return "internal", None
    scheme = parts.scheme.lower()
    if scheme in SKIPPED_SCHEMES or (scheme and scheme not in WEB_SCHEMES):
        return "skip", None
    if parts.netloc and parts.netloc.lower() not in own_hosts:
        # The fragment never reaches the server, so one check covers every #part of a page.
        return "external", urlunsplit((scheme or "https", parts.netloc, parts.path, parts.query, ""))
    if parts.netloc:  # our own host written out in full
        return "internal", urlsplit(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))
    return "internal", urlsplit(urljoin(base, url))


class _InternalChecker:
    """Judges site links against the database, the files and the app's routes; remembers answers for one run."""

    def __init__(self, app, page_ids):
        self.app = app
        self.page_ids = page_ids  # {slug: ids of its page} for every public article read in this run
        self.adapter = app.url_map.bind("localhost")
        self.answers = {}

    def problem(self, found, target):
        """What is wrong with one internal link, in a writer's words, or None."""
        if target is None:
            return "not a valid address"
        path = unquote(target.path) or found.base
        if path == found.base and not target.query:  # this very page
            if target.fragment and target.fragment not in found.ids:
                return f"no heading #{target.fragment} on this page"
            return None
        key = (path, target.fragment, found.element)
        if key not in self.answers:
            problem = self._path_problem(path, unquote(target.fragment))
            if problem and found.element == "image":
                problem = f"image not found: {path}"
            self.answers[key] = problem
        return self.answers[key]

    def _path_problem(self, path, fragment, redirects=0):
        """What is wrong with a site path (and a #fragment on an article), or None."""
        if path.startswith("/uploads/"):  # matched before the routes: the upload view may be registered later
            key = path.split("/")[2]
            exists = db.session.execute(select(Upload.id).filter_by(key=key)).first() is not None
            return None if exists else f"file not found: {path}"
        try:
            endpoint, args = self.adapter.match(path, method="GET")
        except RequestRedirect as moved:  # e.g. a missing trailing slash
            if redirects >= MAX_REDIRECTS:
                return f"no page at {path}"
            return self._path_problem(unquote(urlsplit(moved.new_url).path), fragment, redirects + 1)
        except HTTPException:  # NotFound, or a route that only takes POST
            return f"no page at {path}"
        if endpoint in ARTICLE_ENDPOINTS:
            return self._article_problem(args["slug"], path, fragment if endpoint == "kb.article" else "")
        if endpoint in TUTORIAL_ENDPOINTS:
            found, _, _ = kb_services.find_readable(args["slug"], staff=False, kind="tutorial")
            return None if found is not None and found.kind == "tutorial" else f"no published tutorial at {path}"
        if endpoint == "troubleshoot.start":
            found, _, _ = kb_services.find_readable(args["slug"], staff=False, kind="troubleshooter")
            ok = found is not None and found.kind == "troubleshooter"
            return None if ok else f"no published troubleshooter at {path}"
        if endpoint in CATEGORY_ENDPOINTS:
            return self._category_problem(args["slug"], path)
        if endpoint in FILE_ENDPOINTS or endpoint == "static" or endpoint.endswith(".static"):
            return None if self._file_exists(path, endpoint, args) else f"file not found: {path}"
        return None

    def _article_problem(self, slug, path, fragment):
        """An article link is fine when the slug (or an old name of it) is a public article with that heading."""
        found, _, _ = kb_services.find_readable(slug, staff=False)
        if found is None:
            return f"no published article at {path}"
        ids = self.page_ids.get(found.slug)
        if fragment and ids is not None and fragment not in ids:
            return f"no heading #{fragment} on /articles/{found.slug}"
        return None

    def _category_problem(self, slug, path):
        """A category page exists only while it (or a subcategory) has public articles."""
        category = kb_services.get_category(slug)
        if category is None:
            return f"no category at {path}"
        counts = kb_services.public_counts_by_category()
        if not (counts.get(category.id) or any(counts.get(child.id) for child in category.children)):
            return f"category has no published articles yet: {path}"
        return None

    def _file_exists(self, path, endpoint, args):
        """Ask the view that serves the file, in a request of its own, whether it finds it."""
        view = self.app.view_functions[endpoint]
        with self.app.test_request_context(path):
            try:
                response = view(**args)
            except NotFound:
                return False
            response.close()  # send_from_directory opened the file
        return response.status_code < 400


# --- external links ---------------------------------------------------------------------------


class _FewRedirects(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects; past that urllib raises an HTTPError with the 3xx code."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        """The next request, still a HEAD when the first was (Python before 3.12 turns it into a GET)."""
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and req.get_method() == "HEAD":
            new.method = "HEAD"
        return new


def check_url(url, timeout, user_agent):
    """The problem with a web address ("HTTP 404", "timed out after 10 s", ...) or None when it loads.

    Plain values in and out: this runs in worker threads, away from the app and its database session.
    """
    opener = urllib.request.build_opener(_FewRedirects)
    for method in ("HEAD", "GET"):  # HEAD spares the page; some servers only answer GET
        request = urllib.request.Request(url, method=method, headers={"User-Agent": user_agent, "Accept": "*/*"})
        try:
            with opener.open(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            error.close()
            if method == "HEAD" and error.code in (405, 501):
                continue
            return "too many redirects" if 300 <= error.code < 400 else f"HTTP {error.code}"
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                return f"timed out after {timeout:g} s"
            reason = error.reason
            return f"could not connect: {getattr(reason, 'strerror', None) or reason}"
        except TimeoutError:
            return f"timed out after {timeout:g} s"
        except (OSError, http.client.HTTPException, ValueError) as error:
            return f"could not connect: {error}"
        return f"HTTP {status}" if status >= 400 else None
    return None


def _no_progress(items, length, label):
    """Default progress: none."""
    return items


def _check_external(urls, timeout, concurrency, user_agent, progress):
    """{url: problem or None}, each URL checked once, at most ``concurrency`` at a time."""
    results = {}
    if not urls:
        return results
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = {pool.submit(check_url, url, timeout, user_agent): url for url in sorted(urls)}
        for future in progress(as_completed(futures), len(futures), "Checking external links"):
            results[futures[future]] = future.result()
    return results


# --- the run ----------------------------------------------------------------------------------


def check_links(external=False, timeout=None, concurrency=None, progress=None):
    """Check every link and image in published content, store what is broken, and return a LinkReport.

    ``progress(items, length, label)`` may wrap the iterables the run walks through (for a progress bar).
    """
    app = current_app._get_current_object()
    config = app.config
    timeout = timeout or config["LINK_CHECK_TIMEOUT"]
    concurrency = concurrency or config["LINK_CHECK_CONCURRENCY"]
    progress = progress or _no_progress
    own_hosts = _own_hosts(config)

    articles = db.session.execute(kb_services.public_articles().order_by(Article.slug)).scalars().all()
    pages = [read_article(article, article.published_revision)
             for article in progress(articles, len(articles), "Reading articles")]
    checker = _InternalChecker(app, {page.slug: page.ids for page in pages if page.ids is not None})

    report = LinkReport(articles_checked=len(pages))
    rows = []  # (page, url, element, external, problem)
    waiting = []  # (page, url, element, address) to fill in once the web answered
    for page in pages:
        seen = set()
        for url, element, problem in page.problems:
            rows.append((page, url, element, False, problem))
        for found in page.found:
            if (found.url, found.element) in seen:
                continue
            seen.add((found.url, found.element))
            kind, target = classify(found.url, found.base, own_hosts)
            if kind == "skip" or (kind == "external" and not external):
                continue
            report.links_checked += 1
            if kind == "external":
                waiting.append((page, found.url, found.element, target))
                continue
            problem = checker.problem(found, target)
            if problem:
                rows.append((page, found.url, found.element, False, problem))
    published = {page.article_id: page.revision_id for page in pages}
    # End the read transaction before the slow part: a long-open SQLite snapshot would block the write below.
    db.session.commit()

    answers = _check_external({address for *_, address in waiting}, timeout, concurrency,
                              config["LINK_CHECK_USER_AGENT"], progress)
    for page, url, element, address in waiting:
        if answers.get(address):
            rows.append((page, url, element, True, answers[address]))

    report.external_kept = _store(rows, published, external, report)
    for page, url, element, _, problem in rows:
        report.problems.setdefault(page.slug, []).append((url, element, problem))
    return report


def _store(rows, published, external, report):
    """Replace the stored findings with this run's in one transaction; returns how many external ones were kept."""
    db.session.execute(delete(LinkProblem).where(LinkProblem.external.is_(False)))
    kept = 0
    if external:
        db.session.execute(delete(LinkProblem).where(LinkProblem.external.is_(True)))
    else:
        # External findings stay true while the text they were found in is still the published one.
        for old in db.session.execute(select(LinkProblem).where(LinkProblem.external.is_(True))).scalars():
            if published.get(old.article_id) == old.revision_id:
                kept += 1
            else:
                db.session.delete(old)
    now = utcnow()
    db.session.add_all(
        LinkProblem(article_id=page.article_id, revision_id=page.revision_id, url=url[:2000], element=element,
                    external=is_external, problem=problem[:300], checked_at=now)
        for page, url, element, is_external, problem in rows
    )
    db.session.add(LinkCheckRun(finished_at=now, articles=report.articles_checked, links=report.links_checked,
                                broken=len(rows), external=external))
    db.session.commit()
    return kept


# --- reading findings -------------------------------------------------------------------------


def _current_problems():
    """SELECT of stored findings still about the article's published text (older ones wait for the next run)."""
    return (
        select(LinkProblem)
        .join(Article, Article.id == LinkProblem.article_id)
        .where(LinkProblem.revision_id == Article.published_revision_id)
        .order_by(LinkProblem.article_id, LinkProblem.external, LinkProblem.id)
    )


def last_run():
    """The newest `flask kb check-links` run, or None when links were never checked."""
    return db.session.execute(select(LinkCheckRun).order_by(LinkCheckRun.id.desc()).limit(1)).scalar_one_or_none()


def problems_by_article():
    """{article_id: [LinkProblem]} for every article whose published text has broken links."""
    grouped = {}
    for problem in db.session.execute(_current_problems()).scalars():
        grouped.setdefault(problem.article_id, []).append(problem)
    return grouped


def article_problems(article_id):
    """The broken links found in the published text of one article."""
    return list(db.session.execute(_current_problems().where(LinkProblem.article_id == article_id)).scalars())
