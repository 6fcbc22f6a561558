"""
Demo content for the ``load_demo`` command: categories, sources, authors, stories.

The content itself is data, in ``data/*.json`` beside this module. Every person,
agency and event in it is invented for the demo, except the story keyed
"turkistan-china-delegation", which is a real TuraNews.kz article kept verbatim
(typos included) as a sample of the outlet's house style. Agency domains use the
reserved ``.example`` TLD.

Story times are local Almaty time, ``days_ago`` days before the load date
(-1 = tomorrow, for the scheduled story).
"""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().with_name("data")


def _load(name: str) -> list[dict]:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


CATEGORIES = _load("categories")
SOURCES = _load("sources")
AUTHORS = _load("authors")
STORIES = _load("stories")
