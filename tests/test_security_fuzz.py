"""Walk every URL pattern and every admin list filter with hostile input: no 5xx.

The patterns are read from the URLconf and the filters from the admin's own
change lists, so a page or a filter added later is fuzzed without touching this
file. Each address is tried with valid values first (so the page itself works),
then with one hostile value at a time in each place a value can go.
"""

import re
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import timezone, translation

from articles.models import (
    ImportedItem,
    ImportKind,
    SourceFeed,
    Status,
    StoryRedirect,
    Tag,
)

from .factories import (
    make_author,
    make_category,
    make_image,
    make_journalist,
    make_source,
    make_story,
    make_user,
)

pytestmark = pytest.mark.django_db

# Already percent-encoded where it matters: sent as they are.
HOSTILE_SEGMENTS = [
    "%00",
    "a%00b",
    "9" * 40,
    "%ff%fe%fd",
    "%c0%ae%c0%ae",
    "..%2f..%2f..%2fetc%2fpasswd",
    "x" * 2100,
    "%3Cscript%3E",
]
HOSTILE_VALUES = [
    "%00",
    "9" * 40,
    "-1",
    "%ff%fe",
    "1e309",
    "2024-13-45",
    "%27%22%3C%3E",
]
# Query parameters of the public pages (and the search form's fields).
PUBLIC_PARAMETERS = [
    "page",
    "q",
    "category",
    "source",
    "language",
    "date_from",
    "date_to",
]
# Parameters every admin change list reads besides its filters.
CHANGELIST_PARAMETERS = ["q", "p", "o", "_to_field", "_popup", "e", "all"]
# The admin's own catch-all and login pages: fuzzed through their paths only.
ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


def url_patterns():
    """Return (pieces, pattern) for every URL pattern of the project."""
    found = []

    def walk(patterns, pieces):
        for entry in patterns:
            here = [*pieces, entry.pattern]
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, here)
            elif isinstance(entry, URLPattern):
                found.append((here, entry))

    walk(get_resolver().url_patterns, [])
    return found


def template_of(pieces) -> str:
    """Return the pattern as a path with <name> placeholders (regex groups too)."""
    out = []
    for piece in pieces:
        if isinstance(piece, LocalePrefixPattern):
            out.append(piece.language_prefix)
        elif isinstance(piece, RoutePattern):
            out.append(str(piece._route))
        elif isinstance(piece, RegexPattern):
            text = piece._regex.lstrip("^").rstrip("$")
            out.append(REGEX_GROUP.sub(lambda m: f"<{m['name']}>", text))
        else:
            out.append(str(piece))
    return "/" + "".join(out)


def regex_choices(pieces) -> dict[str, str]:
    """Return a valid value for regex groups that are a list of alternatives."""
    choices = {}
    for piece in pieces:
        if isinstance(piece, RegexPattern):
            for match in REGEX_GROUP.finditer(piece._regex):
                body = match["body"]
                if "|" in body and re.fullmatch(r"[\w|]+", body):
                    choices[match["name"]] = body.split("|")[-1]
    return choices


class Newsroom:
    """One object of every kind an address can name."""

    def __init__(self):
        self.category = make_category("Қоғам", slug="qogam")
        self.source = make_source("Дереккөз", slug="derekkoz")
        self.author = make_author("Айгүл Нұрланқызы", slug="aigul")
        self.tag = Tag.objects.create(name="тег", slug="teg")
        self.image = make_image()
        self.story = make_story(
            "Жарияланған жаңалық",
            slug="zhariyalangan",
            status=Status.PUBLISHED,
            category=self.category,
            source=self.source,
            authors=[self.author],
            hero_image=self.image,
        )
        self.story.tags.add(self.tag)
        self.draft = make_story("Жоба", slug="zhoba", category=self.category)
        self.redirect = StoryRedirect.objects.create(
            old_path="/2020/01/01/old/", story=self.story
        )
        self.feed = SourceFeed.objects.create(
            source=self.source, url="https://example.kz/rss"
        )
        self.item = ImportedItem.objects.create(
            kind=ImportKind.FILE, key="file:1", story=self.story
        )
        self.admin = make_user(superuser=True, username="root")
        self.journalist = make_journalist(username="jurnalist")
        when = timezone.localtime(self.story.published_at)
        self.values = {
            "year": str(when.year),
            "month": str(when.month),
            "day": str(when.day),
            "slug": self.category.slug,
            "category": self.category.slug,
            "section": "stories",
            "token": "x",
            "pk": str(self.story.pk),
            "version_id": "1",
            "id": str(self.admin.pk),
            "path": "",
            "url": "",
        }
        self.objects = {
            "articles_story": self.story,
            "articles_image": self.image,
            "articles_category": self.category,
            "articles_source": self.source,
            "articles_tag": self.tag,
            "articles_author": self.author,
            "articles_storyredirect": self.redirect,
            "articles_sourcefeed": self.feed,
            "articles_importeditem": self.item,
            "accounts_user": self.admin,
        }

    def valid(self, name: str, entry, pieces) -> str:
        if name == "object_id":
            prefix = "_".join((entry.name or "").split("_")[:2])
            target = self.objects.get(prefix)
            return str(target.pk) if target is not None else "1"
        if name == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            return str(ContentType.objects.get_for_model(self.story).pk)
        if name == "slug" and entry.name == "story":
            return self.story.slug
        return regex_choices(pieces).get(name, self.values.get(name, "x"))


