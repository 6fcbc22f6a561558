"""The readers' pages in Jinja2 come out as the Django templates made them."""

from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import engines
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe
from django.views.defaults import server_error

LOCALE = Path(settings.BASE_DIR) / "newsroom" / "locale"
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "jinja2"


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_values_are_escaped_and_safe_strings_kept():
    assert render("{{ v }}", v='"Abai\'s" <b> & co') == (
        "&#34;Abai&#39;s&#34; &lt;b&gt; &amp; co"
    )
    assert render("{{ v }}", v=mark_safe("<b>safe</b>")) == "<b>safe</b>"


def test_translations_escape_their_variables_but_not_themselves():
    with translation.override("en"):
        html = render(
            "{% trans name=name %}All stories from {{ name }}{% endtrans %}",
            name='"A" & <B>',
        )
    assert html == "All stories from &#34;A&#34; &amp; &lt;B&gt;"
    with translation.override("ru"):
        assert render("{{ _('Corrections') }}") == "Исправления"


def test_a_missing_name_or_attribute_shows_nothing():
    assert render("[{{ nothing }}][{{ nothing.at.all }}][{{ v.missing }}]", v=1) == (
        "[][][]"
    )


def test_dates_are_in_the_newsroom_time_zone_and_language():
    moment = datetime(2023, 10, 17, 4, 30, tzinfo=UTC)  # Almaty was UTC+6 until 2024
    with translation.override("kk"):
        assert render('{{ m|date("DATETIME_FORMAT") }}', m=moment) == (
            "2023 жылғы 17 қазан, 10:30"
        )
    with translation.override("ru"):
        assert render('{{ m|date("DATETIME_FORMAT") }}', m=moment) == (
            "17 октября 2023 г. 10:30"
        )


def test_truncatechars_cuts_as_django_does():
    assert render("{{ 'Бір екі үш төрт'|truncatechars(8) }}") == "Бір екі…"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_message_of_the_readers_pages_is_translated(language):
    catalogue = {
        e.msgid: e
        for e in polib.pofile(str(LOCALE / language / "LC_MESSAGES/django.po"))
        if e.translated()
    }
    env = engines["jinja2"].env
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        for _line, _function, message in env.extract_translations(path.read_text()):
            found.add(message[0] if isinstance(message, tuple) else message)
    assert "One story found for “%(query)s”." in found
    assert sorted(found - set(catalogue)) == []


def test_the_500_page_needs_no_database():
    # No django_db mark: any query would fail the test.
    with translation.override("kk"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert '<html lang="kk">' in response.content.decode()


def test_kept_dates_follow_the_language_and_short_texts_are_not_cut():
    moment = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
    shown = {}
    for code in ("kk", "ru", "en", "kk"):
        with translation.override(code):
            shown.setdefault(code, set()).add(
                render("{{ m|date('DATETIME_FORMAT') }}", m=moment)
            )
    assert all(len(texts) == 1 for texts in shown.values())  # the same each time
    assert len({text for texts in shown.values() for text in texts}) == 3
    assert "11:30" in next(iter(shown["ru"]))  # Almaty time, UTC+5
    assert render("{{ t|truncatechars(5) }}", t="Абай") == "Абай"
    assert render("{{ t|truncatechars(5) }}", t="Абай Құнанбайұлы") == "Абай…"


def test_each_render_speaks_its_own_language_and_leaves_none_behind():
    from articles.public import jinja

    source = "{{ _('Corrections') }}|{{ get_language() }}|{{ 'kk'|content_lang }}"
    with translation.override("ru"):
        assert render(source) == "Исправления|ru|kk"
        with translation.override("kk-latn"):
            assert render(source) == "Tüzetuler|kk-latn|kk-Latn"
        assert render(source) == "Исправления|ru|kk"
        # Outside a render, the language is Django's own again.
        assert jinja._language() == "ru"
    with translation.override("en"):
        assert jinja._language() == "en"
        assert render(source) == "Corrections|en|kk"


@pytest.mark.django_db
def test_the_masthead_and_footer_follow_the_page_section_language_and_search(client):
    from articles.models import Status
    from tests.factories import make_category, make_story

    health = make_category("Денсаулық", slug="densaulyq")
    sport = make_category("Спорт", slug="sport")
    for category in (health, sport):
        make_story(
            f"{category.name} жаңалығы", status=Status.PUBLISHED, category=category
        )

    def masthead(address):
        html = client.get(address).content.decode()
        return html.split('<nav class="sections"')[1].split("</nav>")[0], html

    nav, _html = masthead("/kk/category/densaulyq/")
    assert 'href="/kk/category/densaulyq/" aria-current="page"' in nav
    assert 'href="/kk/category/sport/">' in nav
    nav, _html = masthead("/kk/category/sport/")
    assert 'href="/kk/category/sport/" aria-current="page"' in nav
    assert 'href="/kk/category/densaulyq/">' in nav
    nav, html = masthead("/kk/")
    assert 'aria-current="page">Басты бет<' in nav
    assert "aria-current" not in html.split('class="site-footer"')[1]
    _nav, html = masthead("/ru/")
    assert ">Главная<" in html
    assert "Барлық бөлімдер" not in html
    _nav, html = masthead("/kk/search/?q=%3Cb%3E%D1%81%D0%BF%D0%BE%D1%80%D1%82")
    assert 'value="&lt;b&gt;спорт"' in html
    _nav, html = masthead("/kk/")
    assert 'name="q" placeholder="Жаңалық іздеу" value=""' in html


def test_news_times_show_the_hour_today_and_the_day_before(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.localtime().replace(hour=11, minute=15, second=0, microsecond=0)
    earlier = now - timedelta(days=3)
    local, local_earlier = timezone.localtime(now), timezone.localtime(earlier)
    with translation.override("kk"):
        today = render("{{ m|news_time }}", m=now)
        assert today == local.strftime("%H:%M")
        before = render("{{ m|news_time }}", m=earlier)
        assert before.endswith(local_earlier.strftime(", %H:%M"))
        assert str(local_earlier.day) in before
    # The next day, the same moment is no longer today's.
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    with translation.override("kk"):
        assert render("{{ m|news_time }}", m=now) != today


def test_an_update_shows_only_from_a_later_minute_on():
    published = datetime(2026, 3, 1, 18, 59, 40, tzinfo=UTC)  # 23:59 in Almaty
    source = "{{ a|later_minute(b) }}"
    assert render(source, a=published.replace(second=55), b=published) == "False"
    assert render(source, a=published.replace(minute=58), b=published) == "False"
    # 00:00 the next day in Almaty: a later minute, and another day.
    assert (
        render(source, a=published.replace(hour=19, minute=0, second=5), b=published)
        == "True"
    )
