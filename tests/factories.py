"""Plain helpers that make test data."""

import io
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from accounts import two_factor
from articles.models import Author, Category, Image, Source, Status, Story
from articles.search import index as search_index
from articles.workflow import roles
from articles.workflow.rules import must_use_two_factor

_counter = itertools.count(1)
PASSWORD = "pass-for-tests-1"


def make_user(role=None, *, username=None, superuser=False, **fields):
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        is_staff=role is not None or superuser,
        is_superuser=superuser,
        **fields,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    if must_use_two_factor(user):
        # As in real life, they cannot work without an authenticator set up.
        two_factor.two_factor_demo_device(user=user)
    return user


def make_journalist(**kw):
    return make_user(roles.JOURNALIST, **kw)


def make_editor(**kw):
    return make_user(roles.EDITOR, **kw)


def make_chief(**kw):
    return make_user(roles.CHIEF_EDITOR, **kw)


def make_category(name="Экономика", **fields):
    fields.setdefault("slug", f"category-{next(_counter)}")
    return Category.objects.create(name=name, **fields)


def make_source(name="TuraNews", **fields):
    fields.setdefault("slug", f"source-{next(_counter)}")
    return Source.objects.create(name=name, **fields)


def make_story(headline=None, *, status=Status.DRAFT, published_at=None, **fields):
    """Create a story directly in a given state (tests only: bypasses the workflow).

    Like the services, it writes the story's search index entry.
    """
    if "category" not in fields:
        fields["category"] = make_category()
    if status == Status.PUBLISHED and published_at is None:
        published_at = timezone.now() - timezone.timedelta(minutes=1)
    authors = fields.pop("authors", [])
    story = Story.objects.create(
        headline=headline or f"Жаңалық {next(_counter)}",
        status=status,
        published_at=published_at,
        **fields,
    )
    search_index.index_stories([story.pk])
    if authors:
        story.authors.set(authors)
    return story


def make_author(name="Әйгерім Садықова", **fields):
    return Author.objects.create(name=name, **fields)


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30), exif=None):
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    PILImage.new("RGB", size, color).save(out, format=fmt, **options)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_image(**fields):
    image = Image(alt_text=fields.pop("alt_text", "Түркістан көшесі"), **fields)
    image.file.save("test.jpg", upload(image_bytes()), save=False)
    image.save()
    return image
