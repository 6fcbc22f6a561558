"""Security headers on every page: an enforced CSP, Permissions-Policy, no framing."""

import pytest
from django.urls import reverse
from django.utils import translation

from .factories import make_category, make_chief, make_image, make_story

pytestmark = pytest.mark.django_db


def directives(response):
    assert "Content-Security-Policy-Report-Only" not in response
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


@pytest.fixture
def story():
    category = make_category("Экономика", slug="ekonomika")
    return make_story(
        "Түркістанда жаңа зауыт ашылды",
        status="published",
        category=category,
        hero_image=make_image(),
    )


def public_urls(story):
    with translation.override("kk"):
        return [
            "/kk/",
            story.category.get_absolute_url(),
            story.get_absolute_url(),
            reverse("articles:search") + "?q=зауыт",
            "/ru/",
            "/en/",
        ]


def test_public_pages_carry_the_strict_policy(client, story):
    for url in public_urls(story) * 2:  # the second round comes from the page cache
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]  # no inline script on public pages
        assert policy["style-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert "style-src-attr" not in policy
        assert response["X-Frame-Options"] == "DENY"


def test_admin_pages_allow_scripts_only_from_the_site(client, story):
    client.force_login(make_chief())
    for url in [
        reverse("admin:login"),
        reverse("admin:index"),
        reverse("admin:articles_story_changelist"),
        reverse("admin:articles_story_add"),
        reverse("admin:articles_story_change", args=[story.pk]),
    ]:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        policy = directives(response)
        assert "'unsafe-inline'" not in policy["script-src"]
        assert "'unsafe-eval'" not in policy["script-src"]
        assert policy["style-src"] == ["'self'"]
        # CKEditor 5 sizes pictures with style attributes: that much, no more.
        assert policy["style-src-attr"] == ["'unsafe-inline'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]


def test_admin_pages_have_no_inline_script_or_handler(client, story):
    client.force_login(make_chief())
    page = client.get(reverse("admin:articles_story_change", args=[story.pk]))
    html = page.content.decode()
    assert " onchange=" not in html
    assert " onclick=" not in html
    for script in html.split("<script")[1:]:
        opening = script.split(">", 1)[0]
        assert "src=" in opening or 'type="application/json"' in opening, opening


def test_powerful_features_are_off(client, story):
    response = client.get("/kk/")
    features = dict(
        item.strip().split("=") for item in response["Permissions-Policy"].split(",")
    )
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert features[feature] == "()"


def test_static_files_and_media_cannot_be_framed(client, story):
    for url in ["/static/css/site.css", "/static/img/favicon.svg"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Frame-Options"] == "DENY"
        policy = directives(response)
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["default-src"] == ["'none'"]
    media = client.get(story.hero_image.file.url)
    assert media.status_code == 200
    assert media["X-Frame-Options"] == "DENY"
    assert directives(media)["frame-ancestors"] == ["'none'"]


def test_the_policy_built_once_still_follows_nonces_and_the_admin(rf):
    from csp.exceptions import CSPNonceError
    from django.http import HttpResponse

    from newsroom.headers import ContentSecurityPolicyMiddleware

    plain = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))
    first, second = plain(rf.get("/kk/")), plain(rf.get("/kk/"))
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert "nonce" not in first["Content-Security-Policy"]
    admin = plain(rf.get("/admin/"))["Content-Security-Policy"]
    assert "style-src-attr 'unsafe-inline'" in admin
    assert "style-src-attr" not in plain(rf.get("/kk/"))["Content-Security-Policy"]

    def with_script(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    scripted = ContentSecurityPolicyMiddleware(with_script)
    one, other = scripted(rf.get("/kk/")), scripted(rf.get("/kk/"))
    assert "'nonce-" in one["Content-Security-Policy"]
    assert one["Content-Security-Policy"] != other["Content-Security-Policy"]
    # A nonce asked for once the header is written is refused, as django-csp does.
    request = rf.get("/kk/")
    plain(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
