"""Tutorials as a reader sees them: numbered steps, safe video facades, a one-page summary and its PDF, /media."""
import re

import pytest
from werkzeug.http import parse_options_header

from app.pdf import services as pdf_services
from app.kb.sync import sync_directory
from app.kb.tutorials import parse_video_block, render_tutorial, render_video, split_steps, tutorial_facts
from tests.helpers import article_file, login, write

TUTORIAL = """\
---
title: Renew an ad
kind: tutorial
summary: Keep an ad online for another 30 days.
time: 5 minutes
difficulty: beginner
prerequisites:
  - "A Bazaarly account ([create one](/articles/create-an-account))"
  - An ad that expires within **7 days**
tags: [ads]
redirect_from: [renew-your-ad]
---
Ads expire after 30 days. Renewing is free.

## Open *My ads*

Go to **My ads** in the menu.

![The My ads page](/media/tutorials/renew-my-ads.svg)

```video
url: https://youtu.be/dQw4w9WgXcQ
title: Renewing in 30 seconds
transcript: |
  Open **My ads**, then press *Renew*.
```

## Press Renew

- Find the ad.
- Press **Renew**.

```bash
## this is not a step
renew --ad 42
```

## Check the new date

The new end date shows under the ad.
"""

SHORTHAND_YOUTUBE = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"


@pytest.fixture
def site(app, tmp_path):
    root = tmp_path / "content"
    write(root, "posting-ads/_category.yml", "title: Posting ads\nposition: 1\n")
    write(root, "posting-ads/renew-an-ad.md", TUTORIAL)
    write(root, "posting-ads/pricing.md", article_file("Ad prices", "Free for private sellers.", position=2))
    write(root, "posting-ads/draft-tutorial.md", article_file("Secret tutorial", "## One\n\nHidden.", kind="tutorial",
                                                              status="draft"))
    with app.app_context():
        report = sync_directory(root)
        assert not report.failed, report.failed
    return root


@pytest.fixture
def media(app, tmp_path):
    """A content folder with a few media files (CONTENT_DIR points at it)."""
    root = tmp_path / "media-content"
    (root / "_media" / "tutorials").mkdir(parents=True)
    (root / "_media" / "tutorials" / "step.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (root / "_media" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    (root / "_media" / "notes.html").write_text("<script>alert(1)</script>")
    (root / "_media" / ".hidden.png").write_bytes(b"x")
    (root / "secret.png").write_bytes(b"outside the media folder")
    app.config["CONTENT_DIR"] = str(root)
    return root


def text(response):
    return response.get_data(as_text=True)


# --- steps ------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, intro, titles", [
    ("Intro.\n\n## One\n\nA.\n\n## Two\n\nB.", "Intro.", ["One", "Two"]),
    ("## One\n\nA.\n\n### Detail\n\nStill one.\n\n## Two\n\nB.", "", ["One", "Two"]),
    ("## One\n\n```\n## not a step\n```\n\n## Two", "", ["One", "Two"]),
    ("## One\n\n~~~markdown\n## not a step\n~~~\n\n## Two", "", ["One", "Two"]),
    ("## One\n\n````\n```\n## not a step\n```\n````\n\n## Two", "", ["One", "Two"]),
    ("## One ##\n\nA.\n\n##Two\n\nB.", "", ["One", "Two"]),
    ("```\nnever closed\n\n## One\n\nA.", "```\nnever closed", ["One"]),
    ("Just some text, no headings.", "", ["My tutorial"]),
    ("", "", ["My tutorial"]),
])
def test_steps_start_at_each_level_two_heading_outside_code(body, intro, titles):
    found_intro, steps = split_steps(body, "My tutorial")

    assert found_intro == intro
    assert [title for title, _ in steps] == titles


