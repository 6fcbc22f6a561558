from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.workflow import queues, rules

register = template.Library()


@register.inclusion_tag(
    "admin/articles/story/includes/state_counts.html", takes_context=True
)
def story_state_counts(context):
    """Show how many stories stand in each state, for the admin home page."""
    user = context["request"].user
    if not user.has_perm("articles.view_story"):
        return {"rows": []}
    # An editor answers for the whole newsroom; a journalist for their own stories.
    is_editor = rules.is_editor(user)
    counts = queues.state_counts(user=None if is_editor else user)
    changelist = reverse("admin:articles_story_changelist")
    mine = reverse("admin:articles_story_mine")
    rows = []
    for state, count in counts.items():
        if not is_editor:
            url = f"{mine}?state={state}"
        elif state == rules.SCHEDULED:
            url = f"{changelist}?timing=scheduled"
        elif state == "published":
            url = f"{changelist}?timing=live"
        else:
            url = f"{changelist}?status__exact={state}"
        rows.append(
            {
                "state": state,
                "label": rules.state_label(state),
                "count": count,
                "url": url,
            }
        )
    return {
        "rows": rows,
        "is_editor": is_editor,
        "in_review": counts.get("in_review", 0),
    }


@register.filter
def timedelta_short(value):
    """Show a waiting time as days, hours or minutes."""
    minutes = int(value.total_seconds() // 60)
    if minutes >= 24 * 60:
        days = minutes // (24 * 60)
        return ngettext("%d day", "%d days", days) % days
    if minutes >= 60:
        hours = minutes // 60
        return ngettext("%d hour", "%d hours", hours) % hours
    if minutes < 1:
        return _("less than a minute")
    return ngettext("%d minute", "%d minutes", minutes) % minutes
