"""The editorial workflow in the story admin: buttons, locking, notes, versions,
queues. Every decision is asked of workflow.py; this module only presents it."""

import reversion
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
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import preview, revisions, workflow
from .models import Status, Story

ERROR_BAD_TIME = _("Enter the time as day, month, year, hours and minutes.")
# Posted with the change form: save what was typed, then make this move.
WORKFLOW_FIELD = "_workflow_action"
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
    return workflow.parse_newsroom_time(value)


class TimingFilter(admin.SimpleListFilter):
    """Tell published stories that readers see from those scheduled for later."""

    title = _("publication")
    parameter_name = "timing"

    def lookups(self, request, model_admin):
        return [("scheduled", _("Scheduled")), ("live", _("Out now"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "scheduled":
            return queryset.filter(status=Status.PUBLISHED, published_at__gt=now)
        if self.value() == "live":
            return queryset.published(now)
        return queryset


class StoryAdminForm(forms.ModelForm):
    """The story form, carrying the version it was opened at (optimistic locking)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.conflict = None
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or self.user is None:
            return cleaned
        try:
            # Runs inside the admin's transaction: the row stays locked until the
            # save, so a second person saving the same version is refused here.
            workflow.story_lock_for_edit(
                story_id=self.instance.pk,
                user=self.user,
                expected_version=cleaned.get("expected_version"),
            )
        except workflow.StaleEdit as error:
            self.conflict = error.story
            raise
        except PermissionDenied as error:
            raise ValidationError(error_text(error)) from None
        return cleaned


class WorkflowAdminMixin:
    """Views and hooks that put the workflow into StoryAdmin."""

    change_form_template = "admin/articles/story/change_form.html"

    # --- the change form ----------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class BoundUserForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=user, **kw)

        return BoundUserForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            story = self.get_object(request, unquote(object_id))
            if story is not None and not workflow.can_edit(request.user, story):
                self.message_user(request, workflow.ERROR_CANNOT_EDIT, messages.ERROR)
                return HttpResponseRedirect(self._change_url(story))
            if story is not None:
                revisions.record_baseline(story, request.user)
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        workflow.story_save(
            story=obj,
            user=request.user,
            expected_version=form.cleaned_data.get("expected_version"),
        )
        if change:
            reversion.set_comment(
                ", ".join(str(f) for f in form.changed_data if f != "expected_version")
            )
        else:
            reversion.set_comment(str(_("Created")))

    def response_change(self, request, obj):
        action = request.POST.get(WORKFLOW_FIELD)
        if not action:
            return super().response_change(request, obj)
        self.message_user(request, _("Your changes were saved."), messages.SUCCESS)
        self._transition(request, obj, action)
        return HttpResponseRedirect(self._change_url(obj))

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        user = request.user
        form = context.get("adminform").form if context.get("adminform") else None
        if obj is not None:
            state = workflow.state_of(obj)
            actions = workflow.available_actions(user, obj)
            context.update(
                workflow_actions=actions,
                workflow_needs_note=any(a.note_required for a in actions),
                workflow_needs_time=any(a.needs_time for a in actions),
                # Rescheduling starts from the time already set.
                publish_at_initial=workflow.newsroom_time(obj.published_at).strftime(
                    "%Y-%m-%dT%H:%M"
                )
                if state == workflow.SCHEDULED
                else "",
                newsroom_offset=workflow.newsroom_offset(),
                workflow_field=WORKFLOW_FIELD,
                story_state=state,
                story_state_label=workflow.state_label(state),
                can_edit_story=workflow.can_edit(user, obj),
                can_preview=workflow.can_preview(user, obj),
                can_note=workflow.can_note(user, obj),
                notes=obj.notes.select_related("author"),
                newsroom_zone=workflow.NEWSROOM_TZ.key,
                published_local=obj.published_at
                and workflow.newsroom_time(obj.published_at),
                versions_url=reverse("admin:articles_story_history", args=[obj.pk]),
            )
            if workflow.can_preview(user, obj) and obj.status != Status.UNPUBLISHED:
                context["preview_url"] = reverse("story_preview", args=[obj.pk])
            if form is not None and form.conflict is not None:
                context["conflict"] = self._conflict(form, form.conflict)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _conflict(self, form, stored):
        """Return what the other person changed, and how it differs from ours."""
        base = revisions.base_version(stored, form.cleaned_data.get("expected_version"))
        theirs = revisions.current_fields(stored)
        yours = {
            name: form.cleaned_data.get(name, theirs[name])
            for name, _label in revisions.COMPARED
        }
        who, when = workflow.last_change(stored)
        return {
            "who": who,
            "when": workflow.newsroom_time(when),
            "their_changes": revisions.compare(base.field_dict, theirs)
            if base is not None
            else None,
            "yours_vs_theirs": revisions.compare(theirs, yours),
            "story": stored,
        }

    @admin.display(description=_("publication time"))
    def publication_time(self, obj):
        if obj.published_at is None:
            return "—"
        local = workflow.newsroom_time(obj.published_at)
        zone = workflow.NEWSROOM_TZ.key
        offset = workflow.newsroom_offset(obj.published_at)
        return f"{local:%d.%m.%Y %H:%M} ({zone}, UTC{offset})"

    @admin.display(description=_("text"))
    def body_as_readers_see_it(self, obj):
        # The body was cleaned with nh3 when it was saved.
        return mark_safe(obj.body)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or workflow.can_edit(request.user, obj):
            return fieldsets
        # Those who may only read a story see its text laid out, not its HTML.
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "body_as_readers_see_it" if f == "body" else f
                        for f in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def view_on_site(self, obj):
        # Only a story readers can see has a public page to open.
        return obj.get_absolute_url() if obj.is_public else None

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("articles.publish_story"):
            # Placement on the front page is an editor's call.
            fields.append("featured")
        return fields

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

    def _story_or_404(self, request, pk):
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise Http404 from None
        story = get_object_or_404(Story, pk=pk)
        if not self.has_view_permission(request, story):
            raise PermissionDenied
        return story

    # --- moves --------------------------------------------------------------

    def _transition(self, request, story, action) -> bool:
        try:
            moved = workflow.story_transition(
                story_id=story.pk,
                user=request.user,
                action=action,
                note=request.POST.get("note", ""),
                publish_at=read_publish_at(request.POST),
            )
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return False
        state = workflow.state_of(moved)
        text = _("“%(headline)s” is now: %(status)s.") % {
            "headline": moved.headline,
            "status": workflow.state_label(state),
        }
        if state == workflow.SCHEDULED:
            text = _("“%(headline)s” is scheduled for %(time)s (%(zone)s).") % {
                "headline": moved.headline,
                "time": workflow.newsroom_time(moved.published_at).strftime(
                    "%d.%m.%Y %H:%M"
                ),
                "zone": workflow.NEWSROOM_TZ.key,
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
                workflow.story_transition(
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
            workflow.story_add_note(
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
        if not workflow.can_preview(request.user, story) or story.is_public:
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
                        "time": workflow.newsroom_time(
                            preview.share_expires()
                        ).strftime("%d.%m.%Y %H:%M"),
                        "zone": workflow.NEWSROOM_TZ.key,
                    },
                ),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._change_url(story))

    # --- versions -----------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        story = self._story_or_404(request, unquote(object_id))
        versions = list(revisions.versions_of(story))
        rows = [
            {
                "version": v,
                "when": workflow.newsroom_time(v.revision.date_created),
                "headline": v.field_dict.get("headline", ""),
                "number": v.field_dict.get("version"),
            }
            for v in versions
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Versions of “%(headline)s”") % {"headline": story.headline},
            "opts": self.opts,
            "original": story,
            "rows": rows,
            "events": story.events.select_related("actor"),
            "can_restore": workflow.can_edit(request.user, story),
            "newsroom_zone": workflow.NEWSROOM_TZ.key,
        }
        return TemplateResponse(request, "admin/articles/story/versions.html", context)

    def compare_view(self, request, pk):
        story = self._story_or_404(request, pk)
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
            "old_when": workflow.newsroom_time(old.revision.date_created),
            "new": new,
            "new_when": workflow.newsroom_time(
                new.revision.date_created if new else story.updated_at
            ),
            "rows": revisions.compare(old.field_dict, new_fields),
            "can_restore": workflow.can_edit(request.user, story),
            "newsroom_zone": workflow.NEWSROOM_TZ.key,
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
        if not workflow.is_editor(request.user):
            raise PermissionDenied
        now = timezone.now()
        stories = list(workflow.review_queue()[:200])
        for story in stories:
            story.waiting = now - (story.submitted_at or story.created_at)
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
        stories = list(workflow.stories_of(request.user)[:200])
        for story in stories:
            story.state = workflow.state_of(story)
            story.state_label = workflow.state_label(story.state)
            story.latest_note = workflow.latest_note(story)
        context = {
            **self.admin_site.each_context(request),
            "title": _("My stories"),
            "opts": self.opts,
            "stories": stories,
        }
        return TemplateResponse(
            request, "admin/articles/story/my_stories.html", context
        )