def addresses(site: Newsroom, *, admin_only=False):
    """Yield every address to try: valid, then one hostile value per place."""
    seen = set()
    for pieces, entry in url_patterns():
        template = template_of(pieces)
        if admin_only and not template.startswith("/admin/"):
            continue
        names = [m["name"] for m in ROUTE_PARAM.finditer(template)]
        valid = {n: site.valid(n, entry, pieces) for n in names}
        if entry.name == "story":
            valid["category"] = site.category.slug
            valid["slug"] = site.story.slug

        def fill(values, template=template):
            return ROUTE_PARAM.sub(lambda found: values[found["name"]], template)

        base = fill(valid)
        variants = [base]
        for name in names:
            variants += [fill({**valid, name: bad}) for bad in HOSTILE_SEGMENTS]
        # Only one language is fuzzed in depth: the patterns are the same.
        if isinstance(pieces[0], LocalePrefixPattern) and not base.startswith("/kk/"):
            variants = [base]
        for address in variants:
            if address not in seen:
                seen.add(address)
                yield address
    if admin_only:
        return
    for tail in ["%00", "no%00such/page/", "kk/%00/", "%ff%fe/", "....//", "9" * 40]:
        yield f"/{tail}"
        yield f"/kk/{tail}"
        yield f"/admin/{tail}"
    for page in ["/kk/", "/kk/search/", "/kk/corrections/", "/kk/category/qogam/"]:
        for name in PUBLIC_PARAMETERS:
            for bad in HOSTILE_VALUES:
                yield f"{page}?{name}={bad}"


def changelist_addresses(site: Newsroom):
    """Yield every admin change list with one hostile value in each of its filters."""
    request = RequestFactory().get("/")
    request.user = site.admin
    for model, model_admin in admin.site._registry.items():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        cl = model_admin.get_changelist_instance(request)
        assert isinstance(cl, ChangeList)
        names = set(CHANGELIST_PARAMETERS)
        for spec in cl.filter_specs:
            names.update(spec.expected_parameters())
        if model_admin.date_hierarchy:
            field = model_admin.date_hierarchy
            names.update(f"{field}__{part}" for part in ("year", "month", "day"))
            yield f"{url}?{field}__year=2024&{field}__month=2&{field}__day=30"
            yield f"{url}?{field}__year={'9' * 40}&{field}__month=1"
        for name in sorted(names):
            for bad in HOSTILE_VALUES:
                yield f"{url}?{quote(name)}={bad}"
        # Autocomplete of every field that offers it.
        for field in getattr(model_admin, "autocomplete_fields", []):
            for bad in ["%00", "9" * 40, "%ff"]:
                yield (
                    f"/admin/autocomplete/?app_label={model._meta.app_label}"
                    f"&model_name={model._meta.model_name}&field_name={field}"
                    f"&term={bad}"
                )


def server_errors(client, urls) -> list[str]:
    failed = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failed.append(f"{response.status_code} {url[:200]}")
    return failed


@pytest.fixture
def site():
    return Newsroom()


@pytest.mark.parametrize("who", ["anonymous", "journalist", "administrator"])
def test_no_address_answers_a_server_error(site, who):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(site.journalist if who == "journalist" else site.admin)
    # The administrator walks the admin only: the public pages are the same.
    urls = list(addresses(site, admin_only=who == "administrator"))
    assert len(urls) > 300
    with translation.override("kk"):
        failed = server_errors(client, urls)
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("who", ["journalist", "administrator"])
def test_no_admin_filter_answers_a_server_error(site, who):
    client = Client(raise_request_exception=False)
    client.force_login(site.journalist if who == "journalist" else site.admin)
    urls = list(changelist_addresses(site))
    assert len(urls) > 300
    failed = server_errors(client, urls)
    assert not failed, "\n".join(failed)
