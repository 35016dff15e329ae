"""parse_mode=HTML as Telegram applies it: tags become MessageEntity dicts, bad markup is a 400."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from bot.standin.errors import bad_request

_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
}
_SUPPORTED = {*_SIMPLE, "a", "span", "tg-emoji"}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self._utf16_pos = 0
        self.stack: list[tuple[str, int, dict[str, Any] | None]] = []
        self.entities: list[dict[str, Any]] = []
        self.error: str | None = None

    def _fail(self, message: str) -> None:
        if self.error is None:
            self.error = message

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SUPPORTED:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self.getpos()[1]}')
            return
        attr = dict(attrs)
        entity: dict[str, Any] | None
        if tag in _SIMPLE:
            entity = {"type": _SIMPLE[tag]}
            if tag == "blockquote" and "expandable" in attr:
                entity = {"type": "expandable_blockquote"}
        elif tag == "a":
            entity = {"type": "text_link", "url": attr.get("href") or ""}
        elif tag == "span":
            if attr.get("class") != "tg-spoiler":
                self._fail(f'Unsupported start tag "span" at byte offset {self.getpos()[1]}')
                return
            entity = {"type": "spoiler"}
        elif tag == "tg-emoji":
            entity = {"type": "custom_emoji", "custom_emoji_id": attr.get("emoji-id") or ""}
        else:
            entity = None
        if tag == "code" and self.stack and self.stack[-1][0] == "pre" and attr.get("class"):
            language = (attr.get("class") or "").removeprefix("language-")
            pre = self.stack[-1][2]
            if pre is not None:
                pre["language"] = language
            entity = None
        self.stack.append((tag, self._utf16_pos, entity))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._fail(f'Unsupported start tag "{tag}" at byte offset {self.getpos()[1]}')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            self._fail(f"Unexpected end tag at byte offset {self.getpos()[1]}")
            return
        open_tag, start, entity = self.stack.pop()
        if open_tag != tag:
            self._fail(
                f'Unmatched end tag at byte offset {self.getpos()[1]}, expected "</{open_tag}>", found "</{tag}>"'
            )
            return
        length = self._utf16_pos - start
        if entity is not None and length > 0:
            self.entities.append({**entity, "offset": start, "length": length})

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        self._utf16_pos += utf16_len(data)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities (UTF-16 offsets) of an HTML-formatted message; ApiError(400) if malformed."""
    parser = _Parser()
    parser.feed(source)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1][0]}"'
    if parser.error is not None:
        raise bad_request(f"Bad Request: can't parse entities: {parser.error}")
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    # Keep key order like Telegram's: type, offset, length, extras.
    ordered = [
        {"offset": e["offset"], "length": e["length"], "type": e["type"]}
        | {k: v for k, v in e.items() if k not in ("offset", "length", "type")}
        for e in entities
    ]
    return "".join(parser.text), ordered


def format_text(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict[str, Any]] | None]:
    """Applies parse_mode (HTML parsed; Markdown kept verbatim) or explicit entities."""
    if parse_mode and parse_mode.upper() == "HTML":
        plain, found = parse_html(text)
        return plain, found or None
    if isinstance(entities, list) and entities:
        return text, entities
    return text, None
