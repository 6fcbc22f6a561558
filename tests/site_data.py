"""A small trilingual newsroom for the public-site tests."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from articles.core.renditions import make_renditions
from articles.models import Correction, Status, Story, Tag

from .factories import (
    image_bytes,
    make_author,
    make_category,
    make_image,
    make_source,
    make_story,
    upload,
)

KK_HEADLINE = "Түркістанда жаңа көпбейінді аурухана ашылды"
RU_HEADLINE = "В Туркестане открылась новая многопрофильная больница"
EN_HEADLINE = "A new general hospital opens in Turkistan"
DRAFT_HEADLINE = "Жарияланбаған құпия жоба туралы"
SCHEDULED_HEADLINE = "Ертең шығатын жаңалық әлі көрінбеуі тиіс"
WITHDRAWN_HEADLINE = "Алынып тасталған жаңалық"
CORRECTION_NOTE = "Аурухананың төсек саны 300 емес, 320 екені түзетілді."


@dataclass
class Site:
    category: object
    other_category: object
    source: object
    tag: object
    author: object
    kk: Story
    ru: Story
    en: Story
    draft: Story
    scheduled: Story
    withdrawn: Story
    extra: list = field(default_factory=list)


def build_site(extra: int = 0) -> Site:
    """Create public stories in three languages, plus some readers must not see."""
    category = make_category("Денсаулық", name_ru="Здоровье", name_en="Health")
    other = make_category("Экономика", name_ru="Экономика", name_en="Economy")
    source = make_source(
        "TuraNews",
        is_own=True,
        home_url="https://turanews.kz/",
        attribution_kk="деп хабарлайды TuraNews.kz",
        attribution_ru="сообщает TuraNews.kz",
        attribution_en="TuraNews.kz reports",
    )
    tag = Tag.objects.create(name="аурухана")
    author = make_author("Әйгерім Садықова")
    image = make_image(caption="Жаңа аурухана ғимараты", credit="TuraNews")
    wide = make_image(alt_text="Аурухана дәлізі")
    wide.file.save("wide.jpg", upload(image_bytes(size=(1600, 900))), save=True)
    make_renditions(image)
    make_renditions(wide)
    published = timezone.now() - timedelta(hours=2)
    kk = make_story(
        KK_HEADLINE,
        status=Status.PUBLISHED,
        published_at=published,
        category=category,
        source=source,
        original_url="https://turanews.kz/kk/news/hospital",
        dek="Облыс орталығындағы ауруханада 600-ден астам медицина қызметкері еңбек етеді.",
        body="<p>Түркістан қаласында 300 төсек-орынға арналған аурухана ашылды.</p>",
        hero_image=wide,
        authors=[author],
    )
    kk.tags.add(tag)
    ru = make_story(
        RU_HEADLINE,
        status=Status.PUBLISHED,
        published_at=published,
        category=category,
        language="ru",
        translation_of=kk,
        dek="В больнице работают более 600 медиков.",
        body="<p>В Туркестане открылась больница на 300 коек.</p>",
        hero_image=image,
    )
    en = make_story(
        EN_HEADLINE,
        status=Status.PUBLISHED,
        published_at=published,
        category=category,
        language="en",
        translation_of=kk,
        body="<p>A 300-bed hospital opened in Turkistan.</p>",
    )
    draft = make_story(DRAFT_HEADLINE, category=category, source=source)
    draft.tags.add(tag)
    draft.authors.add(author)
    scheduled = make_story(
        SCHEDULED_HEADLINE,
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
        category=category,
        source=source,
        authors=[author],
    )
    withdrawn = make_story(
        WITHDRAWN_HEADLINE,
        status=Status.UNPUBLISHED,
        published_at=published,
        category=category,
    )
    Correction.objects.create(story=kk, note=CORRECTION_NOTE)
    Correction.objects.create(story=draft, note="Жасырын түзету")
    site = Site(
        category, other, source, tag, author, kk, ru, en, draft, scheduled, withdrawn
    )
    if extra:
        site.extra = make_many(extra, categories=[category, other], source=source)
    return site


def make_many(count: int, *, categories, source, image=None) -> list[Story]:
    """Bulk-create public stories in all three languages (for query budgets)."""
    now = timezone.now()
    languages = ["kk", "ru", "en"]
    stories = [
        Story(
            headline=f"Жаңалық нөмірі {n}",
            slug=f"many-{n}",
            dek="Қысқаша мазмұны",
            body="<p>Мәтін</p>",
            body_text="Мәтін",
            language=languages[n % 3],
            category=categories[n % len(categories)],
            source=source,
            status=Status.PUBLISHED,
            published_at=now - timedelta(minutes=10 + n),
            hero_image=image,
        )
        for n in range(count)
    ]
    return Story.objects.bulk_create(stories)
