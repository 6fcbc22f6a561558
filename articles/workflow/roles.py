"""Newsroom roles as groups, kept in step with the code after every migrate."""

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

JOURNALIST = "Journalist"
EDITOR = "Editor"
CHIEF_EDITOR = "Chief editor"

_JOURNALIST_PERMS = [
    "articles.view_story", "articles.add_story", "articles.change_story",
    "articles.view_image", "articles.add_image", "articles.change_image",
    "articles.view_tag", "articles.add_tag",
    "articles.view_category", "articles.view_source", "articles.view_author",
    "articles.view_storynote", "articles.add_storynote",
]  # fmt: skip
_EDITOR_PERMS = _JOURNALIST_PERMS + [
    "articles.review_story", "articles.publish_story", "articles.edit_any_story",
    "articles.change_tag", "articles.view_storyevent",
    "articles.view_sourcefeed", "articles.view_storyredirect",
]  # fmt: skip
_CHIEF_PERMS = _EDITOR_PERMS + [
    "articles.delete_story", "articles.delete_image", "articles.delete_tag",
    "articles.add_category", "articles.change_category", "articles.delete_category",
    "articles.add_source", "articles.change_source", "articles.delete_source",
    "articles.add_author", "articles.change_author", "articles.delete_author",
    "accounts.view_user", "accounts.add_user", "accounts.change_user",
    "auth.view_group",
    "articles.add_sourcefeed", "articles.change_sourcefeed",
    "articles.delete_sourcefeed", "articles.import_published",
    "articles.add_storyredirect", "articles.change_storyredirect",
    "articles.delete_storyredirect",
    "articles.view_apikey", "articles.add_apikey", "articles.change_apikey",
    "articles.delete_apikey",
]  # fmt: skip

ROLE_PERMISSIONS: dict[str, list[str]] = {
    JOURNALIST: _JOURNALIST_PERMS,
    EDITOR: _EDITOR_PERMS,
    CHIEF_EDITOR: _CHIEF_PERMS,
}


def _permissions(codes: list[str]) -> list[Permission]:
    query = Q()
    for code in codes:
        app_label, codename = code.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query))
    missing = set(codes) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"Unknown permissions for roles: {sorted(missing)}")
    return found


def sync_roles() -> None:
    """Create the role groups and give each exactly its permissions."""
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(codes))


def sync_roles_after_migrate(
    sender: object, apps: object = global_apps, **kwargs: object
) -> None:
    # Permissions are created by contrib.auth's own post_migrate handler, which
    # runs first because auth comes before articles in INSTALLED_APPS.
    sync_roles()
