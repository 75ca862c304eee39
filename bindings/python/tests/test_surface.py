"""The Python surface reads like Python: reprs, durations in seconds,
context managers, async handlers awaited, a server on any host."""

import asyncio
import time

import pytest

import switchboard as sb

TO = sb.Recipient.phone_number("+16505551234")


def test_receipt_repr_is_python_and_info_durations_are_seconds() -> None:
    with sb.Emulator() as emulator:
        wa = emulator.channel("whatsapp")
        receipt = wa.send(sb.Message.text(TO, "hi"))
        text = repr(receipt)
        assert "Some(" not in text and "recipient_id='16505551234'" in text, text
        assert text.startswith("Receipt(channel='whatsapp', message_id='wamid.")
        caps = wa.info()["capabilities"]
        assert caps["per_recipient_interval"] == 6.0
        assert "no delivery stack" in repr(wa)
        assert "delivery stack" in repr(wa.with_delivery())


def test_channels_and_switchboards_close() -> None:
    with sb.Emulator() as emulator:
        with emulator.channel("whatsapp") as wa:
            wa.send(sb.Message.text(TO, "inside"))
        with pytest.raises(sb.ConfigError, match="closed"):
            wa.send(sb.Message.text(TO, "after"))
        with emulator.switchboard() as board:
            board.send("whatsapp", sb.Message.text(TO, "inside"))
        with pytest.raises(sb.ConfigError, match="closed"):
            board.send("whatsapp", sb.Message.text(TO, "after"))
        assert len(emulator.records()) == 2


def test_async_handlers_are_awaited_and_the_host_is_chosen() -> None:
    got: list = []

    async def handler(event: dict) -> None:
        await asyncio.sleep(0)
        got.append(event)

    with sb.Emulator() as emulator:
        with sb.WebhookServer(
            "telegram", handler=handler, host="0.0.0.0", webhook_secret="hook-Secret_1"
        ) as hooks:
            assert hooks.url.startswith("http://0.0.0.0:")
            url = hooks.url.replace("0.0.0.0", "127.0.0.1")
            emulator.set_webhook("telegram", url, "hook-Secret_1")
            emulator.send_inbound_text("telegram", "555000111", "hi")
            deadline = time.time() + 5
            while not got and time.time() < deadline:
                time.sleep(0.02)
    assert got and got[0]["kind"]["content"]["body"] == "hi"
    with pytest.raises(sb.ConfigError, match="cannot listen"):
        sb.WebhookServer("telegram", handler=print, host="203.0.113.7", webhook_secret="hook-Secret_1")
