"""Who imports, and the sections, sources, authors and tags items name."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy

from articles.core.text import latin_slugify
from articles.ingest.summary import ItemError
from articles.models import (
    Author,
    Category,
    ImportedItem,
    Language,
    Source,
    Tag,
    unique_slug,
)
from articles.workflow import roles, rules

ERROR_NO_USER = gettext_lazy("There is no user “%(username)s”.")


ERROR_UNKNOWN_CATEGORY = gettext_lazy(
    "There is no section “%(name)s”. Use an existing section, or ask a chief "
    "editor to create this one first."
)


ERROR_UNKNOWN_SOURCE = gettext_lazy(
    "There is no source “%(name)s”. Use an existing source, or ask a chief editor "
    "to create this one first."
)


ERROR_UNKNOWN_AUTHOR = gettext_lazy(
    "There is no author “%(name)s”. Ask a chief editor to create them first."
)


ERROR_UNKNOWN_TAG = gettext_lazy("There is no tag “%(name)s”.")


IMPORTER_USERNAME = "importer"


# Where items go whose own categories match none of ours.
NEWS_CATEGORY = {"name": "Жаңалықтар", "name_ru": "Новости", "name_en": "News"}


def fold_name(name: str) -> str:
    """Return a name as names are compared: spaces, width and case folded."""
    return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()


_fold = fold_name


def news_category() -> Category:
    """Return the general news section, created on first use."""
    found = Category.objects.filter(name=NEWS_CATEGORY["name"]).first()
    return found or Category.objects.create(**NEWS_CATEGORY)


def importer_user(username: str | None = None):
    """Return the account an import acts as: the named user, or the system importer.

    The system importer is a staff account without a password (nobody can log in
    as it) in the Editor group, so it may submit and publish what it imports.
    """
    users = get_user_model()._default_manager
    if username:
        try:
            return users.get(username=username)
        except get_user_model().DoesNotExist:
            raise ItemError(ERROR_NO_USER % {"username": username}) from None
    user, created = users.get_or_create(
        username=IMPORTER_USERNAME,
        defaults={"is_staff": True, "is_active": True, "first_name": "Importer"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


def may_publish_imports(user) -> bool:
    """Return whether user may import stories straight into publication.

    Publishing unread copy in bulk is for chief editors: it takes both the right
    to publish and the dedicated right to import published stories.
    """
    return rules.allowed(user, "story", "publish") and rules.allowed(
        user, "import", "publish"
    )


class Catalog:
    """Categories, sources, tags and authors by name, looked up once per run.

    Names match case-insensitively in any language (done in Python: SQLite folds
    only ASCII). Call ``forget`` after a rolled-back transaction, whose new rows
    are gone.

    With a user (an upload in the admin), a name not found is created only when
    the capability matrix lets that user add one: a journalist's story file may
    only use the sections and sources that exist. Without one (the command line,
    run by whoever runs the server) names are created as they come.
    """

    def __init__(self, user=None):
        self.user = user
        self.forget()

    def _may_add(self, kind: str, error, name: str) -> None:
        if self.user is not None and not rules.allowed(self.user, kind, "add"):
            raise ItemError(error % {"name": name})

    def forget(self) -> None:
        self._categories: dict[str, Category] | None = None
        self._sources: dict[str, Source] | None = None
        self._tags: dict[str, Tag] = {}
        self._authors: dict[str, Author] = {}

    def _category_index(self) -> dict[str, Category]:
        if self._categories is None:
            self._categories = {}
            for category in Category.objects.order_by("pk"):
                for name in (category.name, category.name_ru, category.name_en):
                    if name:
                        self._categories.setdefault(_fold(name), category)
        return self._categories

    def find_category(self, name: str) -> Category | None:
        return self._category_index().get(_fold(name))

    def category(
        self,
        name: str,
        language: str,
        slug_hint: str = "",
        parents: Iterable[tuple[str, str]] = (),
    ) -> Category:
        """Return the category called name in any language, creating it if new.

        parents are (name, slug hint) pairs, the outermost first: a new category
        is made under them (they too are found or made). A category that exists
        keeps the place the newsroom gave it.
        """
        parent = None
        for parent_name, parent_hint in parents:
            parent = self._category(parent_name, language, parent_hint, parent)
        return self._category(name, language, slug_hint, parent)

    def _category(
        self, name: str, language: str, slug_hint: str, parent: Category | None
    ) -> Category:
        name = " ".join(name.split())
        if len(name) > MAX_NAME_CHARS:
            raise ItemError(ERROR_NAME_TOO_LONG % {"name": name[:40]})
        found = self.find_category(name)
        if found is not None:
            return found
        self._may_add("category", ERROR_UNKNOWN_CATEGORY, name)
        category = Category(name=name, parent=parent)
        if language == Language.RUSSIAN:
            category.name_ru = name
        elif language == Language.ENGLISH:
            category.name_en = name
        category.slug = unique_slug(Category, slug_hint or name)
        category.save()
        self._category_index()[_fold(name)] = category
        return category

    def source(self, name: str) -> Source:
        """Return the source called name (or with that slug), creating it if new."""
        name = " ".join(name.split())
        if len(name) > MAX_NAME_CHARS:
            raise ItemError(ERROR_NAME_TOO_LONG % {"name": name[:40]})
        if self._sources is None:
            self._sources = {}
            for source in Source.objects.all():
                self._sources.setdefault(_fold(source.name), source)
                self._sources.setdefault(source.slug, source)
        found = self._sources.get(_fold(name)) or self._sources.get(latin_slugify(name))
        if found is None:
            self._may_add("source", ERROR_UNKNOWN_SOURCE, name)
            found = Source.objects.create(name=name)
            self._sources[_fold(name)] = found
        return found

    def tags(self, names: Iterable[str]) -> list[Tag]:
        wanted = []
        for name in names:
            name = " ".join(name.split())
            if name and name not in wanted:
                if len(name) > MAX_NAME_CHARS:
                    raise ItemError(ERROR_NAME_TOO_LONG % {"name": name[:40]})
                wanted.append(name)
        missing = [n for n in wanted if n not in self._tags]
        if missing:
            for tag in Tag.objects.filter(name__in=missing):
                self._tags[tag.name] = tag
            for name in missing:
                if name not in self._tags:
                    self._may_add("tag", ERROR_UNKNOWN_TAG, name)
                    self._tags[name] = Tag.objects.create(name=name)
        return [self._tags[n] for n in wanted]

    def authors(self, names: Iterable[str]) -> list[Author]:
        found = []
        for name in names:
            name = " ".join(name.split())
            if not name:
                continue
            if len(name) > MAX_NAME_CHARS:
                raise ItemError(ERROR_NAME_TOO_LONG % {"name": name[:40]})
            if name not in self._authors:
                author = Author.objects.filter(name=name).order_by("pk").first()
                if author is None:
                    self._may_add("author", ERROR_UNKNOWN_AUTHOR, name)
                    author = Author.objects.create(name=name)
                self._authors[name] = author
            if self._authors[name] not in found:
                found.append(self._authors[name])
        return found


def key_for(value: str) -> str:
    """Return value as a dedup key, hashed when it is too long to store."""
    value = value.strip()
    if len(value) <= MAX_KEY_CHARS:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


MAX_NAME_CHARS = 100


MAX_KEY_CHARS: int = ImportedItem._meta.get_field("key").max_length or 500


ERROR_NAME_TOO_LONG = gettext_lazy(
    "“%(name)s…” is too long for a category, tag, author or source name."
)
