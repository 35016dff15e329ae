"""Telling which language a message is in, from the content itself: the English texts' literal fragments that no
text of the user's language has (a message showing one of them is English), and a text's literal part (to wait for
a message by its wording in any language)."""

from __future__ import annotations

import html
import re

from bot.content.catalog import TEXT_CATALOG
from bot.content.loader import Content
from bot.content.texts import Template
from bot.standin import ChatUser
from bot.standin.state import ChatEvent

_PLACEHOLDER = re.compile(r"\{\w+\}")
_TAG = re.compile(r"<[^>]+>")


def _forms(template: Template) -> list[str]:
    return [template] if isinstance(template, str) else list(template.values())


def fragments(template: Template) -> list[str]:
    """The literal pieces of a text, as a user sees them (tags gone, entities read, split at placeholders)."""
    pieces: list[str] = []
    for form in _forms(template):
        plain = html.unescape(_TAG.sub("", form))
        pieces += [p.strip() for line in plain.split("\n") for p in _PLACEHOLDER.split(line) if p.strip()]
    return pieces


def literal(content: Content, key: str) -> str:
    """The longest literal piece of a text in `content`'s language that every plural form has: the fragment to
    wait for."""
    forms = [set(fragments(form)) for form in _forms(content.texts.raw(key))]
    common = set.intersection(*forms)
    return max(common or forms[-1], key=len)


def english_only(english: Content, other: Content) -> set[str]:
    """Fragments of English texts (at least two words and eight letters) that no text in `other` contains."""
    theirs = "\n".join(piece for key in TEXT_CATALOG for piece in fragments(other.texts.raw(key)))
    routine_texts = [
        piece for routine in english.routines.values() for piece in (routine.title, *(s.title for s in routine.steps))
    ]
    found = set()
    for key in TEXT_CATALOG:
        for piece in [*fragments(english.texts.raw(key)), *routine_texts]:
            letters = sum(ch.isalpha() for ch in piece)
            if letters >= 8 and len(piece.split()) >= 2 and piece not in theirs:
                found.add(piece)
    return found


def shown(user: ChatUser) -> list[str]:
    """Everything the user was shown: each message's text or caption and its buttons, each edit, each toast."""
    seen: list[str] = []
    for event in user.events:
        if event.kind not in ("sent", "edited"):
            continue
        seen.append(str(event.message.get("text") or event.message.get("caption") or ""))
        rows = (event.message.get("reply_markup") or {}).get("inline_keyboard") or []
        seen += [str(button.get("text", "")) for row in rows for button in row]
    seen += [answer.text for answer in user.answers if answer.text]
    return [text for text in seen if text]


def english_in(user: ChatUser, english: Content, other: Content) -> list[tuple[str, str]]:
    """(what was shown, the English fragment in it) for every English text the user saw."""
    only = english_only(english, other)
    return [(text, piece) for text in shown(user) for piece in only if piece in text]


def events_of(user: ChatUser) -> list[ChatEvent]:
    return list(user.events)
