"""Finding 1: a picture is stored and served as the format inside it, by every path.

A GIF with a script after it, sent under a page's or a script's name, must never
come back from /media/ as a page: not through the admin's picture form, the story
editor's upload, a source's logo, the WordPress importer or the demo's service.
"""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from articles.core.images import ERROR_NOT_IMAGE
from articles.models import Image, Source
from articles.workflow import catalog

from .factories import image_bytes
from .security import (
    HOSTILE_NAMES,
    HTML,
    SVG,
    body_of,
    cast,
    gif_with_script,
    login,
    served_safely,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return cast()


def assert_stored_as_gif(client, image):
    assert Path(image.file.name).suffix == ".gif", image.file.name
    assert "html" not in image.file.name
    assert ".js" not in image.file.name
    client.logout()
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert served_safely(response)
    # The bytes are the upload's; only how they are served changed.
    assert body_of(response).startswith(b"GIF8")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_admin_picture_form(client, people, name):
    login(client, people["journalist"])
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            "file": SimpleUploadedFile(name, gif_with_script(), "text/html"),
            "alt_text": "Есеп",
            "caption": "",
            "credit": "",
        },
    )
    assert response.status_code == 302
    assert_stored_as_gif(client, Image.objects.get())


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_story_editor_upload(client, people, name):
    login(client, people["journalist"])
    response = client.post(
        reverse("editor_image_upload"),
        {"upload": SimpleUploadedFile(name, gif_with_script(), "text/html")},
    )
    assert response.status_code == 200
    url = json.loads(response.content)["url"]
    image = Image.objects.get()
    assert url == image.file.url
    assert url.endswith(".gif")
    assert_stored_as_gif(client, image)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_source_logo(client, people, name):
    login(client, people["chief"])
    response = client.post(
        reverse("admin:articles_source_add"),
        {
            "name": "Логотипі бар",
            "slug": "logotipi-bar",
            "logo": SimpleUploadedFile(name, gif_with_script(), "text/html"),
        },
    )
    assert response.status_code == 302
    logo = Source.objects.get().logo
    assert Path(logo.name).suffix == ".gif"
    client.logout()
    assert served_safely(client.get(logo.url))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_service_every_other_path_uses(client, people, name):
    image = catalog.image_create(
        user=people["journalist"],
        upload=SimpleUploadedFile(name, gif_with_script()),
        alt_text="Демо сурет",
    )
    assert image.renditions.exists()
    assert_stored_as_gif(client, image)


@pytest.mark.parametrize(
    ("data", "name"), [(SVG, "logo.svg"), (HTML, "report.html"), (SVG, "photo.jpg")]
)
def test_what_is_no_picture_is_refused_on_every_path(client, people, data, name):
    login(client, people["journalist"])
    response = client.post(
        reverse("editor_image_upload"), {"upload": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 400
    assert json.loads(response.content)["error"]["message"] == str(ERROR_NOT_IMAGE)
    response = client.post(
        reverse("admin:articles_image_add"),
        {"file": SimpleUploadedFile(name, data), "alt_text": "Сурет"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    with pytest.raises(catalog.ValidationError):
        catalog.image_create(
            user=people["journalist"],
            upload=SimpleUploadedFile(name, data),
            alt_text="Сурет",
        )
    assert not Image.objects.exists()


WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
 <title>Old</title><link>https://old.example.kz</link>
 <wp:wxr_version>1.2</wp:wxr_version>
 <wp:base_site_url>https://old.example.kz</wp:base_site_url>
 <item>
  <title>evil</title><wp:post_id>10</wp:post_id><wp:post_type>attachment</wp:post_type>
  <wp:status>inherit</wp:status>
  <wp:attachment_url>https://old.example.kz/wp-content/uploads/2024/01/evil.html</wp:attachment_url>
  <wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>
   <wp:meta_value>2024/01/evil.html</wp:meta_value></wp:postmeta>
 </item>
 <item>
  <title>Жаңалық суретімен</title><link>https://old.example.kz/?p=11</link>
  <guid isPermaLink="false">https://old.example.kz/?p=11</guid>
  <content:encoded><![CDATA[<p>Мәтін.</p>
<p><img src="https://old.example.kz/wp-content/uploads/2024/01/inline.jpg" alt="Іштегі"></p>]]></content:encoded>
  <excerpt:encoded></excerpt:encoded>
  <wp:post_id>11</wp:post_id><wp:post_date_gmt>2024-01-10 04:00:00</wp:post_date_gmt>
  <wp:post_name>zhanalyq</wp:post_name><wp:status>draft</wp:status>
  <wp:post_type>post</wp:post_type>
  <category domain="category" nicename="qogam"><![CDATA[Қоғам]]></category>
  <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>10</wp:meta_value></wp:postmeta>
 </item>
</channel>
</rss>
"""


def test_wordpress_featured_image_named_evil_html(client, tmp_path):
    uploads = tmp_path / "uploads" / "2024" / "01"
    uploads.mkdir(parents=True)
    (uploads / "evil.html").write_bytes(gif_with_script())
    (uploads / "inline.jpg").write_bytes(gif_with_script())
    (tmp_path / "export.xml").write_text(WXR, encoding="utf-8")
    call_command(
        "import_wordpress",
        str(tmp_path / "export.xml"),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    images = list(Image.objects.order_by("pk"))
    assert len(images) == 2
    for image in images:
        assert_stored_as_gif(client, image)


def test_a_real_picture_keeps_its_format(client, people):
    png = catalog.image_create(
        user=people["journalist"],
        upload=SimpleUploadedFile("scan.jpg", image_bytes(fmt="PNG")),
        alt_text="Скан",
    )
    assert png.file.name.endswith(".png")
    assert client.get(png.file.url)["Content-Type"] == "image/png"


class TestMediaServing:
    """What older versions stored under the uploader's name is never a page."""

    @pytest.mark.parametrize(
        ("name", "data"),
        [
            ("images/2023/10/old-report.html", gif_with_script()),
            ("images/2023/10/logo.svg", SVG),
            ("images/2023/10/tool.js", b"alert(1)"),
            ("images/2023/10/page.htm", HTML),
        ],
    )
    def test_legacy_files_are_downloads(self, client, settings, name, data):
        path = Path(settings.MEDIA_ROOT) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        response = client.get(f"/media/{name}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"] == "attachment"
        assert "sandbox" in response["Content-Security-Policy"]
        assert served_safely(response)

    def test_pictures_carry_nosniff(self, client, people):
        image = catalog.image_create(
            user=people["journalist"],
            upload=SimpleUploadedFile("a.jpg", image_bytes()),
            alt_text="Сурет",
        )
        for url in [image.file.url, *(r.file.url for r in image.renditions.all())]:
            response = client.get(url)
            assert response.status_code == 200
            assert served_safely(response), url

    @pytest.mark.parametrize(
        "address",
        [
            "/media/images/2024/01/" + "x" * 3000 + ".jpg",
            "/media/images/a%00b.jpg",
            "/media/../newsroom/settings.py",
            "/media/%2e%2e/%2e%2e/etc/passwd",
            "/media/images/%ff%fe.jpg",
        ],
    )
    def test_odd_addresses_are_4xx(self, client, address):
        assert 400 <= client.get(address).status_code < 500
