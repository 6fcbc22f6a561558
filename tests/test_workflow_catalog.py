"""Pictures, sections, sources and authors: the optimistic lock and their services.

Finding 11: two sessions editing the same picture silently lost one caption.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles.models import Author, Category, Image, Source, Status
from articles.workflow import catalog

from .factories import (
    image_bytes,
    make_author,
    make_category,
    make_chief,
    make_editor,
    make_image,
    make_journalist,
    make_source,
    make_story,
)
from .security import messages_of

pytestmark = pytest.mark.django_db

# model -> (make a row, the admin form's data, the field both people edit)
EDITED = {
    "image": (
        lambda: make_image(alt_text="Сипаттама"),
        lambda o: {"alt_text": o.alt_text, "caption": o.caption, "credit": ""},
        "caption",
    ),
    "category": (
        lambda: make_category("Бөлім", slug="bolim"),
        lambda o: {"name": o.name, "slug": o.slug, "position": o.position},
        "name_ru",
    ),
    "source": (
        lambda: make_source("Агенттік", slug="agenttik"),
        lambda o: {"name": o.name, "slug": o.slug},
        "description",
    ),
    "author": (
        lambda: make_author("Автор", slug="avtor"),
        lambda o: {"name": o.name, "slug": o.slug},
        "bio",
    ),
}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", list(EDITED))
def test_two_sessions_one_change_is_kept_the_other_refused(model):
    make, data, field = EDITED[model]
    obj = make()
    url = reverse(f"admin:articles_{model}_change", args=[obj.pk])
    first, second = signed_in(make_chief()), signed_in(make_chief())
    # Both open the form at version 1 ...
    for client in (first, second):
        page = client.get(url).content.decode()
        assert 'name="expected_version" value="1"' in page
    # ... the first saves, the second saves what they typed a moment later.
    saved = first.post(
        url, {**data(obj), field: "Біріншінің сөзі", "expected_version": 1}
    )
    assert saved.status_code == 302
    refused = second.post(
        url, {**data(obj), field: "Екіншінің сөзі", "expected_version": 1}
    )
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.non_field_errors().as_data()
    assert [e.code for e in errors] == ["stale"]
    obj.refresh_from_db()
    assert getattr(obj, field) == "Біріншінің сөзі"
    assert obj.version == 2


def test_the_refusal_names_who_saved_and_when():
    image = make_image(alt_text="Сипаттама")
    url = reverse("admin:articles_image_change", args=[image.pk])
    chief = make_chief(first_name="Гүлнар", last_name="Әбілқызы")
    data = {"alt_text": "Сипаттама", "caption": "", "credit": ""}
    signed_in(chief).post(url, {**data, "caption": "Бір", "expected_version": 1})
    refused = signed_in(make_editor()).post(
        url, {**data, "caption": "Екі", "expected_version": 1}
    )
    assert "Гүлнар Әбілқызы" in refused.content.decode()


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Category, lambda: make_category("Бөлім", slug="b")),
        (Source, lambda: make_source("Агенттік", slug="a")),
        (Author, lambda: make_author("Автор", slug="av")),
    ],
)
def test_the_service_refuses_a_stale_version(model, make):
    obj = make()
    chief = make_chief()
    first = model.objects.get(pk=obj.pk)
    first.description = first.bio = "бірінші"
    catalog.item_save(obj=first, user=chief, expected_version=1)
    stale = model.objects.get(pk=obj.pk)
    stale.version = 1
    with pytest.raises(catalog.StaleItemEdit):
        catalog.item_save(obj=stale, user=chief, expected_version=1)
    assert model.objects.get(pk=obj.pk).version == 2


def test_the_service_asks_the_matrix():
    category = make_category("Бөлім", slug="b")
    for user in (make_journalist(), make_editor()):
        category.name = "Басып кірген"
        with pytest.raises(PermissionDenied):
            catalog.item_save(obj=category, user=user, expected_version=1)
        with pytest.raises(PermissionDenied):
            catalog.item_save(obj=Category(name="Жаңа", slug="zh"), user=user)
    category.refresh_from_db()
    assert category.name == "Бөлім"
    assert category.version == 1
    assert not Category.objects.filter(slug="zh").exists()


def test_a_new_file_replaces_the_renditions(client):
    journalist = make_journalist()
    image = catalog.image_create(
        user=journalist,
        upload=SimpleUploadedFile("a.jpg", image_bytes(size=(400, 300))),
        alt_text="Сурет",
    )
    make_story("Жоба", hero_image=image, created_by=journalist)
    old = {r.file.name for r in image.renditions.all()}
    client.force_login(journalist)
    response = client.post(
        reverse("admin:articles_image_change", args=[image.pk]),
        {
            "alt_text": "Сурет",
            "caption": "",
            "credit": "",
            "expected_version": 1,
            "file": SimpleUploadedFile(
                "b.png", image_bytes(fmt="PNG", size=(500, 200))
            ),
        },
    )
    assert response.status_code == 302, messages_of(response)
    image = Image.objects.get(pk=image.pk)
    new = {r.file.name for r in image.renditions.all()}
    assert new
    assert not new & old
    assert image.file.name.endswith(".png")
    assert image.width == 500


def test_an_orphan_picture_belongs_to_its_uploader():
    uploader, other = make_journalist(), make_journalist()
    image = make_image(uploaded_by=uploader)
    image.caption = "Менікі"
    catalog.item_save(obj=image, user=uploader, expected_version=1)
    image.caption = "Бөтен"
    with pytest.raises(PermissionDenied):
        catalog.item_save(obj=image, user=other, expected_version=2)
    assert Image.objects.get(pk=image.pk).caption == "Менікі"


@pytest.mark.parametrize(
    ("status", "may"),
    [
        (Status.DRAFT, True),
        (Status.CHANGES_REQUESTED, True),
        (Status.IN_REVIEW, False),
        (Status.APPROVED, False),
        (Status.PUBLISHED, False),
        (Status.UNPUBLISHED, False),
    ],
)
def test_a_journalists_picture_follows_their_story(status, may):
    journalist = make_journalist()
    image = make_image(uploaded_by=journalist)
    make_story("Менікі", status=status, hero_image=image, created_by=journalist)
    image.caption = "Жаңа"
    if may:
        catalog.item_save(obj=image, user=journalist, expected_version=1)
    else:
        with pytest.raises(PermissionDenied):
            catalog.item_save(obj=image, user=journalist, expected_version=1)
    assert (Image.objects.get(pk=image.pk).caption == "Жаңа") is may
