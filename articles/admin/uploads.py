"""Pictures uploaded from the story editor (CKEditor 5), stored like any other."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from articles.workflow import catalog, rules

ERROR_UPLOAD_PERMISSION = gettext_lazy("You may not upload pictures.")


@staff_member_required
@require_POST
def editor_image_upload(request):
    """Take a picture pasted or dropped into the story editor."""
    if not rules.allowed(request.user, "image", "add"):
        return JsonResponse({"error": {"message": ERROR_UPLOAD_PERMISSION}}, status=403)
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": {"message": _("No file was sent.")}}, status=400)
    try:
        image = catalog.image_create(
            user=request.user,
            upload=upload,
            alt_text=_("Picture in a story: %(name)s") % {"name": upload.name[:200]},
        )
    except PermissionDenied:
        return JsonResponse({"error": {"message": ERROR_UPLOAD_PERMISSION}}, status=403)
    except ValidationError as error:
        return JsonResponse(
            {"error": {"message": " ".join(error.messages)}}, status=400
        )
    return JsonResponse({"url": image.file.url})
