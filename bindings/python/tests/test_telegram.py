"""Telegram from Python: opened by name (or ``sb.Telegram``), every
Telegram-only kind and option, its errors in the hierarchy, its webhooks —
with nothing about Telegram in the native binding but the crate's link."""

import time

import pytest

import switchboard as sb
from switchboard import telegram

CHAT = "123456789"


def bot(emulator: sb.Emulator) -> sb.Channel:
    token = "7000000001:" + emulator.access_token
    return sb.Telegram(bot_token=token, base_url=emulator.url("telegram"), name="bot")


def test_texts_and_options_reach_the_bot_api() -> None:
    with sb.Emulator() as emulator:
        b = bot(emulator)
        assert (b.name, b.platform, b.account) == ("bot", "telegram", "7000000001")
        name = telegram.escape_html("Ann <3 & co")
        receipt = b.send(
            sb.Message(
                sb.Recipient.user_id(CHAT),
                sb.Text(f"<b>Hi {name}</b>"),
                reply_to="7",
                notification="silent",
                options=[telegram.Options(parse_mode="HTML", protect_content=True)],
            )
        )
        body = emulator.records()[-1]["body"]
        assert receipt.recipient_id == CHAT
        assert body["text"] == "<b>Hi Ann &lt;3 &amp; co</b>"
        assert body["parse_mode"] == "HTML"
        assert body["reply_parameters"] == {"message_id": 7}
        assert body["disable_notification"] is True and body["protect_content"] is True


def test_telegram_only_kinds() -> None:
    with sb.Emulator() as emulator:
        b = bot(emulator)
        to = sb.Recipient.user_id(CHAT)
        b.send(sb.Message(to, telegram.Voice(url="https://example.com/hi.ogg", caption="Hello")))
        assert emulator.records()[-1]["body"]["voice"] == "https://example.com/hi.ogg"
        b.send(sb.Message(to, telegram.Animation(file_id="CgACAgIAAxkBAAI")))
        assert emulator.records()[-1]["body"]["animation"] == "CgACAgIAAxkBAAI"
        b.send(sb.Message(to, telegram.ChatAction("upload_document")))
        assert emulator.records()[-1]["body"]["action"] == "upload_document"
        with pytest.raises(ValueError, match="exactly one"):
            telegram.Voice()


def test_limits_and_unsupported_kinds_raise_before_sending() -> None:
    with sb.Emulator() as emulator:
        b = bot(emulator)
        to = sb.Recipient.user_id(CHAT)
        with pytest.raises(sb.ValidationError) as e:
            b.send(sb.Message(to, sb.ReplyButtons("Still on?", [sb.content.ReplyButton("ж" * 33, "Yes")])))
        v = e.value.violations[0]
        assert (v["field"], v["limit"], v["actual"]) == ("reply_buttons.buttons[0].id", 64, 66)
        with pytest.raises(sb.UnsupportedError, match="mark_seen"):
            b.send(sb.Message(to, sb.SenderAction("mark_seen")))
        with pytest.raises(sb.UnsupportedError, match="phone_number"):
            b.send(sb.Message.text(sb.Recipient.phone_number("+16505551234"), "hi"))
        assert emulator.records() == []


def test_errors_belong_to_the_hierarchy() -> None:
    with sb.Emulator() as emulator:
        wrong = sb.Telegram(bot_token="7000000001:wrong-token-abc", base_url=emulator.url("telegram"))
        with pytest.raises(sb.AuthError) as e:
            wrong.send(sb.Message.text(sb.Recipient.user_id(CHAT), "hi"))
        assert "wrong-token-abc" not in str(e.value) and "wrong-token-abc" not in repr(e.value)
        assert "wrong-token-abc" not in repr(wrong)
    with pytest.raises(sb.ConfigError, match="bot_token"):
        sb.Channel.open("telegram", base_url="https://api.telegram.org")


def test_escaping_matches_the_formatting_rules() -> None:
    assert telegram.escape_markdown_v2("1+1=2!") == "1\\+1\\=2\\!"
    assert telegram.escape_markdown_v2_code("a`b") == "a\\`b"
    assert telegram.escape_markdown_v2_url("https://x.example/a)") == "https://x.example/a\\)"


def test_webhooks_are_served_with_the_secret_token() -> None:
    got: list = []
    with sb.Emulator() as emulator:
        with sb.WebhookServer("telegram", handler=got.append, webhook_secret="hook-Secret_1") as hooks:
            emulator.set_webhook("telegram", hooks.url, "hook-Secret_1")
            emulator.send_inbound_text("telegram", "555000111", "Where is my order?")
            deadline = time.time() + 5
            while not got and time.time() < deadline:
                time.sleep(0.02)
    assert got, "the update arrived"
    assert got[0]["platform"] == "telegram"
    assert got[0]["kind"]["from"] == "555000111"
    assert got[0]["kind"]["content"] == {"type": "text", "body": "Where is my order?"}
