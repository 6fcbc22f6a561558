"""Every public page is well-formed HTML5, checked by a strict HTML5 parser."""

import html5lib
import pytest
from django.urls import reverse
from django.utils import translation

from .site_data import build_site
from .test_site import LANGUAGES, list_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return build_site()


def pages(site, language):
    with translation.override(language):
        search = reverse("articles:search") + "?q=Түркістан"
        # The Latin-script edition (kk-latn) serves the Kazakh stories.
        story = getattr(site, language[:2]).get_absolute_url()
    return [
        *list_pages(site, language),
        story,
        search,
        f"/{language}/no-such-section/no-such-story/",
    ]


@pytest.mark.parametrize("language", [*LANGUAGES, "kk-latn"])
def test_public_pages_are_valid_html5(client, site, language):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for address in pages(site, language):
        response = client.get(address)
        assert response.status_code in (200, 404), address
        html = response.content.decode()
        try:
            parser.parse(html)
        except html5lib.html5parser.ParseError as error:
            line, column = parser.errors[0][0] if parser.errors else (0, 0)
            context = html.splitlines()[line - 1][max(column - 80, 0) : column + 40]
            pytest.fail(f"{address}: {error} at {line}:{column}: {context}")
