from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .images import check_image
from .models import Author, Category, Image, Source, Status, Story, Tag

PAGE_SIZE = 20


def _public():
    return Story.objects.published().in_language(get_language()[:2]).for_lists()


def _story_list(request, stories, template, context):
    page = Paginator(stories, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, template, {**context, "page": page, "stories": page.object_list}
    )


def home(request):
    stories = list(_public()[:13])
    categories = Category.objects.filter(parent__isnull=True)
    return render(
        request,
        "articles/home.html",
        {
            "lead": stories[0] if stories else None,
            "latest": stories[1:],
            "categories": categories,
        },
    )


def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    return _story_list(
        request,
        _public().filter(category=category),
        "articles/story_list.html",
        {"title": category.display_name, "category": category},
    )


def source_detail(request, slug):
    source = get_object_or_404(Source, slug=slug)
    return _story_list(
        request,
        _public().filter(source=source),
        "articles/story_list.html",
        {"title": source.name, "source": source},
    )


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    return _story_list(
        request,
        _public().filter(tags=tag),
        "articles/story_list.html",
        {"title": tag.name, "tag": tag},
    )


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    return _story_list(
        request,
        _public().filter(authors=author),
        "articles/story_list.html",
        {"title": author.name, "author": author},
    )


def story_detail(request, category, slug):
    story = get_object_or_404(
        Story.objects.select_related(
            "category", "source", "hero_image"
        ).prefetch_related("authors", "tags", "corrections"),
        slug=slug,
        language=get_language()[:2],
    )
    if not story.is_public:
        if story.status == Status.UNPUBLISHED:
            return render(request, "410.html", status=410)
        raise Http404
    return render(request, "articles/story_detail.html", {"story": story})


ERROR_UPLOAD_PERMISSION = gettext_lazy("You may not upload pictures.")


@staff_member_required
@require_POST
def editor_image_upload(request):
    """Take a picture pasted or dropped into the story editor."""
    if not request.user.has_perm("articles.add_image"):
        return JsonResponse({"error": {"message": ERROR_UPLOAD_PERMISSION}}, status=403)
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": {"message": _("No file was sent.")}}, status=400)
    try:
        checked = check_image(upload)
    except ValidationError as error:
        return JsonResponse(
            {"error": {"message": " ".join(error.messages)}}, status=400
        )
    image = Image.objects.create(
        file=checked.content,
        alt_text=_("Picture in a story: %(name)s") % {"name": upload.name[:200]},
        uploaded_by=request.user,
    )
    return JsonResponse({"url": image.file.url})
