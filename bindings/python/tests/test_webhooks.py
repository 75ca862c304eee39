"""Webhooks from Python: verify, parse and serve, with the emulator posting
signed statuses and inbound messages; plus the emulator's behaviours and the
delivery layers."""

import asyncio
import time

import pytest

import switchboard as sb
from switchboard.content import Text

PHONE = sb.Recipient.phone_number("+16505551234")


def sign(secret: bytes, body: bytes) -> str:
    import hashlib
    import hmac

    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


BODY = b'{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"42"},"recipient":{"id":"1"},"timestamp":1,"message":{"mid":"m_1","text":"hi"}}]}]}'


def test_verify_signature():
    sb.verify_signature("secret", BODY, sign(b"secret", BODY))
    for header in (None, "sha256=zz", "md5=abc", sign(b"other", BODY)):
        with pytest.raises(sb.WebhookError):
            sb.verify_signature("secret", BODY, header)
    with pytest.raises(sb.WebhookError):
        sb.verify_signature("secret", BODY + b" ", sign(b"secret", BODY))


def test_handshake():
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "42"}
    assert sb.handshake(params, "tok") == "42"
    with pytest.raises(sb.WebhookError):
        sb.handshake({**params, "hub.verify_token": "no"}, "tok")


def test_parse_webhook():
    [event] = sb.parse_webhook("messenger", BODY)
    assert event["kind"]["type"] == "message"
    assert event["kind"]["content"] == {"type": "text", "body": "hi"}
    with pytest.raises(sb.WebhookError):
        sb.parse_webhook("messenger", b"not json")
    with pytest.raises(ValueError):
        sb.parse_webhook("signal", BODY)


def wait_for(events, n, seconds=5.0):
    deadline = time.time() + seconds
    while len(events) < n and time.time() < deadline:
        time.sleep(0.01)
    return events


def test_serve_receives_signed_statuses_and_inbound_messages(emulator):
    events = []
    with sb.WebhookServer("whatsapp", app_secret="s3cret", verify_token="v", handler=events.append) as hooks:
        emulator.set_webhook("whatsapp", hooks.url, "s3cret")
        receipt = emulator.channel("whatsapp").send(sb.Message(PHONE, Text("hi")))
        wait_for(events, 3)
        # Separate deliveries may be handled in any order: compare as sets.
        assert sorted(e["kind"]["status"] for e in events) == ["delivered", "read", "sent"]
        assert all(e["kind"]["message_id"] == receipt.message_id for e in events)
        emulator.send_inbound_text("whatsapp", "16505551234", "hello?")
        wait_for(events, 4)
        inbound = [e for e in events if e["kind"]["type"] == "message"]
        assert inbound[0]["kind"]["content"] == {"type": "text", "body": "hello?"}
        emulator.fail_next("whatsapp", delivery_failed=131026)
        emulator.channel("whatsapp").send(sb.Message(PHONE, Text("again")))
        wait_for(events, 6)
        [failed] = [e["kind"] for e in events if e["kind"].get("status") == "failed"]
        assert failed["errors"][0]["platform"]["code"] == 131026
    assert all(d["status"] == 200 for d in emulator.webhook_deliveries())


def test_emulator_window_rate_limits_and_latency(emulator):
    channel = emulator.channel("whatsapp")
    emulator.enforce_window("whatsapp", True)
    with pytest.raises(sb.OutsideWindowError) as info:
        channel.send(sb.Message(PHONE, Text("hi")))
    assert info.value.code == 131047
    emulator.open_window("whatsapp", "16505551234")
    channel.send(sb.Message(PHONE, Text("now open")))
    emulator.advance_clock(24 * 3600 + 60)
    with pytest.raises(sb.OutsideWindowError):
        channel.send(sb.Message(PHONE, Text("closed again")))
    emulator.enforce_window("whatsapp", False)
    emulator.set_rate_limit("whatsapp", 1)
    channel.send(sb.Message(PHONE, Text("1")))
    with pytest.raises(sb.RateLimitedError) as info:
        channel.send(sb.Message(PHONE, Text("2")))
    assert info.value.code == 130429 and info.value.temporary
    emulator.set_rate_limit("whatsapp", None)
    emulator.set_latency("whatsapp", 0.1)
    started = time.time()
    channel.send(sb.Message(PHONE, Text("slow")))
    assert time.time() - started >= 0.1


