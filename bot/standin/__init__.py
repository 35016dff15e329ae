"""A local stand-in for the Telegram Bot API, and the test-side user who chats with the bot through it.

In a pytest fixture::

    @pytest.fixture
    async def standin() -> AsyncIterator[BotApiStandIn]:
        server = BotApiStandIn("123:test")  # or BotApiStandIn(None, rate_limit=RateLimit())
        await server.start()                # -> "http://127.0.0.1:<free port>"
        yield server
        await server.stop()

    bot = Bot("123:test", base_url=standin.api_url, base_file_url=standin.file_url)
    alex = ChatUser(standin, 1001)          # await alex.send("/start"); await alex.next_message()
"""

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
