"""The pigeon routine's illustrations: each SVG in content/illustrations renders (resvg) to the PNG committed
beside it, so a drawing and its picture cannot drift apart; each is a clear, high-contrast picture."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "render_illustrations.py"
PIGEON = ("position", "lean_forward", "lean_back_turn", "switch_sides")


def _renderer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("render_illustrations", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.render


@pytest.mark.parametrize("name", PIGEON)
def test_each_svg_renders_to_its_committed_png(name: str) -> None:
    svg = ROOT / "content" / "illustrations" / "pigeon" / f"{name}.svg"
    committed = Image.open(svg.with_suffix(".png")).convert("RGB")
    rendered = Image.open(io.BytesIO(_renderer()(svg))).convert("RGB")
    assert committed.size == rendered.size == (600, 600)
    old, new = np.asarray(committed, dtype=np.int16), np.asarray(rendered, dtype=np.int16)
    differing = int((np.abs(old - new).max(axis=2) > 8).sum())
    assert differing < 600 * 600 // 200, f"{name}.png is out of date: run scripts/render_illustrations.py"
    # High contrast: the dark figure on the light mat, both present in quantity.
    brightness = new.sum(axis=2)
    assert int((brightness < 200).sum()) > 20_000
    assert int((brightness > 600).sum()) > 100_000
