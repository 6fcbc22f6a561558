"""The tree of sections: what lies below each one, and which ones readers can reach.

Categories nest (an imported WordPress site keeps its parents). A section holds the
stories filed in it and in the sections below it, and readers are led (navigation,
sitemap) only to sections that hold a public story in their language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import BigIntegerField, Case, Exists, F, OuterRef, Value, When

from articles.models import Category, Story


@dataclass
class SectionTree:
    categories: dict[int, Category]
    children: dict[int | None, list[int]] = field(default_factory=dict)
    # By language: the sections with a public story in them or below them.
    live: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def load(
        cls, *, public_in: Iterable[str] = (), now: datetime | None = None
    ) -> SectionTree:
        """Read every category in one query, and which hold a public story in each
        of the languages public_in."""
        languages = list(public_in)
        rows = Category.objects.all()
        for language in languages:
            stories = Story.objects.published(now).filter(
                category=OuterRef("pk"), language=language
            )
            rows = rows.annotate(**{f"public_{language}": Exists(stories)})
        categories = {c.pk: c for c in rows}
        tree = cls(categories=categories, children=defaultdict(list))
        for category in categories.values():  # in the categories' own order
            parent = category.parent_id if category.parent_id in categories else None
            tree.children[parent].append(category.pk)
        for language in languages:
            live = tree.live[language] = set()
            for category in categories.values():
                if getattr(category, f"public_{language}"):
                    live.update(tree.up_from(category.pk))
        return tree

    def layout(self) -> tuple[tuple[int, int | None, int, str], ...]:
        """Return what the tree's SQL expressions depend on, comparable."""
        return tuple(
            (c.pk, c.parent_id, c.position, c.name) for c in self.categories.values()
        )

    def by_slug(self, slug: str) -> Category | None:
        """Return the section with this address, if any."""
        return next((c for c in self.categories.values() if c.slug == slug), None)

    def up_from(self, pk: int) -> list[int]:
        """Return pk and the sections above it, the innermost first."""
        chain: list[int] = []
        at: int | None = pk
        while at is not None and at in self.categories and at not in chain:
            chain.append(at)
            at = self.categories[at].parent_id
        return chain

    def below(self, pk: int) -> list[int]:
        """Return pk and every section below it."""
        found, todo = [], [pk]
        while todo:
            current = todo.pop()
            if current in found:
                continue
            found.append(current)
            todo.extend(self.children.get(current, []))
        return found

    def top_of(self, pk: int) -> int:
        """Return the outermost section above pk (pk itself at the top)."""
        return self.up_from(pk)[-1] if pk in self.categories else pk

    @property
    def nested(self) -> bool:
        return any(parent is not None for parent in self.children)

    def tops(self) -> list[Category]:
        return [self.categories[pk] for pk in self.children.get(None, [])]

    def reachable(self, language: str) -> list[Category]:
        """Return the sections holding a public story in language, in them or below."""
        live = self.live.get(language, set())
        return [c for pk, c in self.categories.items() if pk in live]

    def reachable_tops(self, language: str) -> list[Category]:
        live = self.live.get(language, set())
        return [c for c in self.tops() if c.pk in live]

    def top_expression(self) -> Any:
        """Return (as SQL) the top section a story's category lies in."""
        if not self.nested:
            return F("category_id")
        groups = defaultdict(list)
        for pk in self.categories:
            groups[self.top_of(pk)].append(pk)
        return Case(
            *[
                When(category_id__in=ids, then=Value(top))
                for top, ids in groups.items()
            ],
            default=F("category_id"),
            output_field=BigIntegerField(),
        )

    def top_order_expressions(self) -> list[Any]:
        """Return (as SQL) what orders a story's top section among the tops."""
        if not self.nested:  # the story's own section, in the tree's order
            return [F("category__position"), F("category__name"), F("category_id")]
        place = {top.pk: number for number, top in enumerate(self.tops())}
        groups = defaultdict(list)
        for pk in self.categories:
            groups[place.get(self.top_of(pk), len(place))].append(pk)
        return [
            Case(
                *[
                    When(category_id__in=ids, then=Value(number))
                    for number, ids in sorted(groups.items())
                ],
                default=Value(len(place)),
                output_field=BigIntegerField(),
            )
        ]
