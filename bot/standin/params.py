"""Request parsing: form-urlencoded, multipart and JSON bodies into typed `Params` as Telegram reads them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.web_request import FileField

from bot.standin.errors import ApiError, bad_request, empty_param

# Fields that PTB (and other clients) send JSON-encoded inside form values.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "menu_button",
        "link_preview_options",
        "reply_parameters",
        "media",
    }
)
INT_FIELDS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "user_id"})
BOOL_FIELDS = frozenset({"show_alert", "drop_pending_updates", "disable_notification", "protect_content"})


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Params:
    """The parameters of one Bot API call; values from form bodies are strings until read through a getter."""

    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def str_or_none(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def int_or_none(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value))
        except ValueError:
            return None

    def require_int(self, name: str) -> int:
        value = self.int_or_none(name)
        if value is None:
            raise empty_param(name)
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1")

    def json(self, name: str) -> Any:
        """The decoded JSON value of `name` (objects sent as JSON strings in forms), or None."""
        value = self.values.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError as exc:
                raise bad_request(f"Bad Request: can't parse {name} JSON object") from exc
        return value

    def decoded(self) -> dict[str, Any]:
        """All values with known JSON, int and bool fields decoded: what the request log keeps."""
        out: dict[str, Any] = {}
        for key, value in self.values.items():
            try:
                if key in JSON_FIELDS:
                    out[key] = self.json(key)
                elif key in INT_FIELDS and self.int_or_none(key) is not None:
                    out[key] = self.int_or_none(key)
                elif key in BOOL_FIELDS:
                    out[key] = self.bool(key)
                else:
                    out[key] = value
            except ApiError:
                out[key] = value
        for key, upload in self.files.items():
            out.setdefault(key, f"<file {upload.filename!r} {len(upload.data)} bytes>")
        return out


async def parse_request(request: web.Request) -> Params:
    """Reads query-string and body parameters; raises ApiError(400) on a malformed body."""
    params = Params(values=dict(request.query))
    if request.method not in ("POST", "PUT") or not request.can_read_body:
        return params
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("Bad Request: can't parse JSON") from exc
        if not isinstance(body, dict):
            raise bad_request("Bad Request: request body must be a JSON object")
        params.values.update(body)
    elif ctype.startswith("multipart/"):
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            data = await part.read(decode=True)
            if part.filename is not None:
                ptype = part.headers.get("Content-Type")
                params.files[part.name] = UploadedFile(part.filename, ptype, bytes(data))
            else:
                params.values[part.name] = data.decode(part.get_charset(default="utf-8"))
    else:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                params.values[key] = value
            elif isinstance(value, FileField):
                params.files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
    return params
