"""Security headers: the admin's additions to the Content-Security-Policy, and the
headers of static files (which WhiteNoise answers before any middleware)."""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# Static files are never meant to be framed or to run anything when opened directly
# (an SVG, say).
STATIC_FILE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'"
)


def static_file_headers(headers, path: str, url: str) -> None:
    """Add frame protection and a closed Content-Security-Policy to a static file."""
    headers["X-Frame-Options"] = "DENY"
    headers["Content-Security-Policy"] = STATIC_FILE_POLICY


# What django-csp's decorators leave on a response to change its policy.
_PER_RESPONSE = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
)  # fmt: skip
_built: dict[bool, tuple[str | None, str | None]] = {}


@receiver(setting_changed)
def _forget(**kwargs):
    _built.clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, adding NEWSROOM_CSP_ADMIN_UPDATE on the admin's pages
    (what CKEditor 5 needs there); the readers' pages keep the strict policy.

    A response whose request used no nonce and that no decorator changed gets the
    same policy every time (one for the admin, one for the rest): it is built
    once, where django-csp built it twice per response from the settings.
    """

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
            or HEADER in response
            or HEADER_REPORT_ONLY in response
            or (settings.DEBUG and response.status_code in (404, 500))
            or "EXCLUDE_URL_PREFIXES" in settings.CONTENT_SECURITY_POLICY
        ):
            return super().process_response(request, response)
        admin = request.path_info.startswith(settings.NEWSROOM_ADMIN_PREFIX)
        found = _built.get(admin)
        if found is None:
            response = super().process_response(request, response)
            _built[admin] = (response.get(HEADER), response.get(HEADER_REPORT_ONLY))
            return response
        for name, value in zip((HEADER, HEADER_REPORT_ONLY), found, strict=True):
            if value:
                response[name] = value
        # As django-csp does: a nonce asked for after the header is written fails.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

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
