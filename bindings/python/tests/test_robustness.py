"""What hostile testing broke, checked end to end from Python: tokens echoed
by a platform, redirects, webhook paths and secrets (see also
test_webhooks.py), timeouts and Ctrl-C (test_foundation.py)."""

import http.server
import json
import threading
from typing import Iterator, Tuple

import pytest

import switchboard as sb

TOKEN = "EAAG-echoed-secret-77aa"


def serve(status: int, body: bytes, headers: Tuple[Tuple[str, str], ...] = ()) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture
def echoing() -> Iterator[str]:
    body = json.dumps({"error": {"message": f"Malformed access token {TOKEN}", "code": 190, "type": "OAuthException"}}).encode()
    yield from serve(401, body)


def test_an_echoed_token_is_never_shown(echoing: str) -> None:
    wa = sb.WhatsApp(access_token=TOKEN, phone_number_id="1", base_url=echoing)
    with pytest.raises(sb.AuthError) as info:
        wa.send(sb.Message.text(sb.Recipient.phone_number("+16505551234"), "hi"))
    e = info.value
    for shown in (str(e), repr(e), json.dumps(e.to_dict())):
        assert TOKEN not in shown, shown
    assert "[redacted]" in str(e)


def test_a_redirect_is_not_followed() -> None:
    with sb.Emulator() as emulator:
        target = emulator.url("whatsapp")
        for base in serve(307, b"{}", (("location", target),)):
            wa = sb.WhatsApp(access_token=emulator.access_token, phone_number_id="106540352242922", base_url=base)
            with pytest.raises(sb.UnexpectedResponseError):
                wa.send(sb.Message.text(sb.Recipient.phone_number("+16505551234"), "hi"))
        assert emulator.records("whatsapp") == []


def test_bad_phone_numbers_never_reach_the_network() -> None:
    with sb.Emulator() as emulator:
        wa = emulator.channel("whatsapp")
        for bad in ("not a number", "+", "++1650", "+1650\r\n555"):
            with pytest.raises(sb.ValidationError) as info:
                wa.send(sb.Message.text(sb.Recipient.phone_number(bad), "hi"))
            assert info.value.violations[0]["field"] == "to"
        assert emulator.request_count("whatsapp") == 0


def test_non_finite_numbers_and_wrong_types_are_validation_errors() -> None:
    from switchboard.content import Location, Text

    with sb.Emulator() as emulator:
        wa = emulator.channel("whatsapp")
        to = sb.Recipient.phone_number("+16505551234")
        for bad in (float("nan"), float("inf"), float("-inf")):
            with pytest.raises(sb.ValidationError) as info:
                wa.send(sb.Message(to, Location(latitude=bad, longitude=1.0)))
            assert info.value.violations[0]["field"] == "content.latitude"
            assert "finite" in info.value.violations[0]["reason"]
        with pytest.raises(sb.ValidationError) as info:
            wa.send(sb.Message(to, Text(body=5)))  # type: ignore[arg-type]
        assert "expected a string" in str(info.value)
        assert info.value.violations[0]["field"] == "content.body"
        wrong = [
            ({"type": "reply_buttons", "body": "x", "buttons": [{"id": 1, "title": "t"}]}, "content.buttons[0].id"),
            ({"type": "media", "kind": "image", "source": {"url": 3}}, "content.source.url"),
            ({"type": "location", "latitude": "north", "longitude": 1.0}, "content.latitude"),
            ({"type": "choice_list", "body": "b", "button": "x", "sections": [{"rows": [{"id": "a"}]}]},
             "content.sections[0].rows[0]"),
        ]
        for content, field in wrong:
            with pytest.raises(sb.ValidationError) as info:
                sb.Message(to, content)
            assert info.value.violations[0]["field"] == field, info.value
        with pytest.raises(sb.ValidationError) as info:
            sb.Message(to, sb.Text("hi"), notification="loud")
        assert info.value.violations[0]["field"] == "notification"
        assert emulator.request_count("whatsapp") == 0


def test_a_runaway_recipient_id_is_refused_naming_to() -> None:
    with sb.Emulator() as emulator:
        messenger = emulator.channel("messenger")
        messenger.send(sb.Message.text(sb.Recipient.user_id("7" * 1024), "at the ceiling"))
        with pytest.raises(sb.ValidationError) as info:
            messenger.send(sb.Message.text(sb.Recipient.user_id("7" * 1025), "over"))
        v = info.value.violations[0]
        assert (v["field"], v["limit"], v["actual"]) == ("to", 1024, 1025)
        assert emulator.request_count("messenger") == 1
