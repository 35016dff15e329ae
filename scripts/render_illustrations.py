"""Render every `content/illustrations/**/*.svg` to the PNG beside it (resvg, through resvg-py): run after
changing a drawing, `python scripts/render_illustrations.py`. tests/unit/test_illustrations.py re-renders each
SVG and checks the committed PNG still matches it."""

from __future__ import annotations

import sys
from pathlib import Path

import resvg_py

ROOT = Path(__file__).resolve().parent.parent
ILLUSTRATIONS = ROOT / "content" / "illustrations"


def render(svg: Path) -> bytes:
    return bytes(resvg_py.svg_to_bytes(svg_path=str(svg), skip_system_fonts=True))


def main() -> int:
    for svg in sorted(ILLUSTRATIONS.rglob("*.svg")):
        svg.with_suffix(".png").write_bytes(render(svg))
        print(svg.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
