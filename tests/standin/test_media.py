"""Uploads: multipart photos and documents keep their bytes; PNG sizes come from the IHDR chunk."""

from __future__ import annotations

from telegram import Bot, InputFile

from bot.standin import BotApiStandIn, ChatUser
from tests.standin.conftest import USER_ID, tiny_png


async def test_photo_upload_reports_png_size(bot: Bot, user: ChatUser, standin: BotApiStandIn) -> None:
    png = tiny_png(120, 45)
    sent = await bot.send_photo(USER_ID, png, caption="<b>Hip</b> stretch", parse_mode="HTML")
    full = sent.photo[-1]
    assert (full.width, full.height, full.file_size) == (120, 45, len(png))
    assert sent.photo[0].width == 90  # thumbnail
    assert sent.caption == "Hip stretch"
    assert sent.caption_entities[0].type == "bold"
    assert standin.file(full.file_id).data == png
    assert user.last_message.photo is not None
    # PTB can fetch it back through getFile and the file URL
    downloaded = await (await bot.get_file(full.file_id)).download_as_bytearray()
    assert bytes(downloaded) == png
    # and re-send it by file_id
    again = await bot.send_photo(USER_ID, full.file_id)
    assert again.photo[-1].file_unique_id == full.file_unique_id


async def test_document_upload_keeps_name_type_and_bytes(bot: Bot, user: ChatUser, standin: BotApiStandIn) -> None:
    data = b"day,before,after\n1,6,4\n"
    sent = await bot.send_document(USER_ID, InputFile(data, filename="ratings.csv"))
    document = sent.document
    assert document is not None
    assert (document.file_name, document.mime_type, document.file_size) == (
        "ratings.csv",
        "text/csv",
        len(data),
    )
    assert standin.file(document.file_id).data == data
    assert user.last_message.document is not None
