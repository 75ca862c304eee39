"""The foundation slice from Python: text through both channels against the
emulator, blocking and asyncio, typed exceptions, configuration, bad input."""

import asyncio
import os
import time

import pytest

import switchboard as sb

PLATFORMS = ["messenger", "whatsapp"]


def whatsapp(emulator, **kw):
    args = dict(
        access_token=emulator.access_token,
        phone_number_id="106540352242922",
        base_url=emulator.url("whatsapp"),
    )
    args.update(kw)
    return sb.WhatsApp(**args)


def messenger(emulator, **kw):
    args = dict(
        access_token=emulator.access_token,
        page_id="109876543210987",
        base_url=emulator.url("messenger"),
    )
    args.update(kw)
    return sb.Messenger(**args)


def test_text_goes_through_both_channels(emulator):
    wa = whatsapp(emulator)
    r = wa.send(sb.Message.text(sb.Recipient.phone_number("+16505551234"), "Your order has shipped"))
    assert r.channel == "whatsapp"
    assert r.message_id.startswith("wamid.")
    assert r.recipient_id == "16505551234"
    assert r.status == "accepted"

    fb = messenger(emulator)
    r2 = fb.send(sb.Message.text(sb.Recipient.user_id("6123456789012345"), "Table booked"))
    assert r2.message_id.startswith("m_")
    assert r2.recipient_id == "6123456789012345"

    records = emulator.records()
    assert [rec["message_id"] for rec in records] == [r.message_id, r2.message_id]
    assert records[0]["body"]["text"]["body"] == "Your order has shipped"
    assert records[1]["body"]["messaging_type"] == "RESPONSE"
    assert emulator.records("whatsapp", "+16505551234")[0]["platform"] == "whatsapp"


def test_channels_are_channels(emulator):
    assert isinstance(whatsapp(emulator), sb.Channel)
    assert isinstance(messenger(emulator), sb.Channel)
    assert whatsapp(emulator).platform == "whatsapp"
    assert messenger(emulator).info()["capabilities"]["max_text_chars"] == 2000


async def test_send_async_and_concurrency(emulator):
    wa = whatsapp(emulator)
    to = sb.Recipient.phone_number("+16505551234")
    receipts = await asyncio.gather(*(wa.send_async(sb.Message.text(to, f"n{i}")) for i in range(500)))
    assert len({r.message_id for r in receipts}) == 500
    assert len(emulator.records("whatsapp")) == 500


async def test_async_errors_are_typed(emulator):
    wa = whatsapp(emulator, access_token="wrong-token-async")
    with pytest.raises(sb.AuthError) as info:
        await wa.send_async(sb.Message.text(sb.Recipient.phone_number("+1555"), "x"))
    assert info.value.code == 190


@pytest.mark.parametrize("platform", PLATFORMS)
def test_wrong_token_is_auth_error_and_never_shown(emulator, platform):
    token = "EAAG-python-secret-token-42"
    channel = whatsapp(emulator, access_token=token) if platform == "whatsapp" else messenger(emulator, access_token=token)
    with pytest.raises(sb.Error) as info:
        channel.send(sb.Message.text(emulator.sample_recipient(platform), "hi"))
    err = info.value
    assert isinstance(err, sb.AuthError)
    assert err.code == 190
    assert err.temporary is False
    assert err.fbtrace_id
    assert err.channel == platform
    for shown in (str(err), repr(err), repr(channel), str(err.to_dict())):
        assert token not in shown


@pytest.mark.parametrize("platform,limit", [("whatsapp", 4096), ("messenger", 2000)])
def test_text_limit_boundary(emulator, platform, limit):
    channel = emulator.channel(platform)
    to = emulator.sample_recipient(platform)
    channel.send(sb.Message.text(to, "a" * limit))
    with pytest.raises(sb.ValidationError) as info:
        channel.send(sb.Message.text(to, "a" * (limit + 1)))
    v = info.value.violations
    assert len(v) == 1
    assert "text" in v[0]["field"]
    assert v[0]["problem"] == "too_long"
    assert v[0]["limit"] == limit and v[0]["actual"] == limit + 1
    assert isinstance(info.value, ValueError)
    assert len(emulator.records(platform)) == 1


