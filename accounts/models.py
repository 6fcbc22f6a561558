from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A member of the newsroom staff (or a reader with an account)."""

    class Meta(AbstractUser.Meta):
        # django-stubs types the inherited Meta's names as plain str.
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        swappable = "AUTH_USER_MODEL"
