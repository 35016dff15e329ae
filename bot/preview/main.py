"""`run_preview`: check the content, then play a script or open the terminal chat.

Content is loaded before anything else: on a `ContentError` every problem is printed (file, field, what was
expected) and the preview exits with 2 before the chat opens.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TextIO

from bot.config import load_settings
from bot.content.errors import ContentError
from bot.content.loader import Content, load_content
from bot.preview.script import play_script
from bot.preview.session import PreviewOptions
from bot.preview.terminal import ThreadedReader, chat

EXIT_CONTENT = 2
EXIT_USAGE = 2


def load_checked_content(content_dir: Path | None, err: TextIO) -> tuple[Path, Content] | None:
    """The content folder and its content; None (problems printed to `err`) if it is invalid."""
    folder = content_dir if content_dir is not None else load_settings().content_dir
    try:
        return folder, load_content(folder)
    except ContentError as exc:
        count = len(exc.problems)
        err.write(f"stretchbot preview: the content in {folder} has {count} problem{'s' if count != 1 else ''}:\n")
        for problem in exc.problems:
            err.write(f"  {problem}\n")
        err.write("Fix them and start the preview again (`stretchbot content check` checks without starting).\n")
        err.flush()
        return None


def user_name() -> str:
    return (os.environ.get("USER") or os.environ.get("USERNAME") or "").strip() or "You"


def wants_color(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


def run_preview(
    *,
    speed: float = 10.0,
    script: Path | None = None,
    data_dir: Path = Path("preview-data"),
    fresh: bool = False,
    fire_reminder: bool = False,
    as_coach: bool = False,
    language: str = "en",
    content_dir: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """The `stretchbot preview` command. Exit codes: 0 fine, 1 script failed, 2 content or usage problem."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    loaded = load_checked_content(content_dir, err)
    if loaded is None:
        return EXIT_CONTENT
    folder, content = loaded
    options = PreviewOptions(
        data_dir=data_dir,
        content=content,
        content_dir=folder,
        speed=speed,
        fresh=fresh,
        fire_reminder=fire_reminder,
        user_name=user_name(),
        as_coach=as_coach,
        language=language,
    )
    if script is not None:
        try:
            lines = script.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            err.write(f"stretchbot preview: cannot read the script {script}: {exc.strerror or exc}\n")
            return EXIT_USAGE
        return asyncio.run(play_script(lines, out, options, name=str(script), err=err))
    source = stdin if stdin is not None else sys.stdin
    interactive = bool(getattr(source, "isatty", None) and source.isatty())
    return asyncio.run(chat(options, ThreadedReader(source), out, color=wants_color(out), echo=not interactive))