def test_delivery_layers_from_python(emulator):
    reliable = emulator.channel("whatsapp").with_delivery(max_attempts=5)
    emulator.fail_next("whatsapp", 2, status=503)
    reliable.send(sb.Message(PHONE, Text("retried")))
    assert emulator.request_count("whatsapp") == 3
    msg = sb.Message(PHONE, Text("once"), idempotency_key="order-1")
    assert reliable.send(msg) == reliable.send(msg)
    assert emulator.request_count("whatsapp") == 4


async def test_thousands_concurrently_from_asyncio(emulator):
    channel = emulator.channel("whatsapp")
    receipts = await asyncio.gather(*(channel.send_async(sb.Message(sb.Recipient.phone_number(f"+1650{i:07}"), Text(f"n{i}"))) for i in range(3000)))
    assert len({r.message_id for r in receipts}) == 3000


def test_webhook_paths_are_checked_not_panicked_on() -> None:
    for path in ("", "webhook", "/hooks/", "/a//b", "/{x}"):
        with pytest.raises(sb.ConfigError):
            sb.WebhookServer("whatsapp", app_secret="s", verify_token="v", handler=print, path=path)
    import urllib.request

    with sb.WebhookServer("whatsapp", app_secret="s", verify_token="v", handler=print, path="/") as hooks:
        url = hooks.url + "?hub.mode=subscribe&hub.verify_token=v&hub.challenge=42"
        assert urllib.request.urlopen(url).read() == b"42"


def test_empty_secrets_are_refused() -> None:
    with pytest.raises(sb.ConfigError):
        sb.WebhookServer("whatsapp", app_secret="", verify_token="v", handler=print)
    with pytest.raises(sb.ConfigError):
        sb.WebhookServer("whatsapp", app_secret="s", verify_token="", handler=print)
    with pytest.raises(sb.WebhookError):
        sb.verify_signature("", BODY, sign(b"", BODY))
    with pytest.raises(sb.WebhookError):
        sb.handshake({"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}, "")


async def test_a_cancelled_send_neither_poisons_its_key_nor_sends_twice(emulator):
    reliable = emulator.channel("whatsapp").with_delivery(max_attempts=1)
    emulator.fail_next("whatsapp", 1, hang=1.0)
    msg = sb.Message(PHONE, Text("once"), idempotency_key="cancel-me")
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(reliable.send_async(msg), 0.1)
    started = time.time()
    try:
        # Either the first send's receipt (it finished) or a refusal saying its
        # outcome is unknown, never a wait forever or a second copy.
        await asyncio.wait_for(reliable.send_async(msg), 3.0)
    except sb.DuplicateError as e:
        assert "cancel-me" in str(e)
    assert time.time() - started < 3.0
    await asyncio.sleep(1.2)
    assert len(emulator.records("whatsapp")) == 1


def test_two_delivery_wrappers_of_one_channel_share_keys_and_limits(emulator):
    channel = emulator.channel("whatsapp")
    first = channel.with_delivery(max_attempts=2)
    second = channel.with_delivery(max_attempts=2)
    msg = sb.Message(PHONE, Text("once"), idempotency_key="shared-key")
    assert first.send(msg) == second.send(msg)
    assert emulator.request_count("whatsapp") == 1
    with pytest.raises(sb.ConfigError, match="other settings"):
        channel.with_delivery(max_attempts=3)
    with pytest.raises(sb.ConfigError, match="already sends through a delivery stack"):
        first.with_delivery(max_attempts=2)
    with pytest.raises(sb.ConfigError, match="already sends through a delivery stack"):
        emulator.switchboard().channel("whatsapp").with_delivery()
