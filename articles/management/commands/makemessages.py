"""Django's makemessages, reading the readers' Jinja2 templates as Jinja2.

Django reads every .html file as a Django template and would not see the messages of
Jinja's {% trans %} blocks, so `make messages` would drop them from the catalogues.
Here Jinja's own parser finds them and xgettext is handed them as plain calls, with
the same msgids as the Django templates they come from had.
"""

from pathlib import Path

from django.core.management.commands import makemessages
from django.template import engines

JINJA_FOLDER = "jinja2"


def jinja_messages(source: str) -> str:
    """Return the messages of a Jinja2 template as Python calls xgettext reads."""
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    calls = []
    for _line, function, message in env.extract_translations(source):
        # The strings come first; what follows (a count, variables) is None here.
        args = message if isinstance(message, tuple) else (message,)
        calls.append(f"{function}({', '.join(repr(a) for a in args if a)})")
    return "\n".join(calls) + "\n"


class BuildFile(makemessages.BuildFile):
    def preprocess(self):
        path = Path(self.path)
        if self.domain != "django" or JINJA_FOLDER not in path.parent.parts:
            return super().preprocess()
        source = path.read_text(encoding="utf-8")
        Path(self.work_path).write_text(jinja_messages(source), encoding="utf-8")


class Command(makemessages.Command):
    build_file_class = BuildFile
