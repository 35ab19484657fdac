"""The bundled content/ is a real help center, and it round-trips through sync and export."""
import filecmp
import re
from collections import Counter

import pytest

from app.kb import services
from app.kb.sync import export_directory, read_directory, sync_directory
from tests.helpers import BOTH_BACKENDS, CONTENT_DIR

REQUIRED_CATEGORIES = {"Account & profile", "Posting ads", "Ad review & removal", "Payments & billing",
                       "Troubleshooting", "Policies & safety"}


def test_default_content_parses_cleanly_and_is_big_enough():
    plan = read_directory(CONTENT_DIR)
    kinds = Counter(spec.kind for spec in plan.articles)

    assert plan.failed == []
    assert kinds["article"] >= 30 and kinds["faq"] >= 12
    assert REQUIRED_CATEGORIES <= {c.title for c in plan.categories}


def test_every_internal_link_in_the_default_content_points_to_an_article():
    plan = read_directory(CONTENT_DIR)
    slugs = {spec.slug for spec in plan.articles}

    for spec in plan.articles:
        for target in re.findall(r"\(/articles/([a-z0-9-]+)", spec.body):
            assert target in slugs, f"{spec.path} links to missing article {target!r}"


@BOTH_BACKENDS
def test_sync_export_sync_changes_nothing(ctx, tmp_path):
    sync_directory(CONTENT_DIR)
    export_directory(tmp_path / "out")

    report = sync_directory(tmp_path / "out")

    assert report.created == report.updated == report.failed == []
    assert len(report.unchanged) == len(read_directory(CONTENT_DIR).articles)


def test_export_writes_the_same_files_twice(ctx, tmp_path):
    sync_directory(CONTENT_DIR)
    export_directory(tmp_path / "one")
    sync_directory(tmp_path / "one")
    export_directory(tmp_path / "two")

    comparison = filecmp.dircmp(tmp_path / "one", tmp_path / "two")
    assert comparison.diff_files == [] and comparison.left_only == [] and comparison.right_only == []
    for sub in comparison.subdirs.values():
        assert sub.diff_files == [] and sub.left_only == [] and sub.right_only == []


def test_export_keeps_metadata_and_redirects(ctx, tmp_path):
    from tests.helpers import article_file, write

    write(tmp_path / "in", "billing/_category.yml", "title: Billing\ndescription: Money.\nicon: card\nposition: 4\n")
    write(tmp_path / "in", "billing/refunds.md",
          article_file("Refunds", "Body.", summary="About refunds.", tags=["refunds"], position=2, redirect_from=["money-back"]))
    write(tmp_path / "in", "billing/plan.md", article_file("Plan", "Draft body.", status="draft"))
    sync_directory(tmp_path / "in")

    export_directory(tmp_path / "out")

    exported = (tmp_path / "out/billing/refunds.md").read_text()
    assert exported.startswith("---\ntitle: Refunds\nsummary: About refunds.\nkind: article\n")
    assert "tags: [refunds]\nposition: 2\nstatus: published\nredirect_from: [money-back]\n---\nBody.\n" in exported
    assert "status: draft" in (tmp_path / "out/billing/plan.md").read_text()
    assert "icon: card" in (tmp_path / "out/billing/_category.yml").read_text()


@pytest.mark.parametrize("url", ["/", "/faq", "/categories/payments-and-billing", "/articles/payment-failed",
                                 "/articles/why-was-my-ad-rejected", "/sitemap.xml"])
def test_default_help_center_pages_render(client, synced_app, url):
    assert client.get(url).status_code == 200


def test_every_default_article_page_renders(client, synced_app):
    with synced_app.app_context():
        slugs = [a.slug for a in services.sitemap_articles()]
    assert len(slugs) >= 42
    for slug in slugs:
        assert client.get(f"/articles/{slug}", follow_redirects=True).status_code == 200, slug
