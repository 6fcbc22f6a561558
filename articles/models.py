import hashlib
import secrets
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_ckeditor_5.fields import CKEditor5Field

from articles.core.latin import LATIN_TAG, validate_overrides
from articles.core.paths import public_path
from articles.core.text import (
    SLUG_MAX_LENGTH,
    html_to_text,
    latin_slugify,
    media_file_names,
    sanitize_html,
)


class Language(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")


def active_language() -> str:
    """Return the code of the language this request is served in: kk, ru or en."""
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]


class Status(models.TextChoices):
    """Where a story stands in the editorial flow. Only workflow.services changes it."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


def unique_slug(model, text: str, *, exclude_pk=None, field: str = "slug") -> str:
    """Return a slug for text that no other row of model uses yet."""
    base = latin_slugify(text, SLUG_MAX_LENGTH - 6) or "item"
    taken = set(
        model._default_manager.filter(**{f"{field}__startswith": base})
        .exclude(pk=exclude_pk)
        .values_list(field, flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


class LocalizedNameMixin:
    """Give a name in the reader's language, falling back to the Kazakh one."""

    def localized(self, field: str, language: str | None = None) -> str:
        language = (language or active_language())[:2]
        own = getattr(self, f"{field}_{language}", "") if language != "kk" else ""
        return str(own or getattr(self, field))

    @property
    def display_name(self) -> str:
        return self.localized("name")


class Category(LocalizedNameMixin, models.Model):
    name = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="category_not_own_parent"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                Category, self.name_en or self.name, exclude_pk=self.pk
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return public_path("articles:category", slug=self.slug)


class Source(models.Model):
    """An outlet a story comes from or is credited to; the newsroom's own included."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    home_url = models.URLField(_("home page"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="sources/", blank=True)
    description = models.TextField(_("short description"), blank=True)
    attribution_kk = models.CharField(
        _("attribution (Kazakh)"),
        max_length=200,
        blank=True,
        help_text=_("For example: деп хабарлайды TuraNews.kz"),
    )
    attribution_ru = models.CharField(
        _("attribution (Russian)"), max_length=200, blank=True
    )
    attribution_en = models.CharField(
        _("attribution (English)"), max_length=200, blank=True
    )
    is_own = models.BooleanField(
        _("our own outlet"),
        default=False,
        help_text=_("Stories of the newsroom itself are credited to this source."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-is_own", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_own"], condition=Q(is_own=True), name="one_own_source"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Source, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return public_path("articles:source", slug=self.slug)

    def attribution(self, language: str) -> str:
        return getattr(self, f"attribution_{language}", "") or self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = self.name.strip()
        if not self.slug:
            self.slug = unique_slug(Tag, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return public_path("articles:tag", slug=self.slug)


class Author(models.Model):
    """A person credited in a byline."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    bio = models.TextField(_("short biography"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Author, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return public_path("articles:author", slug=self.slug)


# Suffixes a stored picture may have; check_image names every file after its format.
IMAGE_SUFFIXES = (".jpg", ".png", ".webp", ".gif")


def image_upload_to(instance, filename):
    # The random part keeps the address of a draft's picture unguessable.
    path = PurePath(filename)
    stem = latin_slugify(path.stem, 40) or "image"
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        suffix = ".bin"  # never served as a page (see serve_media)
    now = timezone.now()
    return f"images/{now:%Y/%m}/{stem}-{secrets.token_hex(12)}{suffix}"


class Image(models.Model):
    """An uploaded picture. Files are checked by articles.images before storing."""

    file = models.ImageField(
        _("file"), upload_to=image_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=150, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""), name="image_alt_text_required"
            )
        ]

    def __str__(self):
        return self.caption or self.alt_text


# The years a reader may ask for (archive pages, search dates). Far outside them the
# time-zone arithmetic of a day's bounds overflows.
CALENDAR_YEARS = range(1900, 2201)


def day_start(day: date) -> datetime:
    """Return the moment a calendar day begins in the newsroom's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def first_body_image(body: str) -> Image | None:
    """Return the first picture in a story's (sanitised) text that is one of our
    Images: the editor's uploads and the pictures imports bring in."""
    names = media_file_names(body, settings.MEDIA_URL)
    if not names:
        return None
    found = {i.file.name: i for i in Image.objects.filter(file__in=names)}
    return next((found[n] for n in names if n in found), None)


def public_q(now: datetime | None = None) -> models.Q:
    """The condition a story meets while readers may see it: published and due."""
    return models.Q(status=Status.PUBLISHED, published_at__lte=now or timezone.now())


class StoryQuerySet(models.QuerySet["Story"]):
    def published(self, now: datetime | None = None) -> "StoryQuerySet":
        """Return the stories a reader may see: published and due."""
        return self.filter(public_q(now))

    def translations_of(self, story: "Story") -> "StoryQuerySet":
        """Return the stories of story's translation group, story included."""
        root = story.translation_of_id or story.pk
        return self.filter(models.Q(pk=root) | models.Q(translation_of_id=root))

    def in_language(self, language: str) -> "StoryQuerySet":
        return self.filter(language=language)

    def for_lists(self) -> "StoryQuerySet":
        """Load what a list of stories shows, in a fixed number of queries."""
        return self.select_related(
            "category", "source", "hero_image", "body_image"
        ).prefetch_related("authors")


