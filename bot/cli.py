"""The `stretchbot` command: run, preview, db (upgrade, current, downgrade, backup, restore), content check."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import SettingsError, load_settings
from bot.content.errors import ContentError
from bot.db_commands import add_db_parser, run_db_command
from bot.failures import EXIT_BAD_SETTING


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stretchbot", description="A Telegram bot for a short daily hip stretch, with stiffness ratings."
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        metavar="FILE",
        help="read settings from FILE, e.g. the service's /etc/stretchbot/stretchbot.env (before .env; "
        "the environment still wins)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser("run", help="run the bot on Telegram (needs TELEGRAM_BOT_TOKEN)")
    run.add_argument("--webhook", metavar="URL", help="receive updates by webhook at this public URL")
    run.add_argument("--listen", default="0.0.0.0", help="webhook server address (default 0.0.0.0)")
    run.add_argument("--port", type=int, default=8443, help="webhook server port (default 8443)")
    preview = commands.add_parser("preview", help="chat with the bot in this terminal, no Telegram account needed")
    preview.add_argument("--speed", type=float, default=10.0, help="run timers N times faster (default 10)")
    preview.add_argument("--script", type=Path, help="play a file of user inputs and print the transcript")
    preview.add_argument(
        "--data-dir",
        type=Path,
        default=Path("preview-data"),
        help="where the preview keeps its database and files",
    )
    preview.add_argument("--fresh", action="store_true", help="start with an empty preview database")
    preview.add_argument("--fire-reminder", action="store_true", help="send the first reminder right after onboarding")
    preview.add_argument(
        "--as",
        dest="as_role",
        choices=("user", "coach"),
        default="user",
        help="chat as a user (default) or as a coach with three demo clients",
    )
    preview.add_argument(
        "--language", default="en", help="the language of your (simulated) Telegram app, e.g. de, es, ru (default en)"
    )
    add_db_parser(commands)
    content = commands.add_parser("content", help="content commands")
    content_commands = content.add_subparsers(dest="content_command", metavar="CONTENT_COMMAND")
    check = content_commands.add_parser("check", help="validate every file in content/")
    check.add_argument("--dir", type=Path, help="content folder (default: CONTENT_DIR or ./content)")
    return parser


def _fail(message: str) -> int:
    print(f"stretchbot: {message}", file=sys.stderr)
    return EXIT_BAD_SETTING


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.env_file is not None:
            use_env_file(args.env_file)
        if args.command == "run":
            return _run(args)
        if args.command == "preview":
            from bot.preview.main import run_preview

            return run_preview(
                speed=args.speed,
                script=args.script,
                data_dir=args.data_dir,
                fresh=args.fresh,
                fire_reminder=args.fire_reminder,
                as_coach=args.as_role == "coach",
                language=args.language,
            )
        if args.command == "db" and (code := run_db_command(args)) is not None:
            return code
        if args.command == "content" and args.content_command == "check":
            return _content_check(args.dir)
    except SettingsError as exc:
        return _fail(str(exc))

    except ContentError as exc:
        errors = [p for p in exc.problems if not p.warning]
        print(
            f"stretchbot: {len(errors)} content problem(s), each with the file to fix (the first ones cause",
            file=sys.stderr,
        )
        print("the later ones; positions count from 1):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {'note: ' if problem.warning else ''}{problem}", file=sys.stderr)
        return EXIT_BAD_SETTING
    except KeyboardInterrupt:
        return 130
    parser.print_help()
    return 0 if args.command is None else 2


def _run(args: argparse.Namespace) -> int:
    from bot.failures import StartupFailure
    from bot.runner import run_bot

    try:
        return run_bot(load_settings(), webhook_url=args.webhook, listen=args.listen, port=args.port)
    except StartupFailure as exc:  # one line, no traceback: it says what to fix (bot.failures has the codes)
        print(f"stretchbot: {exc} (exit code {exc.code})", file=sys.stderr)
        return exc.code


def use_env_file(path: Path) -> None:
    """Put the settings in `path` (KEY=value lines, as in .env) into this process's environment, where it does not
    have them already."""
    from dotenv import dotenv_values

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"cannot read the settings file {path}: {exc.strerror}") from None
    values = dotenv_values(stream=io.StringIO(text))
    for key, value in values.items():
        if value is not None:
            os.environ.setdefault(key, value)  # the environment still wins, as it does over .env


def _content_check(folder: Path | None) -> int:
    from bot.content.loader import load_content

    root = folder if folder is not None else load_settings().content_dir
    content = load_content(root)
    routines = ", ".join(f"{r.id} ({len(r.steps)} steps)" for r in content.routines.values())
    languages = ", ".join(f"{code} ({name})" for code, name in content.language_names().items())
    print(f"content OK: {len(content.texts.keys())} texts, routines: {routines}, languages: {languages}")
    for note in content.notes:
        print(f"  note: {note}")
    return 0
