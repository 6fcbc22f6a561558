"""Drafts read exactly as readers would see them: by their authors and editors, or
by anyone holding a signed, expiring share link to that one story."""

from datetime import timedelta

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from articles.models import Status, Story
from articles.public import story as story_views
from articles.workflow.rules import can_preview

SALT = "articles.preview.share"
ERROR_PREVIEW_NOT_ALLOWED = _("You may not preview this story.")
ERROR_LINK_EXPIRED = _("This preview link has expired. Ask the newsroom for a new one.")
ERROR_LINK_INVALID = _("This preview link is not valid.")


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def share_token(story: Story) -> str:
    """Return a signed token that opens this one story's preview for a while."""
    return _signer().sign(str(story.pk))


def share_url(story: Story) -> str:
    return reverse("story_share", kwargs={"token": share_token(story)})


def share_max_age() -> timedelta:
    """Return how long a share link opens its story (NEWSROOM_SHARE_LINK_SECONDS)."""
    return timedelta(seconds=settings.NEWSROOM_SHARE_LINK_SECONDS)


def share_expires(now=None):
    return (now or timezone.now()) + share_max_age()


def story_for_token(token: str) -> Story:
    """Return the story a share token opens; raise signing errors when it opens none."""
    pk = _signer().unsign(token, max_age=share_max_age())
    try:
        return Story.objects.get(pk=int(pk))
    except (Story.DoesNotExist, ValueError):
        raise signing.BadSignature(pk) from None


def _render(request, story, *, shared: bool):
    request.story_preview = {"story": story, "shared": shared}
    # A draft has no publication time yet; show it as if it went out now (in memory
    # only, never saved).
    story.published_at = story.published_at or timezone.now()
    with translation.override(story.language):
        response = story_views.story_page(request, story)
    # A draft must never be kept by a shared cache, indexed, or leak its link.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@staff_member_required
def story_preview(request, pk):
    """Show an author or editor the story as readers will see it."""
    story = get_object_or_404(
        Story.objects.select_related("category", "source", "hero_image", "body_image"),
        pk=pk,
    )
    if not can_preview(request.user, story):
        raise PermissionDenied(ERROR_PREVIEW_NOT_ALLOWED)
    return _render(request, story, shared=False)


def shared_preview(request, token):
    """Show one draft to someone without an account who holds its share link."""
    try:
        story = story_for_token(token)
    except signing.SignatureExpired:
        return _refused(request, ERROR_LINK_EXPIRED, 410)
    except signing.BadSignature:
        return _refused(request, ERROR_LINK_INVALID, 404)
    if story.is_public:
        return redirect(story.get_absolute_url())
    if story.status == Status.UNPUBLISHED:
        # Withdrawn by the editors: the link dies with the story.
        return story_views.gone(request)
    return _render(request, story, shared=True)


def _refused(request, message, status):
    response = render(
        request,
        "articles/preview_refused.html",
        {"message": message},
        status=status,
        using="jinja2",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
