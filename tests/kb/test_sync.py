"""`flask kb sync`: create, update, unchanged, redirects, bad files, foreign folders."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.kb import services
from app.kb.content_files import is_content_file
from app.kb.models import Article, Category, Redirect, Revision
from app.kb.page_cache import current_content_version
from app.kb.sync import sync_directory
from tests.helpers import BOTH_BACKENDS, CONTENT_DIR, article_file, write


def revision_count(slug):
    article = services.get_article(slug)
    return db.session.execute(select(func.count()).where(Revision.article_id == article.id)).scalar_one()


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "content"
    write(root, "billing/_category.yml", "title: Billing & payments\ndescription: Money matters.\nicon: card\nposition: 2\n")
    write(root, "billing/refunds.md", article_file("Get a refund", "## When\n\nWithin 14 days.", summary="How refunds work.",
                                                   tags=["refunds", "payments"], position=1))
    write(root, "billing/charged-twice.md", article_file("Charged twice?", "Usually a hold.", kind="faq", tags=["payments"]))
    write(root, "account/login.md", article_file("Log in", "Use your e-mail.", tags=["login"]))
    return root


@BOTH_BACKENDS
def test_first_sync_creates_categories_articles_and_published_revisions(ctx, folder):
    report = sync_directory(folder)

    assert sorted(report.created) == ["charged-twice", "login", "refunds"]
    assert report.failed == []
    refunds = services.get_public_article("refunds")
    assert refunds.published_revision.title == "Get a refund"
    assert refunds.published_revision.summary == "How refunds work."
    assert refunds.category.title == "Billing & payments" and refunds.category.icon == "card"
    assert [t.name for t in refunds.tags] == ["payments", "refunds"]
    assert services.get_article("charged-twice").kind == "faq"
    assert services.get_category("account").title == "Account"  # no _category.yml: from the folder name


@BOTH_BACKENDS
def test_second_sync_reports_unchanged_and_writes_nothing(ctx, folder):
    sync_directory(folder)
    version = current_content_version()

    report = sync_directory(folder)

    assert sorted(report.unchanged) == ["charged-twice", "login", "refunds"]
    assert report.created == report.updated == []
    assert revision_count("refunds") == 1
    assert current_content_version() == version


@BOTH_BACKENDS
def test_changed_text_adds_a_revision_and_keeps_the_old_one(ctx, folder):
    sync_directory(folder)
    write(folder, "billing/refunds.md", article_file("Get a refund", "## When\n\nWithin 30 days now.", summary="How refunds work.",
                                                     tags=["refunds", "payments"], position=1))

    report = sync_directory(folder)

    assert report.updated == ["refunds"]
    assert revision_count("refunds") == 2
    article = services.get_public_article("refunds")
    assert "30 days" in article.published_revision.body
    assert article.published_revision is article.current_revision


def test_metadata_change_updates_without_a_new_revision(ctx, folder):
    sync_directory(folder)
    write(folder, "account/login.md", article_file("Log in", "Use your e-mail.", tags=["login", "password"], position=7))

    report = sync_directory(folder)

    assert report.updated == ["login"]
    article = services.get_article("login")
    assert article.position == 7 and [t.name for t in article.tags] == ["login", "password"]
    assert revision_count("login") == 1


def test_draft_status_in_file_hides_a_published_article(ctx, folder):
    sync_directory(folder)
    write(folder, "account/login.md", article_file("Log in", "Use your e-mail.", tags=["login"], status="draft"))

    sync_directory(folder)

    assert services.get_public_article("login") is None
    assert services.get_article("login").status == "draft"


@BOTH_BACKENDS
def test_redirect_from_records_redirects(ctx, folder):
    write(folder, "account/login.md", article_file("Log in", "Use your e-mail.", redirect_from=["sign-in", "/old/logging-in/"]))

    sync_directory(folder)

    assert services.resolve_redirect("sign-in").slug == "login"
    assert services.resolve_redirect("logging-in").slug == "login"


def test_renamed_file_with_redirect_from_keeps_the_article_and_its_history(ctx, folder):
    sync_directory(folder)
    original_id = services.get_article("login").id
    (folder / "account/login.md").unlink()
    write(folder, "account/sign-in.md", article_file("Sign in", "Use your e-mail.", tags=["login"], redirect_from=["login"]))

    report = sync_directory(folder)

    assert report.updated == ["sign-in"] and report.created == []
    renamed = services.get_article("sign-in")
    assert renamed.id == original_id
    assert revision_count("sign-in") == 2
    assert services.get_article("login") is None
    assert services.resolve_redirect("login").id == original_id


BAD_FILES = [
    ("bad YAML", b"---\ntitle: [unclosed\n---\nBody\n", "bad YAML in front matter at line"),
    ("not UTF-8", b"---\ntitle: Caf\xe9\n---\nBody\n", "not UTF-8 text"),
    ("front matter is a list", b"---\n- a\n- b\n---\nBody\n", "front matter must be a mapping"),
    ("unknown kind", b"---\ntitle: X\nkind: recipe\n---\nBody\n", "unknown kind 'recipe'"),
    ("unknown status", b"---\ntitle: X\nstatus: secret\n---\nBody\n", "unknown status 'secret'"),
    ("position not a number", b"---\ntitle: X\nposition: first\n---\nBody\n", "position must be a whole number"),
    ("tags not a list", b"---\ntitle: X\ntags: {a: 1}\n---\nBody\n", "tags must be a list of words"),
]


@pytest.mark.parametrize("case, content, reason", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_reported_with_path_and_reason_and_the_rest_is_imported(runner, folder, case, content, reason):
    (folder / "billing/broken.md").write_bytes(content)

    result = runner.invoke(args=["kb", "sync", str(folder)])

    assert result.exit_code == 1
    assert f"failed: billing/broken.md: {reason}" in result.output
    assert "created: 3, updated: 0, unchanged: 0, failed: 1" in result.output
    with runner.app.app_context():
        assert services.get_public_article("refunds") is not None
        assert services.get_article("broken") is None


def test_duplicate_slug_in_two_folders_is_reported(runner, folder):
    write(folder, "account/refunds.md", article_file("Refunds again"))

    result = runner.invoke(args=["kb", "sync", str(folder)])

    assert result.exit_code == 1
    assert "failed: billing/refunds.md: duplicate slug 'refunds' (already used by account/refunds.md)" in result.output


def test_bad_category_file_is_reported_and_the_folder_still_imports(runner, folder):
    write(folder, "account/_category.yml", "title: [oops\n")

    result = runner.invoke(args=["kb", "sync", str(folder)])

    assert result.exit_code == 1
    assert "failed: account/_category.yml: bad YAML in _category.yml" in result.output
    with runner.app.app_context():
        assert services.get_public_article("login").category.slug == "account"


def test_cli_prints_summary_and_exits_zero_on_success(runner, folder):
    result = runner.invoke(args=["kb", "sync", str(folder)])

    assert result.exit_code == 0, result.output
    assert "created: 3, updated: 0, unchanged: 0, failed: 0" in result.output


def test_sync_without_argument_imports_the_bundled_content(runner):
    result = runner.invoke(args=["kb", "sync"])

    assert result.exit_code == 0, result.output
    files = [p for p in CONTENT_DIR.rglob("*") if is_content_file(p) and not p.name.startswith("_")
             and "_media" not in p.parts]
    with runner.app.app_context():
        assert db.session.execute(select(func.count(Article.id))).scalar_one() == len(files)


def test_foreign_folder_imports_without_preparation(ctx, tmp_path):
    root = tmp_path / "docs"
    write(root, "Getting Started.md", """
        ---
        layout: page
        description: First steps for new users.
        nav_order: 3
        permalink: /start/
        ---
        # Welcome aboard

        Use {% include note.html %} and {{ site.baseurl }} freely.
        """)
    write(root, "guides/deep/Upload Photos.markdown", "No front matter at all.\n")
    write(root, "guides/install/index.md", "---\ntitle: Installing\ndraft: true\naliases: [/setup/]\n---\nSteps.\n")
    write(root, ".git/config.md", "ignored")
    write(root, "_includes/note.md", "ignored")

    report = sync_directory(root)

    assert report.failed == []
    assert sorted(report.created) == ["getting-started", "install", "upload-photos"]
    start = services.get_public_article("getting-started")
    revision = start.published_revision
    assert revision.title == "Welcome aboard"  # first heading becomes the title...
    assert not revision.body.startswith("#")  # ...and is not repeated in the body
    assert revision.summary == "First steps for new users."
    assert start.position == 3
    assert start.category.slug == "general"
    assert "{% include note.html %}" in revision.body  # template tags are text, never executed
    upload = services.get_public_article("upload-photos")
    assert upload.published_revision.title == "Upload Photos"
    assert upload.category.slug == "guides-deep" and upload.category.parent.slug == "guides"
    install = services.get_article("install")
    assert install.status == "draft" and services.resolve_redirect("setup") is install
    assert db.session.execute(select(Category).filter_by(slug="includes")).scalar_one_or_none() is None


def test_template_tags_in_imported_text_render_as_text(client, app, tmp_path):
    root = tmp_path / "c"
    write(root, "general/tags.md", article_file("Tags", "Hello {{ 7*7 }} and {% if true %}yes{% endif %}"))
    with app.app_context():
        sync_directory(root)

    page = client.get("/articles/tags").get_data(as_text=True)

    assert "{{ 7*7 }}" in page and "{% if true %}yes{% endif %}" in page
    assert "49" not in page.split('class="prose"')[1].split("</div>")[0]


def test_redirect_is_dropped_when_a_new_article_takes_its_slug(ctx, folder):
    write(folder, "account/login.md", article_file("Log in", "x", redirect_from=["signin"]))
    sync_directory(folder)
    (folder / "account/login.md").write_text(article_file("Log in", "x"))
    write(folder, "account/signin.md", article_file("Sign in (new)", "y"))

    sync_directory(folder)

    assert services.get_article("signin").current_revision.title == "Sign in (new)"
    assert db.session.execute(select(Redirect).filter_by(old_slug="signin")).scalar_one_or_none() is None
