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


def test_rust_logs_reach_python_logging(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG, logger="switchboard")
    sb.refresh_logging()
    with sb.Emulator() as emulator:
        wa = emulator.channel("whatsapp").with_delivery()
        emulator.fail_next("whatsapp", 1, status=503)
        wa.send(sb.Message.text(TO, "hi"))
        retries = [r for r in caplog.records if r.name.startswith("switchboard") and "retrying" in r.getMessage()]
        assert retries, [r.getMessage() for r in caplog.records][:20]

        def broken(event: dict) -> None:
            raise RuntimeError("handler bug")

        with sb.WebhookServer("telegram", handler=broken, webhook_secret="hook-Secret_1") as hooks:
            emulator.set_webhook("telegram", hooks.url, "hook-Secret_1")
            emulator.send_inbound_text("telegram", "555000111", "hi")
            deadline = time.time() + 5
            while time.time() < deadline and not any(r.name == "switchboard.webhook" for r in caplog.records):
                time.sleep(0.02)
    logged = [r for r in caplog.records if r.name == "switchboard.webhook"]
    assert logged and logged[0].levelno == logging.ERROR
    assert logged[0].exc_info and "handler bug" in str(logged[0].exc_info[1])


def test_verb_shortcuts_take_a_plain_str_recipient() -> None:
    with sb.Emulator() as emulator:
        wa = emulator.channel("whatsapp")
        receipt = wa.send_text("+16505551234", "Your order has shipped", preview_url=False)
        body = emulator.records()[-1]["body"]
        assert body["to"] == "+16505551234" and body["text"] == {"body": "Your order has shipped", "preview_url": False}
        wa.react("+16505551234", receipt.message_id, "👍")
        assert emulator.records()[-1]["body"]["reaction"]["emoji"] == "👍"
        wa.mark_as_read("+16505551234", "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3")
        wa.typing("+16505551234", "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3")
        tg = sb.Telegram(bot_token="7000000001:" + emulator.access_token, base_url=emulator.url("telegram"))
        tg.send_text("123456789", "hi", reply_to="1")
        assert emulator.records()[-1]["body"]["reply_parameters"] == {"message_id": 1}
        tg.typing(sb.Recipient.group("-1001234567890"))
        with pytest.raises(sb.ValidationError):
            wa.send_text(42, "hi")  # type: ignore[arg-type]
        with pytest.raises(sb.ValidationError):
            wa.send_text("+1 abc", "hi")


def test_unknown_keys_are_refused_and_the_raw_patch_sends_them() -> None:
    from switchboard import whatsapp as wa

    with sb.Emulator() as emulator:
        channel = emulator.channel("whatsapp")
        named = {"type": "text", "text": "Ada", "parameter_name": "customer"}
        template = {"type": "channel", "channel": "whatsapp", "kind": "template",
                    "payload": {"name": "order_update", "language": {"code": "en_US"},
                                "components": [{"type": "body", "parameters": [named]}]}}
        with pytest.raises(sb.ValidationError, match="parameter_name"):
            channel.send(sb.Message(TO, template))
        plain = wa.Template("order_update", "en_US")
        patch = {"template": {"components": [{"type": "body", "parameters": [named]}]}}
        channel.send(sb.Message(TO, plain, options=[wa.Options(raw_patch=patch)]))
        body = emulator.records()[-1]["body"]
        assert body["template"]["components"][0]["parameters"][0]["parameter_name"] == "customer"
