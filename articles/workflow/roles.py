"""Newsroom roles as groups, kept in step with the code after every migrate."""

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from articles.workflow import rules

JOURNALIST = rules.ROLE_GROUPS[rules.JOURNALIST]
EDITOR = rules.ROLE_GROUPS[rules.EDITOR]
CHIEF_EDITOR = rules.ROLE_GROUPS[rules.CHIEF_EDITOR]

# The models behind the matrix's objects: each object's view, add, change and
# delete rights are the model's Django permissions.
MODELS = {
    "story": "story",
    "image": "image",
    "category": "category",
    "source": "source",
    "author": "author",
    "tag": "tag",
    "redirect": "storyredirect",
    "feed": "sourcefeed",
    "apikey": "apikey",
}
# The Django permissions that go with each capability, so that what the admin
# checks on its own (which sections a user sees, autocomplete) agrees with the
# matrix in workflow.rules. Capabilities without an entry are workflow rights.
PERMISSIONS: dict[tuple[str, str], list[str]] = {
    **{
        (kind, action): [f"articles.{action}_{model}"]
        for kind, model in MODELS.items()
        for action in ("view", "add", "change", "delete")
    },
    ("story", "review"): ["articles.review_story"],
    ("story", "publish"): ["articles.publish_story"],
    ("note", "view"): ["articles.view_storynote"],
    ("note", "add"): ["articles.add_storynote"],
    ("history", "view"): ["articles.view_storyevent"],
    ("import", "publish"): ["articles.import_published"],
    ("import", "view"): ["articles.view_importeditem"],
    ("import", "delete"): ["articles.delete_importeditem"],
    ("user", "view"): ["accounts.view_user", "auth.view_group"],
    ("user", "add"): ["accounts.add_user"],
    ("user", "change"): ["accounts.change_user"],
    ("user", "delete"): ["accounts.delete_user"],
}
# Held by those who may change any story, not only their own.
ANY_SCOPE_PERMISSIONS = {("story", "change"): ["articles.edit_any_story"]}


def role_permissions(role: str) -> list[str]:
    """Return the Django permissions the matrix gives role, sorted."""
    index = rules.ROLES.index(role)
    codes = set()
    for cell, scopes in rules.CAPABILITIES.items():
        granted = scopes[index]
        if granted is None:
            continue
        codes.update(PERMISSIONS.get(cell, []))
        if granted == rules.ANY:
            codes.update(ANY_SCOPE_PERMISSIONS.get(cell, []))
    return sorted(codes)


ROLE_PERMISSIONS: dict[str, list[str]] = {
    group: role_permissions(role) for role, group in rules.ROLE_GROUPS.items()
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
