"""Step pictures in `content/`: a file under the content folder (PNG, JPEG or WebP, at most 10 MB: what Telegram
takes as a photo) or an http(s) URL. Checked when the content is loaded (`stretchbot content check`), and keyed by
the file's path and a hash of its bytes, so a changed picture is uploaded anew."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bot.domain.routine_model import StepMedia

PHOTO_MAX_BYTES = 10 * 1024 * 1024  # Telegram's limit for a photo
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"))
_SUFFIXES = {"png": (".png",), "jpeg": (".jpg", ".jpeg"), "webp": (".webp",)}


def _format(data: bytes) -> str | None:
    for signature, name in _SIGNATURES:
        if data.startswith(signature):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def resolve_image(source: str, root: Path) -> tuple[StepMedia | None, str | None]:
    """The picture `source` names (a path relative to the content folder, or a URL), or why it cannot be used."""
    source = source.strip()
    if re.match(r"^https?://\S+$", source):
        return StepMedia(location=source, key=f"url:{source}"[:200], filename=source.rsplit("/", 1)[-1]), None
    if "://" in source:
        return None, "expected a file under content/ or an http(s) link"
    path = (root / source).resolve()
    if not path.is_relative_to(root):
        return None, f"{source!r} is outside the content folder"
    if not path.is_file():
        return None, f"no file {source!r} in the content folder"
    size = path.stat().st_size
    if size == 0 or size > PHOTO_MAX_BYTES:
        return None, f"{source!r} is {size} bytes; a picture must be 1 byte to 10 MB"
    data = path.read_bytes()
    kind = _format(data)
    if kind is None:
        return None, f"{source!r} is not a PNG, JPEG or WebP picture"
    if path.suffix.lower() not in _SUFFIXES[kind]:
        return None, f"{source!r} is a {kind.upper()} picture: name it {_SUFFIXES[kind][0]}"
    digest = hashlib.sha256(data).hexdigest()[:16]
    relative = path.relative_to(root).as_posix()
    return StepMedia(location=str(path), key=f"{relative}#{digest}"[-200:], filename=path.name), None
