"""A local stand-in for the Telegram Bot API, and the test-side user who chats with the bot through it."""

from bot.standin.faults import Fault, FaultKind, FaultRegistry
from bot.standin.ratelimit import RateLimit
from bot.standin.remote import RemoteStandIn
from bot.standin.server import BotApiStandIn
from bot.standin.state import BOT_ID, BOT_USER, ChatEvent
from bot.standin.stats import RequestRecord, Stats
from bot.standin.user import BotMessage, Button, CallbackAnswer, ChatUser

__all__ = [
    "BOT_ID",
    "BOT_USER",
    "BotApiStandIn",
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "ChatEvent",
    "ChatUser",
    "Fault",
    "FaultKind",
    "FaultRegistry",
    "RateLimit",
    "RemoteStandIn",
    "RequestRecord",
    "Stats",
]
