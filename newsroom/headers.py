"""Security headers: the admin's additions to the Content-Security-Policy, and the
headers of static files (which WhiteNoise answers before any middleware)."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

# Static files are never meant to be framed or to run anything when opened directly
# (an SVG, say).
STATIC_FILE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'"
)


def static_file_headers(headers, path: str, url: str) -> None:
    """Add frame protection and a closed Content-Security-Policy to a static file."""
    headers["X-Frame-Options"] = "DENY"
    headers["Content-Security-Policy"] = STATIC_FILE_POLICY


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, adding NEWSROOM_CSP_ADMIN_UPDATE on the admin's pages
    (what CKEditor 5 needs there); the readers' pages keep the strict policy."""

    def get_policy_parts(
        self, request, response, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.update is None
            and request.path_info.startswith(settings.NEWSROOM_ADMIN_PREFIX)
        ):
            parts.update = settings.NEWSROOM_CSP_ADMIN_UPDATE
        return parts


# Browser features no page of ours uses, turned off (django-permissions-policy).
FEATURES_OFF: dict[str, list[str]] = {
    feature: []
    for feature in [
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
        "hid", "magnetometer", "microphone", "midi", "payment", "serial", "usb",
    ]
}  # fmt: skip
