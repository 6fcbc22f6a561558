import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image as PILImage

from articles.admin.catalog import ImageForm
from articles.core import images
from articles.core.images import check_image

from .factories import image_bytes, upload


def _gps_exif():
    exif = PILImage.Exif()
    exif[0x010F] = "Camera maker"
    exif[images.EXIF_GPS_TAG] = {
        1: "N",
        2: (43.0, 15.0, 0.0),
        3: "E",
        4: (76.0, 53.0, 0.0),
    }
    return exif


def test_good_jpeg_is_accepted_with_its_size():
    checked = check_image(upload(image_bytes(size=(120, 80))))
    assert (checked.width, checked.height, checked.format) == (120, 80, "JPEG")


def test_location_is_stripped_but_other_exif_kept():
    data = image_bytes(exif=_gps_exif())
    assert images.EXIF_GPS_TAG in PILImage.open(io.BytesIO(data)).getexif()
    checked = check_image(upload(data))
    exif = PILImage.open(io.BytesIO(checked.content.read())).getexif()
    assert images.EXIF_GPS_TAG not in exif
    assert exif[0x010F] == "Camera maker"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (image_bytes()[:300], "cut.jpg", "broken"),
        ("Бұл сурет емес".encode(), "text.jpg", "not_image"),
        (b"", "empty.jpg", "empty"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "x.svg",
            "not_image",
        ),
        (image_bytes(fmt="BMP"), "old.bmp", "format"),
        (image_bytes(size=(8, 8)), "tiny.png", "too_small"),
    ],
)
def test_bad_files_get_clear_errors(data, name, code):
    with pytest.raises(ValidationError) as caught:
        check_image(upload(data, name=name))
    assert caught.value.code == code
    assert caught.value.messages[0]


def test_decompression_bomb_is_refused_before_decoding(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    # A tiny PNG that claims to be 5000×5000 pixels.
    data = image_bytes(fmt="PNG", size=(5000, 5000), color=(0, 0, 0))
    assert len(data) < 200_000
    with pytest.raises(ValidationError) as caught:
        check_image(upload(data, name="bomb.png"))
    assert caught.value.code == "too_many_pixels"
    assert "5000" in caught.value.messages[0]


def test_oversized_file_is_refused(settings):
    settings.IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        check_image(upload(image_bytes(size=(400, 400)) + b"\0" * 2000))
    assert caught.value.code == "too_large"


@pytest.mark.django_db
def test_image_form_shows_the_error_and_stores_nothing():
    from articles.models import Image

    form = ImageForm(
        data={"alt_text": "Сурет", "caption": "", "credit": ""},
        files={"file": upload(b"not an image at all", name="a.jpg")},
    )
    assert not form.is_valid()
    assert form.errors["file"]
    assert Image.objects.count() == 0


@pytest.mark.django_db
def test_image_form_stores_a_clean_picture():
    form = ImageForm(
        data={"alt_text": "Түркістан", "caption": "Қала", "credit": "TuraNews"},
        files={
            "file": upload(image_bytes(exif=_gps_exif()), name="Түркістан фото.jpg")
        },
    )
    assert form.is_valid(), form.errors
    image = form.save()
    assert image.file.name.startswith("images/")
    assert "turkistan-foto" in image.file.name
    assert (image.width, image.height) == (64, 48)
    with image.file.open("rb") as fh:
        assert images.EXIF_GPS_TAG not in PILImage.open(fh).getexif()


def test_alt_text_is_required():
    form = ImageForm(data={"alt_text": ""}, files={"file": upload(image_bytes())})
    assert "alt_text" in form.errors