def test_injected_failures(emulator):
    wa = emulator.channel("whatsapp")
    msg = sb.Message.text(emulator.sample_recipient("whatsapp"), "x")
    emulator.fail_next("whatsapp", code=130429)
    with pytest.raises(sb.RateLimitedError) as info:
        wa.send(msg)
    assert info.value.temporary and info.value.code == 130429
    emulator.fail_next("whatsapp", code=131056)
    with pytest.raises(sb.RateLimitedError) as info:
        wa.send(msg)
    assert info.value.retry_after == 1.0  # 4^0 s, then 4, 16, …
    emulator.fail_next("whatsapp", status=503)
    with pytest.raises(sb.PlatformUnavailableError) as info:
        wa.send(msg)
    assert isinstance(info.value, sb.PlatformError)
    emulator.fail_next("whatsapp", code=131047)
    with pytest.raises(sb.OutsideWindowError):
        wa.send(msg)
    wa.send(msg)
    with pytest.raises(ValueError):
        emulator.fail_next("whatsapp")


def test_unsupported_recipient_kind(emulator):
    with pytest.raises(sb.UnsupportedError) as info:
        emulator.channel("whatsapp").send(sb.Message.text(sb.Recipient.user_ref("ref"), "x"))
    assert "user_ref" in str(info.value)


def test_switchboard_from_config(emulator, tmp_path, monkeypatch):
    monkeypatch.setenv("SB_TEST_TOKEN", emulator.access_token)
    path = tmp_path / "switchboard.toml"
    path.write_text(
        f"""
[channels.support]
type = "whatsapp"
phone_number_id = "106540352242922"
access_token = "env:SB_TEST_TOKEN"
base_url = "{emulator.url('whatsapp')}"

[channels.shop]
type = "messenger"
page_id = "109876543210987"
access_token = "env:SB_TEST_TOKEN"
base_url = "{emulator.url('messenger')}"
"""
    )
    board = sb.Switchboard.from_config(str(path))
    assert board.names() == ["shop", "support"]
    r = board.send("support", sb.Message.text(sb.Recipient.phone_number("+16505551234"), "hi"))
    assert r.channel == "support"
    with pytest.raises(sb.ConfigError) as info:
        board.channel("nope")
    assert "shop, support" in str(info.value)


def test_unknown_plugin_lists_available():
    with pytest.raises(sb.ConfigError) as info:
        sb.Switchboard.from_toml('[channels.x]\ntype = "signal"\n')
    assert "messenger, smsgate, telegram, whatsapp" in str(info.value)


def test_missing_env_variable_is_named():
    os.environ.pop("SB_TEST_UNSET", None)
    with pytest.raises(sb.ConfigError) as info:
        sb.WhatsApp(access_token="env:SB_TEST_UNSET", phone_number_id="1")
    assert "SB_TEST_UNSET" in str(info.value)


def test_emulator_switchboard(emulator):
    board = emulator.switchboard()
    for name in board.names():
        r = board.send(name, sb.Message.text(emulator.sample_recipient(name), "hello"))
        assert r.message_id


def test_bad_input_gives_clear_python_errors():
    with pytest.raises(TypeError):
        sb.Message.text("+16505551234", "hi")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sb.Message.text(sb.Recipient.user_id("1"), 42)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        sb.Recipient("carrier_pigeon", "x")
    with pytest.raises(ValueError):
        sb.Message.from_dict({})
    with pytest.raises(ValueError):
        sb.Message.from_dict({"to": {"kind": "user_id", "id": "1"}, "content": {"type": "hologram"}})
    with pytest.raises(TypeError):
        sb.WhatsApp(phone_number_id="1")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        sb.WhatsApp(access_token="t", phone_number_id="1", dialect="carrier")
    with pytest.raises(sb.ConfigError):
        sb.WhatsApp(access_token="t", phone_number_id="not-a-number")
    with pytest.raises(RuntimeError):
        sb.Emulator().records()


def test_messages_and_receipts_round_trip_through_dicts(emulator):
    msg = sb.Message.text(
        sb.Recipient.phone_number("+16505551234"),
        "hi",
        preview_url=True,
        reply_to="wamid.1",
        idempotency_key="k",
    )
    d = msg.to_dict()
    assert d == {
        "to": {"kind": "phone_number", "id": "+16505551234"},
        "content": {"type": "text", "body": "hi", "preview_url": True},
        "options": {"reply_to": "wamid.1", "idempotency_key": "k"},
    }
    assert sb.Message.from_dict(d) == msg
    r = emulator.channel("whatsapp").send(msg)
    assert sb.Receipt.from_dict(r.to_dict()) == r


def test_every_exception_is_an_error():
    for name in sb.errors.__all__:
        assert issubclass(getattr(sb, name), sb.Error)


