"""makemessages sees the messages of the readers' Jinja2 templates."""

from pathlib import Path

from django.core.management.commands.makemessages import TranslatableFile

from articles.management.commands.makemessages import BuildFile, jinja_messages


def test_trans_blocks_become_calls_xgettext_reads():
    source = (
        "{{ _('Search') }} {% trans counter=n, query=q %}One story found for "
        "“{{ query }}”.{% pluralize counter %}{{ counter }} stories found for "
        "“{{ query }}”.{% endtrans %}"
    )
    assert jinja_messages(source).splitlines() == [
        "_('Search')",
        "ngettext('One story found for “%(query)s”.', "
        "'%(counter)s stories found for “%(query)s”.')",
    ]


def test_only_the_templates_under_jinja2_are_read_as_jinja(tmp_path):
    for folder, source, read in (
        ("jinja2", '{{ _("Preview") }}', "_('Preview')\n"),
        ("admin", '{% load i18n %}{% translate "Preview" %}', "gettext(u'Preview')"),
    ):
        page = tmp_path / folder / "page.html"
        page.parent.mkdir()
        page.write_text(source)
        build = BuildFile(
            None, "django", TranslatableFile(str(page.parent), page.name, None)
        )
        build.preprocess()
        assert read in Path(build.work_path).read_text()