def test_a_body_without_headings_is_one_step_holding_everything():
    tutorial = render_tutorial("First do this.\n\nThen that.", "Reset your password")

    assert [step.title_text for step in tutorial.steps] == ["Reset your password"]
    assert "Then that." in tutorial.steps[0].html and not tutorial.intro


def test_steps_render_their_markdown_and_keep_code_with_hashes():
    tutorial = render_tutorial(TUTORIAL.split("---\n", 2)[2], "Renew an ad")

    assert "Ads expire after 30 days." in tutorial.intro
    assert [step.title for step in tutorial.steps] == ["Open <em>My ads</em>", "Press Renew", "Check the new date"]
    assert "## this is not a step" in tutorial.steps[1].html
    assert '<img alt="The My ads page" src="/media/tutorials/renew-my-ads.svg">' in tutorial.steps[0].html


def test_subheadings_get_ids_unique_to_their_step():
    tutorial = render_tutorial("## One\n\n### Tips\n\nA.\n\n## Two\n\n### Tips\n\nB.", "T")

    assert '<h3 id="step-1-tips">' in tutorial.steps[0].html and '<h3 id="step-2-tips">' in tutorial.steps[1].html


def test_a_typed_placeholder_is_just_text():
    tutorial = render_tutorial("## One\n\ntier0videox0\n\n```video\nurl: https://youtu.be/dQw4w9WgXcQ\ntitle: T\n```", "T")

    assert "tier0videox0" in tutorial.steps[0].html and tutorial.steps[0].html.count("video-facade") == 1


# --- video blocks -----------------------------------------------------------------------------

YT = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
VIMEO = "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"


