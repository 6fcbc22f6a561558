"""The search form readers and editors fill in, with its filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import (
    CALENDAR_YEARS,
    Category,
    Language,
    Source,
)
from articles.search.analysis import MAX_QUERY_CHARS
from articles.search.query import Filters

ERROR_DATE_RANGE = _("The start date is after the end date.")


ERROR_DATE_OUT_OF_RANGE = _("Choose a date between %(first)s and %(last)s.")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, strip=True)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
    )
    source = forms.ModelChoiceField(
        label=_("Source"),
        queryset=Source.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sources"),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("All languages")), *Language.choices],
        required=False,
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_q(self) -> str:
        # Long pastes are cut, not refused: search must answer whatever is typed.
        text = self.cleaned_data["q"][:MAX_QUERY_CHARS]
        return "".join(c if c.isprintable() else " " for c in text).strip()

    def _clean_day(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        if day is not None and day.year not in CALENDAR_YEARS:
            raise forms.ValidationError(
                ERROR_DATE_OUT_OF_RANGE,
                code="date_out_of_range",
                params={"first": CALENDAR_YEARS[0], "last": CALENDAR_YEARS[-1]},
            )
        return day

    def clean_date_from(self) -> date | None:
        return self._clean_day("date_from")

    def clean_date_to(self) -> date | None:
        return self._clean_day("date_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(ERROR_DATE_RANGE, code="date_range")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        category = data.get("category")
        category_ids: tuple[int, ...] = ()
        if category is not None:
            children = category.children.values_list("pk", flat=True)
            category_ids = (category.pk, *children)
        return Filters(
            category_ids=category_ids,
            source_id=data["source"].pk if data.get("source") else None,
            language=data.get("language") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
