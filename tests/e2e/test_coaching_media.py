"""A coach's own photo and video, sent in the chat and attached with a button, reach their client's next session
(by Telegram file id: sendPhoto / sendVideo); a client's photo is read as before; stale or forged buttons refused."""

from __future__ import annotations

from bot.db.models import CoachMedia
from bot.standin import BotApiStandIn
from tests.e2e.coaching_helpers import ADMIN, invite, open_link, person
from tests.e2e.data_helpers import text_of
from tests.e2e.helpers import AnyApp, onboard, read_until, rows


async def test_media_attached_from_the_chat_is_sent_in_the_step(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 7001, "Lea")
    await onboard(client)
    payload = await invite(coach, "Lea")
    await open_link(client, payload)
    await client.tap("✅ Agree, share")
    await read_until(coach, "accepted your invite")

    sent_photo = await coach.send_photo()
    photo_id = sent_photo["photo"][-1]["file_id"]
    where = await read_until(coach, "Where should this go?")
    await coach.tap("Pigeon hip stretch: Get into pigeon pose", message=where)
    await read_until(coach, "Attached to Get into pigeon pose")
    sent_video = await coach.send_video()
    video_id = sent_video["video"]["file_id"]
    where_video = await read_until(coach, "Where should this go?")
    intro_data = where_video.buttons[0][0].value
    await coach.tap("Pigeon hip stretch: intro", message=where_video)
    await read_until(coach, "Attached to the intro")
    again = await coach.tap_data(where_video.message_id, intro_data)  # an old button: stale, nothing changes
    assert "earlier step" in ((await coach.answer_to(again)).text or "")
    assert len(await rows(app, CoachMedia)) == 2

    await client.send("/stretch")
    await read_until(client, "how stiff is your back right now")
    await client.tap("6")
    intro = await read_until(client, "Pigeon hip stretch – about 5 minutes")
    assert intro.raw["video"]["file_id"] == video_id
    step = await read_until(client, "Get into pigeon pose")
    assert step.raw["photo"][-1]["file_id"] == photo_id


async def test_a_clients_photo_is_read_as_before_and_a_forged_attach_is_refused(
    app: AnyApp, standin: BotApiStandIn
) -> None:
    client = person(standin, 7002, "Max")
    await onboard(client)
    await client.send_photo(caption="my back is a 6")
    reply = await client.next_message()
    assert "6" in text_of(reply)
    await client.send_photo()
    assert "I can only read text" in text_of(await client.next_message())
    coach = person(standin, ADMIN, "Sam")
    await coach.send_photo()
    await read_until(coach, "Where should this go?")
    [media] = await rows(app, CoachMedia)
    await client.tap_data(reply.message_id, f"1|cm|{media.id}|pigeon|position")
    await client.send("/help")
    await client.next_message()
    assert (await rows(app, CoachMedia))[0].step_id is None