@pytest.mark.parametrize("block, embed, watch", [
    ("url: https://www.youtube.com/watch?v=dQw4w9WgXcQ\ntitle: Tour", YT, "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("url: https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s\ntitle: Tour", YT, "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("url: https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ\ntitle: Tour", YT,
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("url: https://youtu.be/dQw4w9WgXcQ\ntitle: Tour", YT, "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("url: https://www.youtube.com/embed/dQw4w9WgXcQ\ntitle: Tour", YT, "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("url: https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\ntitle: Tour", YT,
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("url: https://vimeo.com/76979871\ntitle: Tour", VIMEO, "https://vimeo.com/76979871"),
    ("url: https://player.vimeo.com/video/76979871\ntitle: Tour", VIMEO, "https://vimeo.com/76979871"),
])
def test_youtube_and_vimeo_links_become_a_facade_that_loads_nothing(block, embed, watch):
    html = str(render_video(parse_video_block(block)))

    assert f'<button type="button" class="video-play" data-embed="{embed.replace("&", "&amp;")}"' in html
    assert "Play video: Tour</button>" in html
    assert f'<a href="{watch}" rel="noopener noreferrer">Watch on ' in html
    assert "<iframe" not in html and "<img" not in html
    # The provider appears only in the player address and the fallback link.
    outside = html.replace(f'data-embed="{embed.replace("&", "&amp;")}"', "").replace(f'href="{watch}"', "")
    assert not re.search(r"youtube(-nocookie)?\.com|youtu\.be|vimeo\.com", outside)


@pytest.mark.parametrize("block, problem, leaked", [
    ("url: https://evil.example/watch?v=dQw4w9WgXcQ\ntitle: Tour", "provider", "evil.example"),
    ("url: https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ\ntitle: Tour", "provider", "evil.example"),
    ("url: javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ\ntitle: Tour", "provider", "javascript:"),
    ("url: https://www.youtube.com/watch?v=dQw4w9WgXcQ\"onload=alert(1)\ntitle: Tour", "id", "onload"),
    ("url: https://youtu.be/short\ntitle: Tour", "id", "short"),
    ("url: https://vimeo.com/abc123\ntitle: Tour", "id", "abc123"),
    ("url: https://youtu.be/dQw4w9WgXcQ", "title", "dQw4w9WgXcQ"),
    ("url: https://youtu.be/dQw4w9WgXcQ\ntitle: [unclosed", "yaml", "unclosed"),
    ("just a sentence", "fields", "sentence"),
    ("title: Tour", "source", "Tour</"),
    ("src: /static/../../etc/passwd.mp4\ntitle: Tour", "file", "passwd"),
    ("src: https://cdn.example/tour.mp4\ntitle: Tour", "file", "cdn.example"),
    ("src: /media/../secret.mp4\ntitle: Tour", "file", "secret"),
    ("src: /media/tour.mov\ntitle: Tour", "file", "tour.mov"),
    ("src: /media/tour.mp4\ncaptions: https://evil.example/x.vtt\ntitle: Tour", "captions", "evil.example"),
    ("src: /media/tour.mp4\nurl: https://youtu.be/dQw4w9WgXcQ\ntitle: Tour", "both", "dQw4w9WgXcQ"),
    ("url: https://youtu.be/dQw4w9WgXcQ\ntitle: Tour\ntranscript: [1, 2]", "transcript", "dQw4w9WgXcQ"),
])
def test_anything_else_shows_a_polite_note_and_never_the_input(block, problem, leaked):
    html = str(render_video(parse_video_block(block)))

    assert "can't be shown" in html and f'data-problem="{problem}"' in html
    assert leaked not in html
    assert "<iframe" not in html and "<button" not in html and "<a " not in html


def test_markup_in_a_video_title_is_shown_as_text():
    html = str(render_video(parse_video_block('url: https://youtu.be/dQw4w9WgXcQ\ntitle: "<script>alert(1)</script>"')))

    assert "<script" not in html
    assert "Play video: &lt;script&gt;alert(1)&lt;/script&gt;</button>" in html
    assert 'data-title="&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_a_self_hosted_video_has_controls_and_captions():
    block = "src: /media/tutorials/renew-an-ad.webm\ncaptions: /media/tutorials/renew-an-ad.en.vtt\ntitle: Renew"

    html = str(render_video(parse_video_block(block)))

    assert '<video controls preload="none"><source src="/media/tutorials/renew-an-ad.webm" type="video/webm">' in html
    assert ('<track kind="captions" src="/media/tutorials/renew-an-ad.en.vtt" srclang="en" label="English" default>'
            in html)
    assert "<figcaption><span class=\"video-label\">Video:</span> Renew</figcaption>" in html


def test_a_transcript_is_rendered_markdown_behind_a_disclosure():
    block = "url: https://youtu.be/dQw4w9WgXcQ\ntitle: Tour\ntranscript: 'Press **Renew**. <script>x()</script>'"

    html = str(render_video(parse_video_block(block)))

    assert '<details class="transcript"><summary>Transcript</summary>' in html
    assert "Press <strong>Renew</strong>." in html and "<script" not in html


def test_tutorial_facts_ignore_odd_values():
    facts = tutorial_facts({"time": "10 minutes", "difficulty": "Expert", "prerequisites": ["An *account*", 3, None]})

    assert facts.time == "10 minutes" and facts.difficulty == ""
    assert [str(item) for item in facts.prerequisites] == ["An <em>account</em>", "3"]
    assert tutorial_facts(None) == tutorial_facts({})


# --- the tutorial page ------------------------------------------------------------------------

def test_tutorial_page_shows_facts_prerequisites_and_numbered_steps(client, site):
    page = text(client.get("/articles/renew-an-ad"))

    assert "Estimated time</dt><dd>5 minutes" in page
    assert "Difficulty</dt><dd class=\"difficulty difficulty-beginner\">Beginner" in page
    assert "Steps</dt><dd>3" in page
    assert "Before you start" in page and "An ad that expires within <strong>7 days</strong>" in page
    assert '<a href="/articles/create-an-account" rel="noopener noreferrer">create one</a>' in page
    assert '<li><a href="#step-2">Press Renew</a></li>' in page  # jump links
    assert re.search(r'<section class="tutorial-step" id="step-2" aria-labelledby="step-2-title">', page)
    assert "Step 2 of 3" in page and '<progress class="step-progress" value="2" max="3"' in page
    assert "Ads expire after 30 days." in page


def test_tutorial_page_has_video_facade_transcript_and_no_player(client, site):
    page = text(client.get("/articles/renew-an-ad"))

    assert f'data-embed="{SHORTHAND_YOUTUBE}"' in page and "Play video: Renewing in 30 seconds" in page
    assert "Watch on YouTube" in page and "<summary>Transcript</summary>" in page
    assert "<iframe" not in page
    assert '<script src="/static/js/video.js" defer></script>' in page
    assert '<link rel="stylesheet" href="/static/css/tutorial.css">' in page


def test_tutorial_page_links_summary_pdf_and_keeps_the_article_shell(client, site):
    page = text(client.get("/articles/renew-an-ad"))

    assert 'href="/articles/renew-an-ad/summary">One-page summary' in page
    assert 'href="/articles/renew-an-ad/summary.pdf" download>Download PDF' in page
    assert '<nav class="breadcrumbs"' in page and '<span class="badge badge-tutorial">Tutorial</span>' in page
    assert "Keep an ad online for another 30 days." in page
    assert 'data-feedback' in page  # the feedback widget from the article_footer slot
    assert 'rel="next" href="/articles/pricing"' in page


@pytest.mark.parametrize("visits", [1, 2])  # the second visit is served from the page cache
def test_tutorial_pages_may_frame_only_the_two_players(client, site, visits):
    for _ in range(visits):
        csp = client.get("/articles/renew-an-ad").headers["Content-Security-Policy"]

    assert "frame-src https://www.youtube-nocookie.com https://player.vimeo.com" in csp
    assert "media-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_other_pages_keep_the_strict_policy(client, site):
    for url in ("/articles/pricing", "/articles/renew-an-ad/summary", "/"):
        assert "frame-src" not in client.get(url).headers["Content-Security-Policy"]


def test_tutorial_page_has_no_inline_script(client, site):
    page = text(client.get("/articles/renew-an-ad"))

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"\son[a-z]+=", page)


def test_draft_tutorial_is_404_for_visitors_and_shown_to_staff(client, app, site):
    from app.auth.services import create_user

    for url in ("/articles/draft-tutorial", "/articles/draft-tutorial/summary", "/articles/draft-tutorial/summary.pdf"):
        assert client.get(url).status_code == 404
    with app.app_context():
        create_user("writer@example.com", "correct horse battery", role="writer")
    login(client, "writer@example.com", "correct horse battery")

    page = text(client.get("/articles/draft-tutorial"))

    assert "Secret tutorial" in page and "not visible to the public" in page
    assert client.get("/articles/draft-tutorial/summary").status_code == 200


# --- one-page summary and PDF -----------------------------------------------------------------

def test_summary_condenses_each_step_to_its_first_paragraph(client, site):
    page = text(client.get("/articles/renew-an-ad/summary"))
    steps = page.split('<ol class="summary-steps">')[1].split("</ol>\n")[0]

    assert "Renew an ad" in page and "5 minutes" in page and "Beginner" in page and "Before you start" in page
    assert "<h3>Open <em>My ads</em></h3>" in steps and "Go to <strong>My ads</strong> in the menu." in steps
    assert "<li>Press <strong>Renew</strong>.</li>" in steps  # a step that starts with a list
    assert "The new end date shows under the ad." in steps
    assert "Video: Renewing in 30 seconds" in steps
    assert "<img" not in page and "video-facade" not in page and "data-embed" not in page
    assert "renew --ad 42" not in page  # only the first paragraph or list
    assert "data-print" in page and 'href="/articles/renew-an-ad/summary.pdf" download' in page


@pytest.mark.parametrize("body, lead", [
    ("## A\n\nFirst.\n\nSecond.", "<p>First.</p>"),
    ("## A\n\n![Screen](/media/a.png)\n\n- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
    ("## A\n\nExpired ads stay 30 days:\n\n1. Open\n\nMore.", "<p>Expired ads stay 30 days:</p>\n<ol>\n<li>Open</li>\n</ol>"),
    ("## A\n\nSee ![icon](/media/i.png) here.", "<p>See  here.</p>"),
    ("## A\n\n```video\nurl: https://youtu.be/dQw4w9WgXcQ\ntitle: T\n```\n\nAfter the video.", "<p>After the video.</p>"),
    ("## A\n\n```\ncode only\n```", ""),
])
def test_summary_keeps_the_first_paragraph_or_list_of_a_step(body, lead):
    assert str(render_tutorial(body, "T").steps[0].lead) == lead


def test_renamed_tutorial_summary_redirects(client, site):
    for suffix in ("summary", "summary.pdf"):
        response = client.get(f"/articles/renew-your-ad/{suffix}")
        assert response.status_code == 301 and response.headers["Location"] == f"/articles/renew-an-ad/{suffix}"


@pytest.mark.parametrize("url", ["/articles/pricing/summary", "/articles/pricing/summary.pdf",
                                 "/articles/nope/summary", "/articles/nope/summary.pdf"])
def test_summary_is_only_for_tutorials(client, site, url):
    assert client.get(url).status_code == 404


def test_summary_pdf_downloads_with_the_tutorial_name(client, site):
    response = client.get("/articles/renew-an-ad/summary.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment" and options == {"filename": "renew-an-ad-summary.pdf"}


def test_summary_pdf_is_drawn_once_per_revision(client, app, site, monkeypatch):
    drawn, draw = [], pdf_services.render_document

    def counting(html, blobs=None):
        drawn.append(html)
        return draw(html, blobs)

    monkeypatch.setattr(pdf_services, "render_document", counting)
    first = client.get("/articles/renew-an-ad/summary.pdf").data
    again = client.get("/articles/renew-an-ad/summary.pdf").data
    write(site, "posting-ads/renew-an-ad.md", TUTORIAL.replace("in the menu.", "from the main menu."))
    with app.app_context():
        sync_directory(site)
    edited = client.get("/articles/renew-an-ad/summary.pdf").data

    assert first == again and edited.startswith(b"%PDF-") and edited != first
    assert len(drawn) == 2
    assert "in the menu." in drawn[0] and "from the main menu." in drawn[1]
    assert '<link rel="stylesheet" href="/static/css/pdf.css">' in drawn[0]
    assert "<script" not in drawn[0] and "data-print" not in drawn[0] and "/feedback/" not in drawn[0]


# --- /media -----------------------------------------------------------------------------------

def test_media_serves_content_images_with_long_caching(client, media):
    with client.get("/media/tutorials/step.png") as response:
        assert response.status_code == 200 and response.data.startswith(b"\x89PNG")
        assert response.mimetype == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "max-age=2592000" in response.headers["Cache-Control"] and "public" in response.headers["Cache-Control"]


def test_media_svg_cannot_run_script(client, media):
    with client.get("/media/logo.svg") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


@pytest.mark.parametrize("url", [
    "/media/../secret.png",
    "/media/tutorials/../../secret.png",
    "/media/%2e%2e/secret.png",
    "/media/..%2fsecret.png",
    "/media//etc/passwd.png",
    "/media/notes.html",
    "/media/tutorials/step.png.exe",
    "/media/tutorials",
    "/media/.hidden.png",
    "/media/missing.png",
])
def test_media_refuses_paths_outside_unknown_types_and_missing_files(client, media, url):
    with client.get(url, follow_redirects=True) as response:  # "//" is first redirected to "/"
        assert response.status_code == 404
        assert b"outside the media folder" not in response.data and b"alert(1)" not in response.data
