"""A newsroom for the API tests: public stories, and stories in every state readers
must never see, each carrying a marker word that must never appear in an answer."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Correction, Status, StoryEvent, StoryNote, Tag
from articles.workflow.api_keys import api_key_create

from .factories import (
    make_author,
    make_category,
    make_chief,
    make_editor,
    make_image,
    make_source,
    make_story,
)

LANGUAGES = ["kk", "ru", "en"]
COMMON_WORD = "Алатау"
# State -> (status, publication time relative to now). Imported password-protected
# WordPress posts arrive as drafts or in review, so they are among these.
HIDDEN_STATES = {
    "draft": (Status.DRAFT, None),
    "inreview": (Status.IN_REVIEW, None),
    "changes": (Status.CHANGES_REQUESTED, None),
    "approved": (Status.APPROVED, None),
    "scheduled": (Status.PUBLISHED, timedelta(hours=6)),
    "farfuture": (Status.PUBLISHED, timedelta(days=400)),
    "withdrawn": (Status.UNPUBLISHED, -timedelta(days=1)),
    "cancelled": (Status.UNPUBLISHED, None),
}


class Newsroom:
    """Public stories in three languages, and hidden ones sharing all their lists."""

    def __init__(self):
        now = timezone.now()
        self.editor = make_editor()
        self.section = make_category(
            f"{COMMON_WORD} айдары",
            name_ru="Алатау раздел",
            name_en="Alatau section",
            slug="alatau-aidary",
        )
        self.source = make_source("Алатау ақпарат", slug="alatau-akparat")
        self.author = make_author("Алатау Авторы", slug="alatau-avtory")
        self.tag = Tag.objects.create(name=COMMON_WORD, slug="alatau")
        # Names only hidden stories carry: no list may name them.
        self.hidden_source = make_source("leaksourcename", slug="leak-source")
        self.hidden_author = make_author("leakauthorname", slug="leak-author")
        self.hidden_tag = Tag.objects.create(name="leaktagname", slug="leak-tag")
        self.image = make_image(alt_text=f"{COMMON_WORD} суреті", caption="Көше")
        self.hidden_image = make_image(alt_text="leakimagealt", caption="leakcaption")
        self.markers = {"leaksourcename", "leakauthorname", "leaktagname"}
        self.markers |= {"leakimagealt", "leakcaption"}
        self.hidden, self.visible = {}, {}
        for language in LANGUAGES:
            public = self._story(
                f"seen{language}", language, Status.PUBLISHED, now - timedelta(hours=1)
            )
            public.hero_image = self.image
            public.save(update_fields=["hero_image"])
            self.visible[language] = public
            for key, (status, offset) in HIDDEN_STATES.items():
                marker = f"leak{key}{language}"
                story = self._story(
                    marker, language, status, offset and now + offset, hidden=True
                )
                # A hidden version of a public story must not show among its
                # versions either.
                story.translation_of = self.visible["kk"]
                story.save(update_fields=["translation_of"])
                Correction.objects.create(story=story, note=f"{marker}correction")
                self.hidden[marker] = story
                self.markers |= {marker, f"{marker}correction"}
            # Internal notes and the audit trail of a public story stay internal.
            StoryNote.objects.create(
                story=public, author=self.editor, text=f"leaknote{language}"
            )
            StoryEvent.objects.create(
                story=public,
                actor=self.editor,
                action="correct",
                from_status=Status.PUBLISHED,
                to_status=Status.PUBLISHED,
                note=f"leakevent{language}",
            )
            self.markers |= {f"leaknote{language}", f"leakevent{language}"}
        Correction.objects.create(story=self.visible["kk"], note="Көпшілік түзетуі")
        self.key, self.raw_key = api_key_create(
            name="Серіктес", rate_limit=100_000, created_by=make_chief()
        )

    def _story(self, marker, language, status, published_at, *, hidden=False):
        story = make_story(
            f"{COMMON_WORD} {marker} жаңалығы {marker.replace('leak', 'find')}",
            slug=f"{'hidden' if hidden else 'public'}-{marker}",
            status=status,
            published_at=published_at,
            language=language,
            category=self.section,
            source=self.source,
            dek=f"{COMMON_WORD} түйіні {marker}",
            body=f"<p>{COMMON_WORD} мәтіні {marker}.</p>",
            authors=[self.author],
        )
        story.tags.add(self.tag)
        if hidden:
            story.source = self.hidden_source
            story.hero_image = self.hidden_image
            story.save(update_fields=["source", "hero_image"])
            story.authors.add(self.hidden_author)
            story.tags.add(self.hidden_tag)
        return story

    def leaks(self, text: str) -> list[str]:
        """Return the markers of hidden things found in text (lower-cased)."""
        text = text.lower()
        found = [m for m in self.markers if m in text]
        found += [
            f"id {story.pk}"
            for story in self.hidden.values()
            if f'/api/v1/stories/{story.pk}"' in text
            or f"/api/v1/stories/{story.pk}?" in text
            or f'"id":{story.pk},' in text
        ]
        found += [s.slug for s in self.hidden.values() if s.slug in text]
        return found
