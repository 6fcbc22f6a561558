from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import two_factor
from articles.core import cache as caching
from articles.core.clock import NEWSROOM_TZ, newsroom_time
from articles.core.text import latin_slugify
from articles.ingest.command import LocalizedCommand
from articles.ingest.demo import content as demo_data
from articles.ingest.demo.pictures import draw_picture
from articles.models import (
    Author,
    Category,
    Source,
    Story,
    StoryEvent,
    Tag,
)
from articles.search import index as search_index
from articles.workflow import catalog, roles, services
from articles.workflow.rules import must_use_two_factor

ACCOUNTS = [
    # username, password, role, superuser, first name, last name
    ("journalist", "journalist-demo", roles.JOURNALIST, False, "Әйгерім", "Садықова"),
    ("editor", "editor-demo", roles.EDITOR, False, "Нұрлан", "Есенов"),
    ("chief", "chief-demo", roles.CHIEF_EDITOR, False, "Гүлнар", "Омарова"),
    ("admin", "admin-demo", roles.CHIEF_EDITOR, True, "Admin", ""),
]


class Command(LocalizedCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Fill the database with a demo newsroom: sections, sources, people, stories."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help=gettext_lazy("Load demo content even in production mode."),
        )
        super().add_arguments(parser)

    def handle(self, *args, allow_production=False, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                _(
                    "Refusing to load demo accounts with known passwords "
                    "in production mode."
                )
            )
        with transaction.atomic():
            roles.sync_roles()
            users = self._accounts()
            # Chief editors and administrators must sign in with a second factor.
            devices = {
                user.username: two_factor.two_factor_demo_device(user=user)
                for user in users.values()
                if must_use_two_factor(user)
            }
            categories = self._categories()
            sources = self._sources()
            authors = self._authors(users)
            # Indexed once at the end, after the demo's publication times are set.
            with search_index.bulk_indexing():
                created = self._stories(users, categories, sources, authors)
        if created:
            # The running site shows the demo at once, as after an editor's change.
            caching.purge_public()
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo newsroom ready: %(count)d new stories.") % {"count": created}
            )
        )
        self.stdout.write(_("Demo accounts (log in at /admin/):"))
        for username, password, role, superuser, *_names in ACCOUNTS:
            label = "administrator" if superuser else role.lower()
            self.stdout.write(f"  {label:<13} {username} / {password}")
        self._print_two_factor(devices)

    def _print_two_factor(self, devices):
        self.stdout.write(
            "Two-factor sign-in (demo only): after the password the admin asks for "
            "a code. Add the key to an authenticator app, or open the setup address:"
        )
        for username, device in devices.items():
            key = two_factor.readable_key(device.key)
            self.stdout.write(f"  {username:<13} key {key}")
            self.stdout.write(f"  {'':<13} {device.config_url}")
        self.stdout.write(
            "  Without an app: `python manage.py demo_code chief` prints the code."
        )

    def _accounts(self):
        User = get_user_model()
        users = {}
        for username, password, role, superuser, first, last in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@newsroom.example",
                    "is_staff": True,
                    "is_superuser": superuser,
                },
            )
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users

    def _categories(self):
        found = {}
        for position, item in enumerate(demo_data.CATEGORIES):
            found[item["slug"]], _ = Category.objects.get_or_create(
                slug=item["slug"],
                defaults={
                    "name": item["name"],
                    "name_ru": item["name_ru"],
                    "name_en": item["name_en"],
                    "description": item.get("description", ""),
                    "position": position,
                },
            )
        return found

    def _sources(self):
        found = {}
        for item in demo_data.SOURCES:
            fields = {k: v for k, v in item.items() if k != "slug"}
            found[item["slug"]], _ = Source.objects.get_or_create(
                slug=item["slug"], defaults=fields
            )
        return found

    def _authors(self, users):
        found = {}
        for item in demo_data.AUTHORS:
            found[item["slug"]], _ = Author.objects.get_or_create(
                slug=item["slug"],
                defaults={
                    "name": item["name"],
                    "bio": item.get("bio", ""),
                    "user": users.get(item.get("user") or ""),
                },
            )
        return found

    def _tag(self, name):
        tag = Tag.objects.filter(name=name.strip()).first()
        return tag or Tag.objects.create(name=name)

    def _picture(self, item, user):
        spec = item["image"]
        data = draw_picture(
            spec.get("motif", "steppe"), spec.get("hue", 200), item["key"]
        )
        # Stored like any upload: checked, with its renditions made now.
        return catalog.image_create(
            user=user,
            upload=SimpleUploadedFile(f"{item['key']}.jpg", data, "image/jpeg"),
            alt_text=spec["alt"],
            caption=spec.get("caption", ""),
            credit=spec.get("credit", ""),
        )

    @staticmethod
    def _body(item):
        paragraphs = [f"<p>{escape(p)}</p>" for p in item["paragraphs"]]
        if item.get("subheading"):
            at = max(1, len(paragraphs) * 2 // 3)
            paragraphs.insert(at, f"<h2>{escape(item['subheading'])}</h2>")
        if item.get("quote"):
            paragraphs.insert(
                min(2, len(paragraphs)),
                f"<blockquote><p>{escape(item['quote'])}</p></blockquote>",
            )
        return "\n".join(paragraphs)

    def _stories(self, users, categories, sources, authors):
        journalist, editor = users["journalist"], users["editor"]
        now = timezone.now()
        today = newsroom_time(now).date()
        by_key = {}
        created = 0
        for item in demo_data.STORIES:
            slug = latin_slugify(item["headline"])
            story = Story.objects.filter(slug=slug).first()
            if story is not None:
                by_key[item["key"]] = story
                continue
            source = sources[item["source"]]
            day = today - timedelta(days=item.get("days_ago", 0))
            when = datetime(
                day.year,
                day.month,
                day.day,
                item.get("hour", 10),
                item.get("minute", 0),
                tzinfo=NEWSROOM_TZ,
            )
            if item.get("days_ago", 0) >= 0 and when > now:
                when = now - timedelta(minutes=5 + created)
            story = services.story_save(
                story=Story(
                    headline=item["headline"],
                    slug=slug,
                    dek=item.get("dek", ""),
                    body=self._body(item),
                    language=item["language"],
                    category=categories[item["category"]],
                    source=source,
                    original_url=(
                        source.home_url.rstrip("/") + item["original_path"]
                        if item.get("original_path") and source.home_url
                        else ""
                    ),
                    featured=item.get("featured", False),
                    latin_overrides=item.get("latin_overrides", ""),
                    hero_image=self._picture(item, journalist)
                    if item.get("image")
                    else None,
                    translation_of=by_key.get(item.get("translation_of") or ""),
                    created_at=when - timedelta(hours=2),
                ),
                user=journalist,
            )
            story.authors.set([authors[a] for a in item.get("authors", [])])
            story.tags.set([self._tag(name) for name in item.get("tags", [])])
            self._advance(
                story, item.get("status", "published"), when, journalist, editor
            )
            by_key[item["key"]] = story
            created += 1
        return created

    @staticmethod
    def _advance(story, status, when, journalist, editor):
        """Bring a new demo story to its state through the workflow."""
        if status == "draft":
            return

        def move(**kwargs):
            # Demo moves mail nobody: the desk would get sixty messages at once.
            services.story_transition(story_id=story.pk, notify=False, **kwargs)

        move(action="submit", user=journalist)
        if status == "in_review":
            return
        if status == "changes_requested":
            move(
                user=editor,
                action="request_changes",
                note="Дереккөзді нақтылап, екінші абзацты қысқартыңыз.",
            )
            return
        if status == "scheduled":
            move(user=editor, action="schedule", publish_at=when)
            return
        # Demo stories carry their own past publication times, as an archive
        # import does.
        services.story_publish_imported(
            story_id=story.pk, user=editor, published_at=when
        )
        # The demo's past: the times its rows carry, never their status.
        Story.objects.filter(pk=story.pk).update(updated_at=when)
        StoryEvent.objects.filter(story=story).update(created_at=when)
