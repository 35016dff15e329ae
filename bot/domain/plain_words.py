"""Plain words that mean a command ("help", "stop", "pause", "let's stretch") and small talk ("thanks", "hi", "👍").

Pure. Only short messages count (at most `MAX_WORDS` words, after dropping fillers like "please" and "can you"):
"stop" is a command, "I couldn't stop laughing" is not. A message that names two commands is none.
"""

from __future__ import annotations

import re
import unicodedata

from bot.domain.typed_answers import choose, words

MAX_WORDS = 4
_FILLERS = frozenset({"please", "pls", "plz", "can", "could", "you", "i", "want", "to", "the", "my", "me", "now", "ok"})
_FILLERS |= frozenset({"lets", "let", "us", "would", "like", "just", "show", "bot", "a", "some", "for", "go"})

COMMAND_WORDS: dict[str, frozenset[str]] = {
    "help": frozenset({"help", "what can you do", "commands", "menu", "how does this work", "instructions"}),
    "stop": frozenset({"stop", "quit", "end", "unsubscribe", "stop reminders", "no more reminders"}),
    "pause": frozenset({"pause", "hold on", "wait", "break", "pause reminders"}),
    "resume": frozenset({"resume", "continue", "unpause", "carry on", "keep going"}),
    "start": frozenset({"start", "begin", "lets go", "ready", "go"}),
    "stretch": frozenset({"stretch", "stretching", "routine", "exercise", "workout"}),
    "settings": frozenset({"settings", "setting", "preferences", "options", "change time", "reminder time"}),
    "progress": frozenset({"progress", "chart", "stats", "graph", "how am i doing"}),
    "history": frozenset({"history", "log", "past days"}),
    "export": frozenset({"export", "download", "csv", "my data"}),
    "delete": frozenset({"delete", "delete everything", "erase", "forget me", "delete my data"}),
    "skip": frozenset({"skip", "skip today", "not today", "skip it", "skip this"}),
    "later": frozenset({"later", "snooze", "not now", "in a bit", "remind me later"}),
    "done": frozenset({"done", "next", "finished", "did it"}),
    "language": frozenset({"language", "change language", "languages"}),
}

SMALL_TALK: dict[str, frozenset[str]] = {
    "thanks": frozenset({"thanks", "thank you", "thank", "thx", "ty", "cheers", "ta", "merci", "danke"}),
    "greeting": frozenset({"hi", "hello", "hey", "hiya", "morning", "good morning", "evening", "good evening",
                           "good afternoon", "afternoon", "yo", "howdy"}),
    "ok": frozenset({"ok", "okay", "cool", "great", "nice", "alright", "fine", "sure", "got it", "yes",
                     "yeah", "no", "nope", "awesome", "perfect", "lol"}),
}  # fmt: skip
_POSITIVE_EMOJI = frozenset("👍👌🙏😊🙂😀😃😄😁☺❤️💪🙌👏✅🎉😎🥰😍🤗✨⭐🌞☀")


def _core(text: str) -> list[str]:
    return [w for w in words(text) if w not in _FILLERS]


def command_word(text: str) -> str | None:
    """The command a short message names ("help", "stop", "skip", "later", ...), or None."""
    tokens = words(text)
    if not tokens or len(tokens) > MAX_WORDS + 3:
        return None
    core = _core(text) or tokens
    if len(core) > MAX_WORDS:
        return None
    phrase = " ".join(tokens)
    found = choose(phrase, COMMAND_WORDS)
    if found is None:
        return None
    # Every word left must belong to the command's phrases ("stop it" yes, "stop the music" no).
    vocabulary = {w for p in COMMAND_WORDS[found] for w in p.split()} | {"it", "this", "that", "today", "all"}
    return found if all(w in vocabulary for w in core) else None


def _is_emoji_only(text: str) -> bool:
    stripped = re.sub(r"[\s\u200d\ufe0f]", "", text)
    if not stripped:
        return False
    return all(unicodedata.category(ch) in ("So", "Sk", "Cn") or ch in _POSITIVE_EMOJI for ch in stripped)


def small_talk(text: str) -> str | None:
    """ "thanks", "greeting", "ok" or "emoji" for a short friendly message, else None."""
    if _is_emoji_only(text):
        return "emoji"
    tokens = words(text)
    if not tokens or len(tokens) > MAX_WORDS + 2:
        return None
    return choose(" ".join(tokens), SMALL_TALK)
