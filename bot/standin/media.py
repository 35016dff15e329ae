"""Uploaded media: file ids, PNG/JPEG dimensions, and the PhotoSize / Document JSON Telegram returns."""

from __future__ import annotations

import hashlib
import mimetypes
import struct
from typing import Any

from bot.standin.state import StandInState, StoredFile

DEFAULT_PHOTO_SIZE = (800, 600)
THUMB_SIDE = 90


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG IHDR chunk or a JPEG SOF marker; None if neither."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return None


def store_file(state: StandInState, data: bytes, filename: str | None, mime_type: str | None) -> StoredFile:
    """Keeps the bytes; the same bytes get the same file_unique_id, each upload a new file_id."""
    unique = hashlib.sha256(data).hexdigest()[:16]
    file_id = f"SI{len(state.files) + 1:06d}{unique}"
    if mime_type in (None, "application/octet-stream") and filename:
        mime_type = mimetypes.guess_type(filename)[0] or mime_type
    stored = StoredFile(file_id, f"U{unique}", data, filename, mime_type)
    state.files[file_id] = stored
    return stored


def photo_sizes(stored: StoredFile) -> list[dict[str, Any]]:
    """PhotoSize list, smallest first: a thumbnail when the image is larger than 90px, then the full size."""
    width, height = image_size(stored.data) or DEFAULT_PHOTO_SIZE
    full = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "width": width,
        "height": height,
    }
    if max(width, height) <= THUMB_SIDE:
        return [full]
    scale = THUMB_SIDE / max(width, height)
    thumb = {
        "file_id": stored.file_id + "_t",
        "file_unique_id": stored.file_unique_id + "_t",
        "file_size": max(1, len(stored.data) // 10),
        "width": max(1, round(width * scale)),
        "height": max(1, round(height * scale)),
    }
    return [thumb, full]


def document_json(stored: StoredFile) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "file_name": stored.filename or "document",
        "mime_type": stored.mime_type or "application/octet-stream",
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    return doc
