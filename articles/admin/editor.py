"""The story text editor (CKEditor 5), speaking the admin's language throughout."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_ckeditor_5.fields import CKEditor5Field
from django_ckeditor_5.widgets import CKEditor5Widget

# Loaded after the editor's own translation of the same language: django-ckeditor-5
# ships Kazakh with every string empty (so English shows) and Russian with a few
# mistakes. These files fill and correct them.
INTERFACE_TRANSLATIONS = {"kk": "js/ckeditor5/kk.js", "ru": "js/ckeditor5/ru.js"}


class StoryTextWidget(CKEditor5Widget):
    """CKEditor 5 with its whole interface in the admin's language."""

    @property
    def media(self):
        media = super().media
        language = (translation.get_language() or "")[:2]
        script = INTERFACE_TRANSLATIONS.get(language)
        if script is None:
            return media
        # One list, so that merging media keeps ours after the editor's own.
        return forms.Media(css=media._css, js=[*media._js, script])

    def render(self, name, value, attrs=None, renderer=None):
        # Otherwise screen readers hear "Rich Text Editor. Editing area: main".
        self.config["label"] = str(_("Story text"))
        # The credit the editor shows beside its logo, in the admin's language.
        self.config["ui"] = {"poweredBy": {"label": str(_("Powered by"))}}
        return super().render(name, value, attrs, renderer)


EDITOR_WIDGETS = {CKEditor5Field: {"widget": StoryTextWidget}}
