import pytest
from django.urls import reverse

from articles.models import Image, Status, Story

from .factories import (
    image_bytes,
    make_category,
    make_chief,
    make_editor,
    make_journalist,
    make_story,
    upload,
)

pytestmark = pytest.mark.django_db


def test_journalist_writes_a_kazakh_story_with_formatting(client):
    journalist = make_journalist()
    category = make_category()
    client.force_login(journalist)
    response = client.post(
        reverse("admin:articles_story_add"),
        {
            "headline": "Түркістанда жаңа саябақ ашылды",
            "slug": "",
            "dek": "Қала тұрғындары демалыс орнына ие болды.",
            "body": '<h2>Саябақ</h2><p><strong>Жаңа</strong> саябақ <a href="https://turanews.kz">ашылды</a>.</p><script>x()</script>',
            "language": "kk",
            "category": category.pk,
            "source": "",
            "original_url": "",
            "corrections-TOTAL_FORMS": 0,
            "corrections-INITIAL_FORMS": 0,
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Story.objects.get()
    assert story.slug == "turkistanda-zhanga-sayabaq-ashyldy"
    assert story.status == Status.DRAFT
    assert story.created_by == journalist
    assert "<strong>Жаңа</strong>" in story.body
    assert "script" not in story.body


def test_status_cannot_be_posted_through_the_form(client):
    journalist = make_journalist()
    story = make_story("Жоба", created_by=journalist)
    client.force_login(journalist)
    client.post(
        reverse("admin:articles_story_change", args=[story.pk]),
        {
            "headline": "Жоба", "slug": story.slug, "dek": "", "body": "<p>x</p>",
            "language": "kk", "category": story.category_id, "status": "published",
            "published_at_0": "01.01.2024", "published_at_1": "10:00",
            "corrections-TOTAL_FORMS": 0, "corrections-INITIAL_FORMS": 0,
            "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    story.refresh_from_db()
    assert story.status == Status.DRAFT
    assert story.published_at is None


def test_changelist_filters_search_and_query_count(
    client, django_assert_max_num_queries
):
    editor = make_editor()
    category = make_category()
    for n in range(30):
        make_story(f"Жаңалық {n}", category=category, status=Status.PUBLISHED)
    client.force_login(editor)
    url = reverse("admin:articles_story_changelist")
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    for query in ["?status__exact=published", "?language__exact=kk", "?q=Жаңалық",
                  f"?category__id__exact={category.pk}"]:  # fmt: skip
        assert client.get(url + query).status_code == 200


def test_changelist_queries_do_not_grow_with_rows(
    client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    editor = make_editor()
    category = make_category()
    client.force_login(editor)
    url = reverse("admin:articles_story_changelist")
    make_story("Бір", category=category)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(40):
        make_story(f"Көп {n}", category=category)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_editor_upload_from_ckeditor_goes_through_validation(client):
    journalist = make_journalist()
    client.force_login(journalist)
    url = reverse("editor_image_upload")
    ok = client.post(url, {"upload": upload(image_bytes(), name="сурет.jpg")})
    assert ok.status_code == 200
    assert ok.json()["url"].startswith("/media/images/")
    bad = client.post(url, {"upload": upload(b"GIF89a broken", name="x.gif")})
    assert bad.status_code == 400
    assert bad.json()["error"]["message"]
    assert Image.objects.count() == 1


def test_editor_upload_needs_a_staff_login(client):
    response = client.post(
        reverse("editor_image_upload"), {"upload": upload(image_bytes())}
    )
    assert response.status_code == 302
    assert Image.objects.count() == 0


def test_journalist_cannot_edit_someone_elses_story(client):
    author, other = make_journalist(), make_journalist()
    story = make_story("Бөтен", created_by=other, status=Status.PUBLISHED)
    client.force_login(author)
    response = client.get(reverse("admin:articles_story_change", args=[story.pk]))
    # Journalists may read the desk's published work but get no form to change it.
    assert response.status_code == 200
    assert b'name="headline"' not in response.content


def test_journalist_does_not_see_a_colleagues_draft(client):
    author, other = make_journalist(), make_journalist()
    story = make_story("Бөтен жоба", created_by=other)
    client.force_login(author)
    response = client.get(
        reverse("admin:articles_story_change", args=[story.pk]), follow=True
    )
    assert "Бөтен жоба" not in response.content.decode()


@pytest.mark.parametrize(
    ("maker", "allowed"),
    [(make_journalist, False), (make_editor, False), (make_chief, True)],
)
def test_only_chief_editors_manage_categories(client, maker, allowed):
    client.force_login(maker())
    response = client.get(reverse("admin:articles_category_add"))
    assert (response.status_code == 200) is allowed
