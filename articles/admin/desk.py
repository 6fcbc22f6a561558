"""The story admin's desk views: moves, bulk actions, notes, share links, versions and
the queues. Every decision is asked of the workflow; this module only presents it."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.core import clock
from articles.models import Story
from articles.public import preview
from articles.workflow import queues, revisions, rules, services

if TYPE_CHECKING:
    # The mixins below are only ever mixed into a ModelAdmin of stories.
    StoryModelAdmin = admin.ModelAdmin[Story]
else:
    StoryModelAdmin = object


class DeskViewsMixin(StoryModelAdmin):
    """The desk's admin views for stories: moves, notes, shares, versions, queues."""

    # --- URLs ---------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review/", view(self.review_queue_view), name="articles_story_queue"),
            path("mine/", view(self.my_stories_view), name="articles_story_mine"),
            path(
                "<int:pk>/transition/",
                view(self.transition_view),
                name="articles_story_transition",
            ),
            path("<int:pk>/notes/", view(self.note_view), name="articles_story_note"),
            path("<int:pk>/share/", view(self.share_view), name="articles_story_share"),
            path(
                "<int:pk>/versions/compare/",
                view(self.compare_view),
                name="articles_story_compare",
            ),
            path(
                "<int:pk>/versions/<int:version_id>/restore/",
                view(self.restore_view),
                name="articles_story_restore",
            ),
            *super().get_urls(),
        ]

    def _change_url(self, story):
        return reverse("admin:articles_story_change", args=[story.pk])

    def _story_or_404(self, request, pk, *, capability=("story", "view")):
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise Http404 from None
        story = get_object_or_404(Story, pk=pk)
        # A colleague's draft is not there for a journalist, as in the lists.
        if not rules.allowed(request.user, "story", "view", story):
            raise Http404
        if not rules.allowed(request.user, *capability, story):  # type: ignore[call-arg]
            raise PermissionDenied
        return story

    # --- moves --------------------------------------------------------------

    def _transition(self, request, story, action) -> bool:
        try:
            moved = services.story_transition(
                story_id=story.pk,
                user=request.user,
                action=action,
                note=request.POST.get("note", ""),
                publish_at=read_publish_at(request.POST),
            )
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return False
        state = rules.state_of(moved)
        text = _("“%(headline)s” is now: %(status)s.") % {
            "headline": moved.headline,
            "status": rules.state_label(state),
        }
        if state == rules.SCHEDULED and moved.published_at:
            text = _("“%(headline)s” is scheduled for %(time)s (%(zone)s).") % {
                "headline": moved.headline,
                "time": clock.newsroom_strftime(moved.published_at),
                "zone": clock.NEWSROOM_TZ.key,
            }
        self.message_user(request, text, messages.SUCCESS)
        return True

    def transition_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._story_or_404(request, pk)
        self._transition(request, story, request.POST.get("action", ""))
        return HttpResponseRedirect(self._change_url(story))

    def _bulk(self, request, queryset, action):
        done, refused = 0, []
        for story in queryset.select_related(None).only("pk", "headline"):
            try:
                services.story_transition(
                    story_id=story.pk, user=request.user, action=action
                )
                done += 1
            except (PermissionDenied, ValidationError) as error:
                refused.append(f"{story.headline}: {error_text(error)}")
        if done:
            self.message_user(
                request,
                ngettext("%d story updated.", "%d stories updated.", done) % done,
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                format_html_join("", "<div>{}</div>", ((r,) for r in refused)),
                messages.ERROR,
            )

    # --- notes and share links ----------------------------------------------

    def note_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._story_or_404(request, pk)
        try:
            services.story_add_note(
                story_id=story.pk, user=request.user, text=request.POST.get("text", "")
            )
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, error_text(error), messages.ERROR)
        else:
            self.message_user(request, _("Note added."), messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(story) + "#notes")

    def share_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._story_or_404(request, pk)
        if not rules.can_preview(request.user, story) or story.is_public:
            self.message_user(
                request, preview.ERROR_PREVIEW_NOT_ALLOWED, messages.ERROR
            )
        else:
            url = request.build_absolute_uri(preview.share_url(story))
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}" class="share-link">{}</a> {}',
                    _("Share link for this draft:"),
                    url,
                    url,
                    _("valid until %(time)s (%(zone)s).")
                    % {
                        "time": clock.newsroom_strftime(preview.share_expires()),
                        "zone": clock.NEWSROOM_TZ.key,
                    },
                ),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._change_url(story))

    # --- versions -----------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        story = self._story_or_404(
            request, unquote(object_id), capability=("history", "view")
        )
        versions = list(revisions.versions_of(story))
        # Each version against the one saved before it; the oldest has none.
        older = [v.field_dict for v in versions[1:]] + [None] if versions else []
        rows = [
            {
                "version": v,
                "when": clock.newsroom_time(v.revision.date_created),
                "headline": v.field_dict.get("headline", ""),
                "number": v.field_dict.get("version"),
                "changes": revisions.changed_fields(before, v.field_dict),
                "note": revisions.version_note(v),
            }
            for v, before in zip(versions, older, strict=True)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Versions of “%(headline)s”") % {"headline": story.headline},
            "opts": self.opts,
            "original": story,
            "rows": rows,
            "events": story.events.select_related("actor"),
            "can_restore": rules.can_edit(request.user, story),
            "newsroom_zone": clock.NEWSROOM_TZ.key,
        }
        return TemplateResponse(request, "admin/articles/story/versions.html", context)

    def compare_view(self, request, pk):
        story = self._story_or_404(request, pk, capability=("history", "view"))
        try:
            old = revisions.version_of(story, request.GET.get("a"))
            new = (
                revisions.version_of(story, request.GET.get("b"))
                if request.GET.get("b")
                else None
            )
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:articles_story_history", args=[story.pk])
            )
        new_fields = new.field_dict if new else revisions.current_fields(story)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare versions of “%(headline)s”")
            % {"headline": story.headline},
            "opts": self.opts,
            "original": story,
            "old": old,
            "old_when": clock.newsroom_time(old.revision.date_created),
            "new": new,
            "new_when": clock.newsroom_time(
                new.revision.date_created if new else story.updated_at
            ),
            "rows": revisions.compare(old.field_dict, new_fields),
            "can_restore": rules.can_edit(request.user, story),
            "newsroom_zone": clock.NEWSROOM_TZ.key,
        }
        return TemplateResponse(request, "admin/articles/story/compare.html", context)

    def restore_view(self, request, pk, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._story_or_404(request, pk)
        try:
            revisions.story_restore_version(
                story_id=story.pk, user=request.user, version_id=version_id
            )
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:articles_story_history", args=[story.pk])
            )
        self.message_user(
            request,
            _("The older version is restored, saved as a new version."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(story))

    # --- queues -------------------------------------------------------------

    def review_queue_view(self, request):
        if not rules.is_editor(request.user):
            raise PermissionDenied
        now = timezone.now()
        stories = list(queues.review_queue()[:200])
        for story in stories:
            story.waiting = now - (story.submitted_at or story.created_at)  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review queue"),
            "opts": self.opts,
            "stories": stories,
        }
        return TemplateResponse(
            request, "admin/articles/story/review_queue.html", context
        )

    def my_stories_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        stories = queues.stories_of(request.user)
        state = request.GET.get("state", "")
        if state in rules.STATE_ORDER:
            stories = queues.in_state(stories, state)
        elif state:
            self.message_user(request, ERROR_UNKNOWN_STATE, messages.WARNING)
            state = ""
        shown = list(stories[:200])
        for story in shown:
            story.state = rules.state_of(story)  # type: ignore[attr-defined]
            story.state_label = rules.state_label(story.state)  # type: ignore[attr-defined]
            story.latest_note = queues.latest_note(story)  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),
            "title": _("My stories"),
            "opts": self.opts,
            "stories": shown,
            "state_label": rules.state_label(state) if state else "",
        }
        return TemplateResponse(
            request, "admin/articles/story/my_stories.html", context
        )


ERROR_UNKNOWN_STATE = _("There is no such status; all your stories are shown.")


ERROR_BAD_TIME = _("Enter the time as day, month, year, hours and minutes.")


TIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def error_text(error) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


def read_publish_at(data):
    """Return the publication time posted by an editor, read as newsroom time."""
    raw = (data.get("publish_at") or "").strip()
    if not raw:
        return None
    try:
        value = forms.DateTimeField(input_formats=TIME_INPUT_FORMATS).clean(raw)
    except ValidationError:
        raise ValidationError(ERROR_BAD_TIME, code="bad_time") from None
    return clock.parse_newsroom_time(value)
