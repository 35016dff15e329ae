"""Content problems, reported as file + place in it + what is wrong and what is expected, in plain words.

A problem is an error (the bot will not start with it) or, with `warning`, a note the check shows but the bot
starts anyway (a partial translation: English is used for what is missing). `rank` orders the report cause first:
a file that does not read comes before what its absence makes look missing.
"""

from __future__ import annotations

from dataclasses import dataclass

CAUSE = 0  # the file cannot be read at all (YAML syntax, encoding)
PROBLEM = 1
CONSEQUENCE = 2  # missing or untranslated keys


@dataclass(frozen=True, slots=True)
class ContentProblem:
    file: str
    path: str
    message: str
    warning: bool = False
    rank: int = PROBLEM

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


def ordered(problems: list[ContentProblem]) -> list[ContentProblem]:
    """Cause first (unreadable files), then errors, then warnings; the file order kept within each."""
    return sorted(problems, key=lambda p: (p.rank, p.warning))


class ContentError(Exception):
    """One or more content files are invalid."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = ordered(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
