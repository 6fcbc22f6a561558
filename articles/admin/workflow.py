"""The editorial workflow in the story form: buttons, locking, publication time and
the conflict view. Every decision is asked of the workflow; this only presents it."""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles.admin.desk import DeskViewsMixin, error_text
from articles.core import clock
from articles.core.text import sanitize_html
from articles.models import Status, first_body_image
from articles.workflow import queues, revisions, rules, services

# Posted with the change form: save what was typed, then make this move.
WORKFLOW_FIELD = "_workflow_action"


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


USE_BODY_PICTURE = "use_body_picture"


ERROR_NO_BODY_PICTURE = _(
    "The text has no picture uploaded here to make the main picture: upload one "
    "in the editor, or choose a main picture."
)


HELP_BODY_PICTURE = _(
    "While there is no main picture, lists and shared links show the first picture "
    "in the text (now: “%(picture)s”). Tick to make it the main picture, shown "
    "above the text with its caption."
)


MESSAGE_BODY_PICTURE = _(
    "The story has no main picture, so lists and shared links show the first "
    "picture in its text (“%(picture)s”). To make it the main picture, tick "
    "“Use the first picture in the text” under Picture."
)


class StoryAdminForm(forms.ModelForm):
    """The story form, carrying the version it was opened at (optimistic locking)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    use_body_picture = forms.BooleanField(
        label=_("Use the first picture in the text"),
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.conflict = None
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version
        offer = self.fields.get(USE_BODY_PICTURE)
        if offer is not None and self.instance.body_image_id:
            offer.help_text = HELP_BODY_PICTURE % {"picture": self.instance.body_image}

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get(USE_BODY_PICTURE) and not cleaned.get("hero_image"):
            picture = first_body_image(sanitize_html(cleaned.get("body") or ""))
            if picture is None:
                self.add_error(USE_BODY_PICTURE, ERROR_NO_BODY_PICTURE)
            else:
                cleaned["hero_image"] = picture
        if self.instance.pk is None or self.user is None:
            return cleaned
        try:
            # Runs inside the admin's transaction: the row stays locked until the
            # save, so a second person saving the same version is refused here.
            services.story_lock_for_edit(
                story_id=self.instance.pk,
                user=self.user,
                expected_version=cleaned.get("expected_version"),
            )
        except services.StaleEdit as error:
            self.conflict = error.story
            raise
        except PermissionDenied as error:
            raise ValidationError(error_text(error)) from None
        return cleaned


class WorkflowAdminMixin(DeskViewsMixin):
    """Views and hooks that put the workflow into StoryAdmin."""

    change_form_template = "admin/articles/story/change_form.html"

    # --- the change form ----------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class BoundUserForm(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args, **kw):
                super().__init__(*args, user=user, **kw)

        return BoundUserForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            story = self.get_object(request, unquote(object_id))
            if story is not None and not rules.can_edit(request.user, story):
                self.message_user(request, rules.ERROR_CANNOT_EDIT, messages.ERROR)
                return HttpResponseRedirect(self._change_url(story))
            if story is not None:
                revisions.record_baseline(story, request.user)
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        services.story_save(
            story=obj,
            user=request.user,
            expected_version=form.cleaned_data.get("expected_version"),
        )
        if not obj.hero_image_id and obj.body_image_id:
            self.message_user(
                request,
                MESSAGE_BODY_PICTURE % {"picture": obj.body_image},
                messages.INFO,
            )
        # What changed is worked out from the versions themselves: a form reports
        # the editor's text as changed whenever the editor re-wrote its markup.
        if not change:
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
            state = rules.state_of(obj)
            actions = rules.available_actions(user, obj)
            context.update(
                workflow_actions=actions,
                workflow_needs_note=any(a.note_required for a in actions),
                workflow_needs_time=any(a.needs_time for a in actions),
                # Rescheduling starts from the time already set.
                publish_at_initial=clock.newsroom_strftime(
                    obj.published_at, clock.FORM_INPUT
                )
                if state == rules.SCHEDULED
                else "",
                newsroom_offset=clock.newsroom_offset(),
                workflow_field=WORKFLOW_FIELD,
                story_state=state,
                story_state_label=rules.state_label(state),
                can_edit_story=rules.can_edit(user, obj),
                can_preview=rules.can_preview(user, obj),
                can_note=rules.can_note(user, obj),
                # Internal notes and the history of a colleague's story stay
                # with its authors and the desk.
                can_see_notes=rules.allowed(user, "note", "view", obj),
                can_see_history=rules.allowed(user, "history", "view", obj),
                notes=obj.notes.select_related("author")
                if rules.allowed(user, "note", "view", obj)
                else [],
                newsroom_zone=clock.NEWSROOM_TZ.key,
                published_local=obj.published_at
                and clock.newsroom_time(obj.published_at),
                versions_url=reverse("admin:articles_story_history", args=[obj.pk]),
                import_note=""
                if obj.is_public
                else obj.imported_items.exclude(note="")
                .values_list("note", flat=True)
                .first(),
            )
            sent_back = queues.changes_requested_move(obj)
            if sent_back is not None:
                context.update(
                    sent_back=sent_back,
                    sent_back_when=clock.newsroom_time(sent_back.created_at),
                )
            if rules.can_preview(user, obj) and obj.status != Status.UNPUBLISHED:
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
        who, when = services.last_change(stored)
        return {
            "who": who,
            "when": clock.newsroom_time(when),
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
        local = clock.newsroom_time(obj.published_at)
        zone = clock.NEWSROOM_TZ.key
        offset = clock.newsroom_offset(obj.published_at)
        return f"{local:%d.%m.%Y %H:%M} ({zone}, UTC{offset})"

    @admin.display(description=_("text"))
    def body_as_readers_see_it(self, obj):
        # The body was cleaned with nh3 when it was saved.
        return mark_safe(obj.body)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        editable = obj is None or rules.can_edit(request.user, obj)
        if not editable or (obj is not None and obj.hero_image_id):
            # The offer is for a story without a main picture, to those who edit it.
            fieldsets = [
                (
                    name,
                    {**o, "fields": [f for f in o["fields"] if f != USE_BODY_PICTURE]},
                )
                for name, o in fieldsets
            ]
        if editable:
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
        if not rules.allowed(request.user, "story", "publish"):
            # Placement on the front page is an editor's call.
            fields.append("featured")
        return fields
