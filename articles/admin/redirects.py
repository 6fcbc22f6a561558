"""Old addresses of stories, kept by the chief editors (editors may look)."""

from urllib.parse import unquote

from django import forms
from django.conf import settings
from django.contrib import admin
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.admin.base import NewsroomAdmin
from articles.models import Story, StoryRedirect

ERROR_PATH_NOT_ABSOLUTE = _(
    "Write the old address as a path that starts with “/”, such as "
    "/2023/10/17/old-story/ (without https:// and the site's name)."
)
ERROR_PATH_HAS_QUERY = _(
    "Leave out everything from “?” or “#” on: only the path of an address is compared."
)
ERROR_PATH_IS_OWN_URL = _(
    "This is the story's own address now; a redirect from it would lead back to itself."
)
ERROR_PATH_IS_LIVE_STORY = _(
    "This address belongs to the published story “%(headline)s”; readers would "
    "keep seeing that story, never the redirect."
)


def clean_path(value: str) -> str:
    """Return an address as Django sees request.path: trimmed, percent-decoded."""
    return unquote(value.strip())


def live_story_at(path: str) -> Story | None:
    """Return the published story that answers at path, if any."""
    for code, _name in settings.LANGUAGES:
        # Story pages sit under a language prefix, which resolves in its language.
        with translation.override(code):
            try:
                match = resolve(path)
            except Resolver404:
                continue
        if match.view_name == "articles:story":
            # The story page finds a story by its slug alone (then moves the
            # reader to its canonical address), whatever the section and prefix.
            return Story.objects.published().filter(slug=match.kwargs["slug"]).first()
    return None


class StoryRedirectForm(forms.ModelForm):
    class Meta:
        model = StoryRedirect
        fields = ["old_path", "story"]
        help_texts = {
            "old_path": _(
                "The address readers may still have, from “/” on, such as "
                "/2023/10/17/old-story/. It answers with a permanent redirect."
            ),
            "story": _("The redirect works while this story is published."),
        }

    def clean_old_path(self):
        path = clean_path(self.cleaned_data["old_path"])
        if not path.startswith("/"):
            raise forms.ValidationError(ERROR_PATH_NOT_ABSOLUTE, code="not_absolute")
        if "?" in path or "#" in path:
            raise forms.ValidationError(ERROR_PATH_HAS_QUERY, code="query")
        return path

    def clean(self):
        cleaned = super().clean() or {}
        path, story = cleaned.get("old_path"), cleaned.get("story")
        if not path:
            return cleaned
        if story is not None and path == clean_path(story.get_absolute_url()):
            self.add_error(
                "old_path", forms.ValidationError(ERROR_PATH_IS_OWN_URL, code="own")
            )
            return cleaned
        live = live_story_at(path)
        if live is not None:
            self.add_error(
                "old_path",
                forms.ValidationError(
                    ERROR_PATH_IS_LIVE_STORY,
                    code="live_story",
                    params={"headline": live.headline},
                ),
            )
        return cleaned


@admin.register(StoryRedirect)
class StoryRedirectAdmin(NewsroomAdmin):
    capability = "redirect"
    form = StoryRedirectForm
    list_display = ["old_path", "story", "story_address", "created_at"]
    list_select_related = ["story__category"]
    search_fields = ["old_path", "story__headline"]
    autocomplete_fields = ["story"]
    fields = ["old_path", "story", "created_at"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"
    list_per_page = 100

    @admin.display(description=_("leads to"))
    def story_address(self, obj):
        url = obj.story.get_absolute_url()
        if not obj.story.is_public:
            return format_html("{} <em>({})</em>", url, _("not published"))
        return format_html('<a href="{}">{}</a>', url, url)
