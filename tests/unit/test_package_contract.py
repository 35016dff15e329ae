"""The package contract of `bot/` (docs/architecture.md), checked on the source so the layering cannot rot silently.

Each rule names a package and what it may not import; `checked` reads every module's imports with `ast` (imports
inside functions and `TYPE_CHECKING` blocks count too). A last test feeds the checker a module that breaks a rule,
so the check itself is proven to fail when it should.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


@dataclass(frozen=True)
class Rule:
    package: str  # "bot.domain" covers bot/domain/**
    forbidden: tuple[str, ...] = ()  # module prefixes it may not import
    only_stdlib_and: tuple[str, ...] | None = None  # if set: nothing but the standard library and these
    why: str = ""


RULES = (
    Rule("bot.domain", only_stdlib_and=("bot.domain",), why="domain logic is pure Python"),
    Rule("bot.ui", only_stdlib_and=("bot.ui",), why="what the bot shows is plain data"),
    Rule(
        "bot.db",
        forbidden=(
            "telegram",
            "bot.services",
            "bot.views",
            "bot.handlers",
            "bot.telegram_io",
            "bot.routine",
            "bot.reminders",
            "bot.context",
            "bot.app",
        ),
        why="storage knows nothing above it",
    ),
    Rule(
        "bot.services",
        forbidden=(
            "telegram",
            "bot.handlers",
            "bot.views",
            "bot.telegram_io",
            "bot.routine",
            "bot.reminders",
            "bot.context",
            "bot.app",
            "bot.charts",
        ),
        why="use cases never talk to Telegram or render",
    ),
    Rule(
        "bot.views",
        forbidden=(
            "telegram",
            "bot.handlers",
            "bot.db",
            "bot.telegram_io",
            "bot.routine",
            "bot.reminders",
            "bot.context",
            "bot.app",
        ),
        why="views turn results into plain messages",
    ),
    Rule(
        "bot.telegram_io",
        forbidden=(
            "bot.handlers",
            "bot.services",
            "bot.views",
            "bot.db",
            "bot.routine",
            "bot.reminders",
            "bot.context",
            "bot.app",
            "bot.content",
        ),
        why="the sending seam knows only plain messages",
    ),
    Rule("bot.reminders", forbidden=("bot.handlers", "bot.app"), why="jobs never call handlers"),
    Rule("bot.routine", forbidden=("bot.handlers", "bot.app"), why="jobs never call handlers"),
    Rule("bot.charts", forbidden=("telegram", "bot.db", "bot.services", "bot.handlers", "bot.context")),
    Rule("bot.content", forbidden=("telegram", "bot.db", "bot.services", "bot.handlers", "bot.views")),
)

# Only the sending seam may touch python-telegram-bot's private API.
PRIVATE_API_OWNER = "bot.telegram_io"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            found.extend((node.lineno, f"{name}.{alias.name}") for alias in node.names if name.startswith("bot"))
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def private_api_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """`telegram._x` imports, and `Bot._x` / `<something>.bot._x` attribute access."""
    uses: list[tuple[int, str]] = []
    for line, name in imported_modules(tree, ""):
        if name.startswith("telegram") and any(part.startswith("_") for part in name.split(".")[1:]):
            uses.append((line, f"import {name}"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            if (isinstance(owner, ast.Name) and owner.id in {"Bot", "ExtBot", "Application", "Updater"}) or (
                isinstance(owner, ast.Attribute) and owner.attr in {"bot", "application", "updater"}
            ):
                uses.append((node.lineno, f"{ast.unparse(owner)}.{node.attr}"))
    return uses


def violations(module: str, source: str) -> list[str]:
    """Every way `source` (the text of `module`) breaks the contract."""
    tree = ast.parse(source)
    problems: list[str] = []
    for rule in RULES:
        if not _within(module, rule.package):
            continue
        for line, name in imported_modules(tree, module):
            top = name.split(".")[0]
            if rule.only_stdlib_and is not None:
                allowed = top in STDLIB or any(_within(name, ok) for ok in rule.only_stdlib_and)
                if not allowed:
                    problems.append(f"{module}:{line} imports {name} ({rule.package}: {rule.why})")
            for prefix in rule.forbidden:
                if _within(name, prefix):
                    problems.append(f"{module}:{line} imports {name} ({rule.package} may not: {rule.why})")
    if not _within(module, PRIVATE_API_OWNER):
        problems.extend(
            f"{module}:{line} uses python-telegram-bot's private {what} (only {PRIVATE_API_OWNER} may)"
            for line, what in private_api_uses(tree)
        )
    if not _within(module, "bot.handlers") and module != "bot.app":
        problems.extend(
            f"{module}:{line} imports {name} (only bot.app registers handlers)"
            for line, name in imported_modules(tree, module)
            if _within(name, "bot.handlers")
        )
    return problems


def modules() -> list[tuple[str, Path]]:
    return [
        (module_name(path), path)
        for path in sorted(BOT.rglob("*.py"))
        if "migrations" not in path.relative_to(BOT).parts
    ]


def test_every_module_keeps_the_package_contract() -> None:
    problems = [problem for name, path in modules() for problem in violations(name, path.read_text(encoding="utf-8"))]
    assert problems == []


@pytest.mark.parametrize(
    ("module", "source", "complaint"),
    [
        ("bot.domain.schedule", "import sqlalchemy\n", "imports sqlalchemy"),
        ("bot.domain.schedule", "from telegram import Update\n", "imports telegram"),
        ("bot.services.ratings", "from bot.views.common import stale_button\n", "imports bot.views.common"),
        ("bot.services.ratings", "from bot.telegram_io.sender import Sender\n", "imports bot.telegram_io.sender"),
        ("bot.views.settings", "from bot.db.models import User\n", "imports bot.db.models"),
        ("bot.reminders.sending", "from bot import handlers\n", "imports bot.handlers"),
        ("bot.reminders.sending", "from telegram._bot import Bot\n", "private import telegram._bot"),
        ("bot.routine.runtime", "async def f(bot):\n    await Bot._do_post(bot, 'x', {})\n", "private Bot._do_post"),
        (
            "bot.routine.runtime",
            "async def f(app):\n    await app.sender.bot._post('x', {})\n",
            "private app.sender.bot._post",
        ),
        ("bot.ui.message", "from bot.services.user_scope import UserScope\n", "imports bot.services.user_scope"),
    ],
)
def test_the_check_fails_on_a_forbidden_import(module: str, source: str, complaint: str) -> None:
    found = violations(module, source)
    assert any(complaint in problem for problem in found), found


def test_the_sending_seam_may_use_the_private_api() -> None:
    source = "from telegram import Bot\nasync def f(bot):\n    await Bot._do_post(bot, 'x', {})\n"
    assert violations("bot.telegram_io.sender", source) == []


def test_every_public_handler_has_a_docstring() -> None:
    missing = []
    for name, path in modules():
        if not _within(name, "bot.handlers"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.AsyncFunctionDef) and not node.name.startswith("_") and not ast.get_docstring(node):
                missing.append(f"{name}.{node.name}")
    assert missing == []


def test_no_handler_file_is_over_250_lines() -> None:
    long = {
        name: lines
        for name, path in modules()
        if _within(name, "bot.handlers") and (lines := len(path.read_text(encoding="utf-8").splitlines())) > 250
    }
    assert long == {}
