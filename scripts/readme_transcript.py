"""Regenerate the full-day transcript in README.md: `python scripts/readme_transcript.py`."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- transcript:start -->", "<!-- transcript:end -->"


def main() -> int:
    with tempfile.TemporaryDirectory() as data_dir:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "preview", "--script", "scripts/full-day.preview", "--fresh",
             "--data-dir", data_dir, "--speed", "20"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        transcript = result.stdout.replace(data_dir, "preview-data")
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
        return result.returncode
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = f"{START}\n```text\n{transcript.rstrip()}\n```\n{END}"
    updated = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, readme, flags=re.S)
    (ROOT / "README.md").write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
