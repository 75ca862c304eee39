"""A channel for a non-Meta platform, from an outside crate
(``switchboard-example-sms``, the ``smsgate`` plugin): opened by name,
sent through, and its webhooks authenticated and parsed by its own plugin,
with nothing about it in the bindings but the crate's link."""

import time

import pytest

import switchboard as sb


def test_a_third_party_channel_opens_by_name_and_sends() -> None:
    with sb.Emulator() as emulator:
        alerts = sb.Channel.open(
            "smsgate",
            name="alerts",
            api_key=emulator.access_token,
            sender="ACME",
            base_url=emulator.url("smsgate"),
        )
        assert (alerts.name, alerts.platform, alerts.account) == ("alerts", "smsgate", "ACME")
        receipt = alerts.send(sb.Message.text(sb.Recipient.phone_number("+16505551234"), "Your code is 4242"))
        assert receipt.message_id.startswith("sms-")
        with pytest.raises(sb.ConfigError, match="accepted: api_key, sender, base_url"):
            sb.Channel.open("smsgate", api_key="k", colour="blue")
        with pytest.raises(sb.UnsupportedError):
            alerts.validate(sb.Message.text(sb.Recipient.user_id("42"), "x"))


def test_its_webhooks_are_parsed_and_served_by_its_own_plugin() -> None:
    body = b'{"events":[{"type":"inbound","id":"in-1","from":"+16505550000","text":"STOP"}]}'
    events = sb.parse_webhook("smsgate", body)
    assert events[0]["kind"]["type"] == "message"
    assert events[0]["kind"]["content"]["body"] == "STOP"
    with pytest.raises(sb.ConfigError, match="webhook_token"):
        sb.WebhookServer("smsgate", handler=print, app_secret="x")
    got: list = []
    with sb.Emulator() as emulator:
        with sb.WebhookServer("smsgate", handler=got.append, webhook_token="hook-token") as hooks:
            emulator.set_webhook("smsgate", hooks.url, "hook-token")
            emulator.send_inbound_text("smsgate", "+16505550000", "STOP")
            deadline = time.time() + 5
            while not got and time.time() < deadline:
                time.sleep(0.02)
    assert got and got[0]["kind"]["content"]["body"] == "STOP"