def test_help_documents_the_classes():
    assert "WhatsApp Business channel" in (sb.WhatsApp.__doc__ or "")
    assert "Messenger" in (sb.Messenger.__doc__ or "")
    assert sb.Channel.send.__doc__
    assert sb.Emulator.fail_next.__doc__


@pytest.mark.parametrize(
    "failure,exception",
    [
        (dict(code=10), sb.PermissionDeniedError),
        (dict(code=131026), sb.InvalidRecipientError),
        (dict(code=131048), sb.PlatformError),
        (dict(code=190), sb.AuthError),
        (dict(code=131047), sb.OutsideWindowError),
        (dict(code=130429), sb.RateLimitedError),
        (dict(code=131000), sb.PlatformUnavailableError),
        (dict(code=131009), sb.ValidationError),
        (dict(code=131051), sb.UnsupportedError),
        (dict(status=400), sb.UnexpectedResponseError),
    ],
)
def test_every_platform_failure_raises_its_exception_class(emulator, failure, exception):
    emulator.fail_next("whatsapp", **failure)
    with pytest.raises(exception) as info:
        emulator.channel("whatsapp").send(sb.Message.text(PHONE_RECIPIENT, "x"))
    assert isinstance(info.value, sb.Error)
    if "code" in failure:
        assert info.value.code == failure["code"]


PHONE_RECIPIENT = sb.Recipient.phone_number("+16505551234")


def test_network_and_timeout_errors():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    down = sb.WhatsApp(access_token="t", phone_number_id="1", base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(sb.NetworkError) as info:
        down.send(sb.Message.text(PHONE_RECIPIENT, "x"))
    assert info.value.temporary
    assert isinstance(info.value, ConnectionError)
    with sb.Emulator() as emulator:
        slow = sb.WhatsApp(access_token=emulator.access_token, phone_number_id="106540352242922", base_url=emulator.url("whatsapp"), timeout=1)
        emulator.fail_next("whatsapp", hang=1.5)
        with pytest.raises(sb.TimeoutError) as info:
            slow.send(sb.Message.text(PHONE_RECIPIENT, "x"))
        assert isinstance(info.value, TimeoutError)


def test_error_objects_carry_their_details(emulator):
    emulator.fail_next("whatsapp", code=131056)
    with pytest.raises(sb.RateLimitedError) as info:
        emulator.channel("whatsapp").send(sb.Message.text(PHONE_RECIPIENT, "x"))
    d = info.value.to_dict()
    assert d["type"] == "RateLimitedError" and d["retry_after"] == 1.0 and d["fbtrace_id"]
    assert sb.DuplicateError.__doc__


def test_timeouts_are_float_seconds_and_must_be_positive() -> None:
    with sb.Emulator() as emulator:
        for bad in (0, -1.0):
            with pytest.raises(sb.ConfigError, match="timeout_secs"):
                sb.WhatsApp(access_token=emulator.access_token, phone_number_id="106540352242922", base_url=emulator.url("whatsapp"), timeout=bad)
        quick = sb.WhatsApp(access_token=emulator.access_token, phone_number_id="106540352242922", base_url=emulator.url("whatsapp"), timeout=0.3)
        emulator.fail_next("whatsapp", 1, hang=1.5)
        started = time.time()
        with pytest.raises(sb.TimeoutError):
            quick.send(sb.Message.text(sb.Recipient.phone_number("+16505551234"), "x"))
        assert 0.25 <= time.time() - started < 0.9, "0.3 s, not truncated to 1 s"


def test_ctrl_c_interrupts_a_blocking_send_at_once() -> None:
    import signal
    import threading

    with sb.Emulator() as emulator:
        slow = sb.WhatsApp(access_token=emulator.access_token, phone_number_id="106540352242922", base_url=emulator.url("whatsapp"))
        emulator.fail_next("whatsapp", 1, hang=5.0)
        threading.Timer(0.3, lambda: signal.raise_signal(signal.SIGINT)).start()
        started = time.time()
        with pytest.raises(KeyboardInterrupt):
            slow.send(sb.Message.text(sb.Recipient.phone_number("+16505551234"), "x"))
        assert time.time() - started < 0.3 + 0.2, "interrupted within 100 ms or so"


def test_send_async_runs_under_asyncio_run(emulator):
    wa = whatsapp(emulator)
    msg = sb.Message.text(sb.Recipient.phone_number("+16505551234"), "from asyncio.run")
    receipt = asyncio.run(wa.send_async(msg))
    assert receipt.message_id
    board = emulator.switchboard()
    assert asyncio.run(board.send_async("whatsapp", msg)).message_id
    assert emulator.request_count("whatsapp") == 2
