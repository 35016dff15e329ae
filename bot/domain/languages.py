"""Which of the bot's languages to speak: Telegram's `language_code` ("de", "de-AT", "pt-br", "es-419") matched to
the locales the content has, and a language a user names ("Deutsch", "german", "de", "русский"). Pure."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from bot.domain.understanding import fold

FALLBACK = "en"


def supported_language(code: str | None, available: Collection[str]) -> str:
    """The available locale for an IETF language tag: exact ("pt_BR"), else its language ("de"), else English."""
    if not code:
        return FALLBACK if FALLBACK in available else next(iter(available), FALLBACK)
    normalized = code.replace("-", "_")
    lowered = {name.lower(): name for name in available}
    if normalized.lower() in lowered:
        return lowered[normalized.lower()]
    base = normalized.split("_", 1)[0].lower()
    return lowered.get(base, FALLBACK)


def named_language(text: str, names: Mapping[str, Mapping[str, str]]) -> str | None:
    """The locale a typed name means: a code ("de") or the language's name in any language the bot speaks
    (`names`: code -> {code of the language the name is in -> the name}); None if none or several."""
    folded = fold(text)
    if not folded:
        return None
    found = {code for code, spelled in names.items() if folded == code.lower() or folded in map(fold, spelled.values())}
    return found.pop() if len(found) == 1 else None
