"""The reader search page: a thin view over articles.search."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from articles.public.views import attach_renditions, page_context
from articles.search import forms as search_forms
from articles.search import query as search_query
from articles.search import results as search_results

PAGE_SIZE = search_query.PAGE_SIZE


def search(request):
    form = search_forms.SearchForm(request.GET or None)
    query, page, results = "", None, None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        if query:
            results = search_results.search_stories(query, form.filters())
            page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
            attach_renditions(page.object_list)
    title = _("Search: %(query)s") % {"query": query} if query else _("Search")
    context = page_context(request, title=title, breadcrumbs=[(_("Search"), None)])
    return render(
        request,
        "articles/search.html",
        {
            **context,
            "heading": _("Search"),
            "form": form,
            "query": query,
            "page": page,
            "stories": page.object_list if page else [],
            "mode": results.mode if results is not None else "",
        },
        using="jinja2",
    )
