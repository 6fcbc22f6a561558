"""What an import did, item by item: outcomes, reasons, and the closing table."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ItemError(ValueError):
    """An item that cannot be imported; the message says why."""


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    PUBLISHED = "published"
    SKIPPED = "skipped"
    FAILED = "failed"


OUTCOME_LABELS = {
    Outcome.CREATED: gettext_lazy("created"),
    Outcome.UPDATED: gettext_lazy("updated"),
    Outcome.PUBLISHED: gettext_lazy("published"),
    Outcome.SKIPPED: gettext_lazy("skipped"),
    Outcome.FAILED: gettext_lazy("failed"),
}


OUTCOME_NAMES = [outcome.value for outcome in OUTCOME_LABELS]


@dataclass
class ItemResult:
    outcome: Outcome
    where: str
    story_id: int | None = None
    reason: str = ""
    copy_of: int | None = None  # the story this item repeats, when skipped for it
    warnings: list[str] = field(default_factory=list)

    @property
    def discard(self) -> bool:
        """Return whether nothing this item brought (pictures…) should be kept."""
        return self.outcome is Outcome.FAILED or self.copy_of is not None

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


@dataclass
class ImportSummary:
    """What one run did: counts, and where and why each failure happened.

    Every item counts once: created (a new story left in the review queue, as a
    draft or scheduled), updated (an imported story refreshed from its source),
    published (a story this run made public, new or imported before), skipped or
    failed.
    """

    created: int = 0
    updated: int = 0
    published: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    results: list[ItemResult] = field(default_factory=list)

    def add(self, result: ItemResult) -> ItemResult:
        setattr(self, result.outcome.value, getattr(self, result.outcome.value) + 1)
        if result.outcome is Outcome.FAILED:
            self.failures.append((result.where, result.reason))
        self.warnings += [(result.where, str(w)) for w in result.warnings]
        self.results.append(result)
        return result

    def fail(self, where: str, reason: str) -> ItemResult:
        return self.add(ItemResult(Outcome.FAILED, where, reason=str(reason)))

    def warn(self, where: str, reason: str) -> None:
        self.warnings.append((where, str(reason)))

    def merge(self, other: ImportSummary) -> None:
        for name in OUTCOME_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures += other.failures
        self.warnings += other.warnings
        self.results += other.results

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in OUTCOME_NAMES)

    def table(self) -> str:
        """Return the summary as a small text table, failures listed under it."""
        heads = [str(label) for label in OUTCOME_LABELS.values()]
        values = [getattr(self, name) for name in OUTCOME_NAMES]
        widths = [max(len(h), len(str(v))) for h, v in zip(heads, values, strict=True)]
        rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

        def row(cells):
            return "| " + " | ".join(cells) + " |"

        lines = [
            rule,
            row(h.ljust(w) for h, w in zip(heads, widths, strict=True)),
            rule,
            row(str(v).rjust(w) for v, w in zip(values, widths, strict=True)),
            rule,
        ]
        if self.failures:
            lines.append(_("Failed:"))
            lines += [f"  {where}: {why}" for where, why in self.failures]
        # Items skipped for a reason worth reading; the routine "seen before" is not.
        routine = str(REASON_ALREADY_IMPORTED)
        skipped = [
            (r.where, r.reason)
            for r in self.results
            if r.outcome is Outcome.SKIPPED and r.reason and r.reason != routine
        ]
        if skipped:
            lines.append(_("Skipped:"))
            lines += [f"  {where}: {why}" for where, why in skipped]
        if self.warnings:
            lines.append(_("Warnings:"))
            lines += [f"  {where}: {why}" for where, why in self.warnings]
        return "\n".join(lines)


REASON_ALREADY_IMPORTED = gettext_lazy("already imported, unchanged")
