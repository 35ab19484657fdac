"""`flask kb check-links`: broken links and images in published content, stored and reported per article."""
import hashlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.authoring import links
from app.authoring.models import LinkProblem, Upload
from app.extensions import db
from app.kb import services
from app.kb.models import Article, Category, Redirect

TREE = """\
start: q
nodes:
  - id: q
    type: question
    text: "Which one? See [the guide](/articles/{link})."
    options:
      - label: A
        next: done
      - label: B
        next: help
  - id: done
    type: solution
    outcome: solved
    text: "Good. [Back to the start](#main)"
    articles: [{articles}]
  - id: help
    type: solution
    outcome: escalate
    text: Contact us.
"""


def _category(slug="help"):
    """The category with this slug, created when missing."""
    category = services.get_category(slug)
    if category is None:
        category = Category(slug=slug, title=slug.title())
        db.session.add(category)
    return category


def publish(slug, body, kind="article", publish_it=True, meta=None):
    """An article with one revision (published unless told otherwise), committed."""
    article = services.get_article(slug)
    if article is None:
        article = Article(slug=slug, kind=kind, category=_category())
        db.session.add(article)
    revision = services.add_revision(article, slug.replace("-", " ").title(), "", body, meta=meta)
    if publish_it:
        services.publish(article, revision)
    db.session.commit()
    return article


def found(report, slug):
    """[(url, element, problem)] the report lists for one article."""
    return report.problems.get(slug, [])