class Story(models.Model):
    headline = models.CharField(_("headline"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        blank=True,
        help_text=_("Made from the headline in Latin letters; fixed once published."),
    )
    dek = models.TextField(_("summary"), blank=True, max_length=600)
    body = CKEditor5Field(_("text"), blank=True)
    body_text = models.TextField(_("plain text"), blank=True, editable=False)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.KAZAKH
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="stories",
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="stories",
        null=True,
        blank=True,
    )
    original_url = models.URLField(_("original URL"), max_length=500, blank=True)
    tags = models.ManyToManyField(
        Tag, verbose_name=_("tags"), blank=True, related_name="stories"
    )
    authors = models.ManyToManyField(
        Author, verbose_name=_("authors"), blank=True, related_name="stories"
    )
    hero_image = models.ForeignKey(
        Image,
        verbose_name=_("main picture"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body_image = models.ForeignKey(
        Image,
        verbose_name=_("first picture in the text"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in lists and shared links while there is no main picture."),
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text=_("The story this one is a version of, in another language."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
    )
    featured = models.BooleanField(_("featured"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories_created",
        editable=False,
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    latin_overrides = models.TextField(
        _("Latin spellings"),
        blank=True,
        max_length=4000,
        validators=[validate_overrides],
        help_text=_(
            "For the Latin-script edition: one “Cyrillic = Latin” pair a line, for "
            "names and terms the automatic spelling gets wrong (Самсунг = Samsung)."
        ),
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        permissions = [
            ("review_story", _("Can approve stories or send them back")),
            (
                "publish_story",
                _("Can publish, schedule, unpublish and correct stories"),
            ),
            ("edit_any_story", _("Can edit stories of other people")),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="story_public_idx"),
            models.Index(
                fields=["language", "status", "-published_at"], name="story_lang_idx"
            ),
            models.Index(
                fields=["category", "status", "-published_at"],
                name="story_category_idx",
            ),
            # A section's list, page by page: an index-only scan skips the pages
            # before (public.views._section_rows).
            models.Index(
                fields=[
                    "category",
                    "language",
                    "status",
                    "-published_at",
                    "-created_at",
                    "-id",
                ],
                name="story_section_list_idx",
            ),
            # Imports look for a story they would repeat (articles.ingest).
            models.Index(fields=["language", "headline"], name="story_headline_idx"),
            models.Index(fields=["original_url"], name="story_original_url_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="published_story_has_time",
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values), name="story_language_valid"
            ),
            models.CheckConstraint(
                condition=~Q(headline=""), name="story_headline_required"
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.headline = self.headline.strip()
        if not self.slug:
            self.slug = unique_slug(Story, self.headline, exclude_pk=self.pk)
        self.body = sanitize_html(self.body)
        self.body_text = html_to_text(self.body)
        self.body_image = first_body_image(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_text", "body_image"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        language = self.language
        if language == Language.KAZAKH and translation.get_language() == LATIN_TAG:
            # Within the Latin-script edition, its Kazakh stories link to it.
            language = LATIN_TAG
        return public_path(
            "articles:story", language, category=self.category.slug, slug=self.slug
        )

    def attribution(self) -> str:
        return self.source.attribution(self.language) if self.source else ""

    @property
    def card_image(self):
        """Return the story's picture for lists and shared links: the main one,
        else the first of ours in its text."""
        if self.hero_image_id:
            return self.hero_image
        return self.body_image if self.body_image_id else None

    @property
    def is_public(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_withdrawn(self) -> bool:
        """Return whether readers saw the story before the editors took it down."""
        return self.status == Status.UNPUBLISHED and self.published_at is not None

    @property
    def slug_is_fixed(self) -> bool:
        """A story keeps its URL once it has been out in the world."""
        return self.status in (Status.PUBLISHED, Status.UNPUBLISHED)


class StoryEvent(models.Model):
    """One entry of a story's audit trail: who moved it where, when and why."""

    story = models.ForeignKey(
        Story, verbose_name=_("story"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(
        _("from"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("story event")
        verbose_name_plural = _("story events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["story", "-created_at"], name="story_event_idx")
        ]

    def __str__(self):
        return f"{self.story_id}: {self.from_status} → {self.to_status}"


class Correction(models.Model):
    """A dated correction note shown under a published story."""

    story = models.ForeignKey(
        Story,
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    note = models.TextField(_("correction"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-created_at"]

    def __str__(self):
        return self.note[:80]


class StoryRedirect(models.Model):
    """An old public address of a story, answered with a permanent redirect."""

    old_path = models.CharField(_("old path"), max_length=500, unique=True)
    story = models.ForeignKey(
        Story,
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="redirects",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("story redirect")
        verbose_name_plural = _("story redirects")
        ordering = ["old_path"]

    def __str__(self):
        return self.old_path

    def get_absolute_url(self):
        return self.story.get_absolute_url()


class Rendition(models.Model):
    """A resized copy of an image, made once and served from srcset."""

    class Format(models.TextChoices):
        JPEG = "jpeg", "JPEG"
        WEBP = "webp", "WebP"

    image = models.ForeignKey(
        Image,
        verbose_name=_("image"),
        on_delete=models.CASCADE,
        related_name="renditions",
    )
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    file = models.ImageField(_("file"), upload_to="renditions/")

    class Meta:
        verbose_name = _("image rendition")
        verbose_name_plural = _("image renditions")
        ordering = ["image", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "width", "format"], name="rendition_unique"
            )
        ]

    def __str__(self):
        return f"{self.image_id} {self.width}w {self.format}"


class StoryReads(models.Model):
    """How many times readers opened a public story on a given day."""

    story = models.ForeignKey(
        Story, verbose_name=_("story"), on_delete=models.CASCADE, related_name="reads"
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("reads"), default=0)

    class Meta:
        verbose_name = _("story reads")
        verbose_name_plural = _("story reads")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["story", "day"], name="story_reads_day")
        ]
        indexes = [models.Index(fields=["day"], name="story_reads_day_idx")]

    def __str__(self):
        return f"{self.story_id} {self.day}: {self.count}"


class SourceFeed(models.Model):
    """An RSS or Atom feed of a source, polled by ``ingest_feeds``."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="feeds"
    )
    url = models.URLField(_("feed URL"), max_length=500, unique=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "For items whose own categories match none of ours. Empty: “News”."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    etag = models.CharField(_("ETag"), max_length=300, blank=True, editable=False)
    last_modified = models.CharField(
        _("Last-Modified"), max_length=100, blank=True, editable=False
    )
    last_checked_at = models.DateTimeField(
        _("last checked"), null=True, blank=True, editable=False
    )
    last_status = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True, editable=False
    )
    last_new_items = models.PositiveIntegerField(
        _("new items last time"), default=0, editable=False
    )
    last_error = models.TextField(_("last error"), blank=True, editable=False)

    class Meta:
        verbose_name = _("source feed")
        verbose_name_plural = _("source feeds")
        ordering = ["source__name", "url"]

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return self.url


class ImportKind(models.TextChoices):
    FILE = "file", _("story file")
    GUID = "guid", _("feed item GUID")
    URL = "url", _("original URL")
    WORDPRESS = "wp", _("WordPress post")
    WORDPRESS_ATTACHMENT = "wp_attachment", _("WordPress attachment")


class ImportedItem(models.Model):
    """What an import took in, keyed so that running it again creates nothing twice."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    key = models.CharField(_("key"), max_length=500)
    story = models.ForeignKey(
        Story,
        verbose_name=_("story"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="imported_items",
    )
    image = models.ForeignKey(
        Image,
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    fingerprint = models.CharField(_("content fingerprint"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    note = models.TextField(
        _("import note"),
        blank=True,
        help_text=_("Why the import held the story back; shown above its form."),
    )
    wordpress_id = models.PositiveBigIntegerField(
        _("WordPress post ID"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Old short links to the post (/?p=ID) lead to its story."),
    )

    class Meta:
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")
        ordering = ["-imported_at"]
        permissions = [
            ("import_published", _("Can import stories straight into publication")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="imported_item_key"),
            models.CheckConstraint(
                condition=Q(story__isnull=False) | Q(image__isnull=False),
                name="imported_item_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.key}"


class StoryNote(models.Model):
    """An internal remark in a story's thread, between its authors and editors."""

    story = models.ForeignKey(
        Story, verbose_name=_("story"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["story", "created_at"], name="story_note_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="story_note_not_empty")
        ]

    def __str__(self):
        return self.text[:80]


API_KEY_PREFIX = "nr_"


class ApiKey(models.Model):
    """A partner's key to the read API, for a higher rate limit. Only a hash is kept."""

    name = models.CharField(_("partner"), max_length=150)
    contact = models.EmailField(_("contact e-mail"), blank=True)
    note = models.TextField(_("note"), blank=True)
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"),
        default=600,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to revoke the key at once.")
    )
    prefix = models.CharField(_("key begins with"), max_length=16, editable=False)
    key_hash = models.CharField(
        _("key hash"), max_length=64, unique=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_limit__gte=1), name="api_key_rate_positive"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw_key: str) -> str:
        # Keys are 256 random bits, so a fast hash is as safe as a slow one here.
        return hashlib.sha256(raw_key.encode()).hexdigest()

    @staticmethod
    def cache_key(key_hash: str) -> str:
        """Return where the API keeps what it knows about a key for a minute."""
        return f"newsroom:api:key:{key_hash}"
