"""PDFs of articles show the images writers uploaded (stored in the database, handed to the renderer as bytes)."""
import io

from PIL import Image

from app.authoring.uploads import store_upload
from app.extensions import db
from app.kb.sync import sync_directory
from tests.helpers import article_file, write
from tests.pdf.conftest import page_texts, reader


def png(size):
    """The bytes of a PNG of ``size`` pixels."""
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def publish(app, site, body):
    """Add an article "Upload guide" with ``body`` to the small help center and import it."""
    write(site, "billing/upload-guide.md", article_file("Upload guide", body, position=9))
    with app.app_context():
        report = sync_directory(site)
        assert not report.failed, report.failed


def stored_path(app, data, filename):
    """Store an upload and return its path."""
    with app.app_context():
        upload = store_upload(data, filename)
        db.session.commit()
        return upload.path


def test_an_article_pdf_draws_the_uploaded_image(app, client, site):
    path = stored_path(app, png((40, 30)), "Payment screen.png")
    publish(app, site, f"Open the payment screen:\n\n![Payment screen]({path})\n\nThen press Pay.")

    response = client.get("/articles/upload-guide.pdf")

    assert response.status_code == 200
    images = [image for page in reader(response.data).pages for image in page.images]
    assert len(images) == 1 and images[0].image.size == (40, 30)
    assert "Then press Pay." in " ".join(page_texts(response.data))


def test_a_category_guide_draws_uploaded_images_of_every_article(app, client, site):
    first, second = stored_path(app, png((20, 10)), "one.png"), stored_path(app, png((10, 20)), "two.png")
    publish(app, site, f"![One]({first})\n\n![Two]({second})\n\n![One again]({first})")

    response = client.get("/categories/billing.pdf")

    assert response.status_code == 200
    sizes = sorted(image.image.size for page in reader(response.data).pages for image in page.images)
    assert (20, 10) in sizes and (10, 20) in sizes


def test_an_image_whose_upload_does_not_exist_is_left_out_and_the_pdf_still_drawn(app, client, site):
    publish(app, site, "Before.\n\n![Gone](/uploads/nosuchkey/gone.png)\n\nAfter the missing image.")

    response = client.get("/articles/upload-guide.pdf")

    assert response.status_code == 200
    assert [name for page in reader(response.data).pages for name in page.images] == []
    assert "After the missing image." in " ".join(page_texts(response.data))