@pytest.fixture
def site(app, tmp_path):
    """A small help center: a target article with a heading, an old name of it, a media file and an upload."""
    media = tmp_path / "content" / "_media"
    media.mkdir(parents=True)
    (media / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    app.config["CONTENT_DIR"] = str(tmp_path / "content")
    with app.app_context():
        target = publish("target", "Intro.\n\n## Existing heading\n\nText.")
        db.session.add(Redirect(old_slug="old-target", article=target))
        db.session.add(Upload(key="abc123", filename="x.png", media_type="image/png", size=8,
                              sha256=hashlib.sha256(b"x").hexdigest(), data=b"x"))
        _category("empty")
        db.session.commit()
    return app


@pytest.mark.parametrize(("body", "expected"), [
    ("[guide](/articles/target)", []),
    ("[guide](/articles/nope)", [("/articles/nope", "link", "no published article at /articles/nope")]),
    ("[renamed](/articles/old-target)", []),
    ("[section](/articles/target#existing-heading)", []),
    ("[section](/articles/target#nowhere)",
     [("/articles/target#nowhere", "link", "no heading #nowhere on /articles/target")]),
    ("[as PDF](/articles/target.pdf)", []),
    ("[guide](target)", []),
    ("[guide](http://localhost:5000/articles/nope)",
     [("http://localhost:5000/articles/nope", "link", "no published article at /articles/nope")]),
    ("[help](/categories/help)", []),
    ("[topic](/categories/nope)", [("/categories/nope", "link", "no category at /categories/nope")]),
    ("[topic](/categories/empty)",
     [("/categories/empty", "link", "category has no published articles yet: /categories/empty")]),
    ("![pic](/media/pic.png)", []),
    ("![pic](/media/missing.png)", [("/media/missing.png", "image", "image not found: /media/missing.png")]),
    ("[video](/media/missing.mp4)", [("/media/missing.mp4", "link", "file not found: /media/missing.mp4")]),
    ("![upload](/uploads/abc123/x.png)", []),
    ("![upload](/uploads/abc123/renamed.png)", []),
    ("![upload](/uploads/zzz999/x.png)",
     [("/uploads/zzz999/x.png", "image", "image not found: /uploads/zzz999/x.png")]),
    ("![style](/static/css/app.css)", []),
    ("[style](/static/css/nope.css)", [("/static/css/nope.css", "link", "file not found: /static/css/nope.css")]),
    ("[up](#later)\n\n## Later", []),
    ("[skip to content](#main)", []),
    ("[up](#nowhere)", [("#nowhere", "link", "no heading #nowhere on this page")]),
    ("[faq](/faq) [search](/search?q=refund) [contact](/contact)", []),
    ("[odd](/no/such/page)", [("/no/such/page", "link", "no page at /no/such/page")]),
    ("[mail](mailto:help@example.com) [call](tel:+15551234)", []),
    ("[twice](/articles/nope) and [again](/articles/nope)",
     [("/articles/nope", "link", "no published article at /articles/nope")]),
])
def test_internal_links(site, body, expected):
    with site.app_context():
        publish("page", body)
        report = links.check_links()
    assert found(report, "page") == expected
    assert found(report, "target") == []


def test_problems_are_stored_with_the_revision_they_were_found_in(site):
    with site.app_context():
        page = publish("page", "[a](/articles/nope) ![b](/media/missing.png)")
        links.check_links()
        stored = links.article_problems(page.id)
        assert [(p.url, p.element, p.external, p.revision_id) for p in stored] == [
            ("/articles/nope", "link", False, page.published_revision_id),
            ("/media/missing.png", "image", False, page.published_revision_id),
        ]
        assert list(links.problems_by_article()) == [page.id]


def test_a_second_run_after_a_fix_clears_the_article(site):
    with site.app_context():
        page = publish("page", "[a](/articles/nope)")
        assert found(links.check_links(), "page")
        publish("page", "[a](/articles/target)")
        assert links.problems_by_article() == {}  # the old finding was about text no longer published
        report = links.check_links()
        assert found(report, "page") == []
        assert db.session.execute(select(LinkProblem)).scalars().all() == []
        assert links.article_problems(page.id) == []


def test_unpublished_articles_are_not_checked(site):
    with site.app_context():
        publish("draft", "[a](/articles/nope)", publish_it=False)
        report = links.check_links()
    assert report.problems == {}
    assert report.articles_checked == 1  # just the target


def test_a_link_to_an_unpublished_article_is_broken(site):
    with site.app_context():
        publish("draft", "Not yet.", publish_it=False)
        publish("page", "[soon](/articles/draft)")
        report = links.check_links()
    assert found(report, "page") == [("/articles/draft", "link", "no published article at /articles/draft")]


def test_tutorial_steps_and_prerequisites_are_checked(site):
    body = "Intro.\n\n## Open the app\n\nSee [step two](#step-2).\n\n## Post\n\n![shot](/media/nope.png)"
    with site.app_context():
        publish("tut", body, kind="tutorial", meta={"prerequisites": ["[An account](/articles/missing)"]})
        report = links.check_links()
    assert found(report, "tut") == [
        ("/articles/missing", "link", "no published article at /articles/missing"),
        ("/media/nope.png", "image", "image not found: /media/nope.png"),
    ]


def test_troubleshooter_node_text_and_solution_articles_are_checked(site):
    with site.app_context():
        publish("tree", TREE.format(link="nope", articles="target, old-target, gone"), kind="troubleshooter")
        publish("page", "[Try this](/troubleshoot/tree) [or this](/troubleshoot/nothing)")
        report = links.check_links()
    assert found(report, "tree") == [
        ("/articles/old-target", "link", "renamed: list “target” under articles of step “done”"),
        ("/articles/gone", "link", "no published article at /articles/gone (articles of step “done”)"),
        ("/articles/nope", "link", "no published article at /articles/nope"),
    ]
    assert found(report, "page") == [
        ("/troubleshoot/nothing", "link", "no published troubleshooter at /troubleshoot/nothing"),
    ]


def test_cli_lists_problems_per_article_and_fails(site):
    with site.app_context():
        publish("page", "[a](/articles/nope) [b](/articles/target) ![c](/media/missing.png)")
    result = site.test_cli_runner().invoke(args=["kb", "check-links"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "page: /articles/nope — no published article at /articles/nope",
        "page: /media/missing.png — image not found: /media/missing.png",
        "checked 2 articles, 3 links: 2 broken in 1 article",
    ]


def test_cli_exits_0_when_nothing_is_broken(site):
    with site.app_context():
        publish("page", "[b](/articles/target)")
    result = site.test_cli_runner().invoke(args=["kb", "check-links"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["checked 2 articles, 1 link: none broken"]


def test_bundled_content_has_no_broken_internal_links(synced_app):
    with synced_app.app_context():
        report = links.check_links()
    assert report.articles_checked > 40
    assert report.links_checked > 50
    assert report.problems == {}


# --- external links ----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """Other sites: /ok, /gone (404), /nohead (HEAD 405, GET 200), /moved (to /ok), /loop, /slow."""

    def _answer(self):
        self.server.hits.append((self.command, self.path))
        if self.path == "/slow":
            self.server.release.wait(10)  # the test lets it go at the end; the checker gave up long before
            return
        status, headers = {
            "/ok": (200, {}),
            "/gone": (404, {}),
            "/nohead": (405 if self.command == "HEAD" else 200, {}),
            "/moved": (301, {"Location": "/ok"}),
            "/loop": (302, {"Location": "/loop"}),
        }.get(self.path, (404, {}))
        self.send_response(status)
        for name, value in {"Content-Length": "0", **headers}.items():
            self.send_header(name, value)
        self.end_headers()

    do_HEAD = do_GET = _answer

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture
def web(monkeypatch):
    """A local web server standing in for other sites; yields its base URL and the server (for .hits)."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.hits = []
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join()


def _closed_port():
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_external_links_are_checked_only_with_external(site, web):
    base, server = web
    body = f"[a]({base}/ok) [b]({base}/gone) [c]({base}/nohead) [d]({base}/slow) [e]({base}/moved)"
    with site.app_context():
        publish("page", body)
        publish("other", f"[same]({base}/gone#part) [no one]({base.rsplit(':', 1)[0]}:{_closed_port()}/x)")
        internal_only = links.check_links()
        assert server.hits == []
        assert internal_only.problems == {}
        assert internal_only.links_checked == 0

        report = links.check_links(external=True, timeout=0.5)
    assert found(report, "page") == [
        (f"{base}/gone", "link", "HTTP 404"),
        (f"{base}/slow", "link", "timed out after 0.5 s"),
    ]
    (gone, refused) = found(report, "other")
    assert gone == (f"{base}/gone#part", "link", "HTTP 404")
    assert refused[2].startswith("could not connect: ")
    assert report.links_checked == 7
    # One request per address and method, even though /gone is linked twice; GET only where HEAD is refused.
    hits = sorted(server.hits)
    assert hits == sorted([("HEAD", "/ok"), ("HEAD", "/gone"), ("HEAD", "/nohead"), ("GET", "/nohead"),
                           ("HEAD", "/slow"), ("HEAD", "/moved"), ("HEAD", "/ok")])


def test_cli_external_options(site, web):
    base, _ = web
    with site.app_context():
        publish("page", f"[b]({base}/gone)")
    runner = site.test_cli_runner()
    result = runner.invoke(args=["kb", "check-links", "--external", "--timeout", "2", "--concurrency", "2"])
    assert result.exit_code == 1
    assert f"page: {base}/gone — HTTP 404" in result.stdout.splitlines()
    assert runner.invoke(args=["kb", "check-links", "--concurrency", "0"]).exit_code == 2


def test_external_findings_outlive_an_internal_run_while_the_text_is_unchanged(site, web):
    base, server = web
    with site.app_context():
        page = publish("page", f"[b]({base}/gone)")
        other = publish("other", f"[b]({base}/gone)")
        links.check_links(external=True)
        hits = len(server.hits)

        publish("other", "Rewritten without the link.")
        report = links.check_links()
        assert len(server.hits) == hits
        assert report.external_kept == 1
        assert report.problems == {}  # this run found nothing; the kept finding is still listed for the editor
        assert [p.problem for p in links.article_problems(page.id)] == ["HTTP 404"]
        assert links.article_problems(other.id) == []
        assert db.session.execute(select(LinkProblem.article_id)).scalars().all() == [page.id]

        publish("page", f"[b]({base}/ok)")
        links.check_links(external=True)
        assert links.problems_by_article() == {}


def test_check_url_words(web):
    base, _ = web
    assert links.check_url(f"{base}/ok", 2, "test") is None
    assert links.check_url(f"{base}/moved", 2, "test") is None
    assert links.check_url(f"{base}/gone", 2, "test") == "HTTP 404"
    assert links.check_url(f"{base}/loop", 2, "test") == "too many redirects"
