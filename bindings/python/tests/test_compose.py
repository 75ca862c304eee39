"""Composing channels from Python: routes from TOML fail over, send the
configured template on a closed window, degrade what a channel cannot
express, reach a customer where the window is open, and broadcast."""

import pytest

import switchboard as sb

PHONE = "+16505551234"
PSID = "6123456789012345"
CHAT = "123456789"

ROUTES = """
[routes.support]
channels = ["whatsapp"]
on_closed_window = "template"

[routes.support.closed_window_template]
channel = "whatsapp"
kind = "template"
payload = { name = "missed_you", language = { code = "en_US" }, components = [
  { type = "body", parameters = [{ type = "text", text = "{text}" }] },
] }

[routes.care]
channels = ["whatsapp", "messenger", "telegram"]

[routes.fb_then_tg]
channels = ["messenger", "telegram"]
on_unsupported = "next"
"""


def board(emulator: sb.Emulator) -> sb.Switchboard:
    b = sb.Switchboard.from_toml(emulator.config_toml() + ROUTES)
    b.link_customer("ann", "whatsapp", sb.Recipient.phone_number(PHONE))
    b.link_customer("ann", "messenger", sb.Recipient.user_id(PSID))
    b.link_customer("ann", "telegram", sb.Recipient.user_id(CHAT))
    return b


def slots() -> sb.ChoiceList:
    return sb.ChoiceList(
        "Which slot?", "Slots", [sb.content.ChoiceSection([sb.content.Choice("am", "Morning"), sb.content.Choice("pm", "Evening")])]
    )


def test_a_closed_window_goes_out_as_the_template() -> None:
    with sb.Emulator() as emulator:
        emulator.enforce_window("whatsapp", True)
        b = board(emulator)
        sent = b.send_routed("support", sb.Message.text(sb.Recipient.phone_number(PHONE), "Your table is ready"))
        assert sent.channel == "whatsapp"
        assert [(a["action"], a["error_kind"]) for a in sent.attempts] == [
            ("original", "outside_window"),
            ("template", None),
        ]
        body = emulator.records()[-1]["body"]
        assert body["template"]["components"][0]["parameters"][0]["text"] == "Your table is ready"


def wrote_on_messenger(b: sb.Switchboard) -> None:
    b.observe({"platform": "messenger", "account": "", "id": "e1", "timestamp_ms": None,
               "kind": {"type": "message", "id": "m1", "from": PSID, "sender_name": None, "reply_to": None,
                        "content": {"type": "text", "body": "hi"}, "referral": None, "errors": []}})


def test_a_customer_is_reached_where_the_window_is_open() -> None:
    with sb.Emulator() as emulator:
        b = board(emulator)
        wrote_on_messenger(b)
        sent = b.send_to_customer("care", "ann", sb.Text("Your table is ready"))
        assert sent.channel == "messenger"
        assert sent.receipt.recipient_id == PSID


def test_unsupported_content_moves_on_or_degrades() -> None:
    with sb.Emulator() as emulator:
        b = board(emulator)
        wrote_on_messenger(b)  # Messenger first: its window is open
        sent = b.send_to_customer("fb_then_tg", "ann", slots())
        assert sent.channel == "telegram"
        assert sent.attempts[0]["error_kind"] == "unsupported"
        with pytest.raises(sb.ConfigError, match="no route named `nope`"):
            b.send_to_customer("nope", "ann", slots())
        with pytest.raises(sb.InvalidRecipientError, match="no customer `bob`"):
            b.send_to_customer("care", "bob", sb.Text("hi"))


def test_a_broadcast_answers_per_channel() -> None:
    with sb.Emulator() as emulator:
        b = board(emulator)
        emulator.fail_next("messenger", 1, code=190)
        results = b.broadcast_to_customer(["whatsapp", "messenger", "telegram"], "ann", sb.Text("We open at 9"))
        assert [name for name, _ in results] == ["whatsapp", "messenger", "telegram"]
        assert isinstance(results[0][1], sb.Receipt) and isinstance(results[2][1], sb.Receipt)
        assert isinstance(results[1][1], sb.AuthError)
        assert b.customer("ann")["addresses"][0]["platform"] == "whatsapp"


def wrote_on_whatsapp(b: sb.Switchboard) -> None:
    b.observe({"platform": "whatsapp", "account": "", "id": "e2", "timestamp_ms": None,
               "kind": {"type": "message", "id": "w1", "from": PHONE.lstrip("+"), "sender_name": None, "reply_to": None,
                        "content": {"type": "text", "body": "hi"}, "referral": None, "errors": []}})


def test_a_choice_list_is_degraded_to_numbered_text() -> None:
    with sb.Emulator() as emulator:
        b = sb.Switchboard.from_toml(emulator.config_toml() + '[routes.fb]\nchannels = ["messenger"]\n')
        b.link_customer("ann", "messenger", sb.Recipient.user_id(PSID))
        sent = b.send_to_customer("fb", "ann", slots())
        assert sent.attempts[0]["action"] == "degraded"
        text = emulator.records()[-1]["body"]["message"]["text"]
        assert text == "Which slot?\n\n1. Morning\n2. Evening\n\nReply with a number."


def test_permanent_errors_move_on_ambiguous_ones_do_not() -> None:
    with sb.Emulator() as emulator:
        config = emulator.config_toml().replace("[channels.whatsapp]\n", "[channels.whatsapp]\ntimeout_secs = 0.3\n")
        assert "timeout_secs = 0.3" in config
        b = sb.Switchboard.from_toml(config + ROUTES)
        b.link_customer("ann", "whatsapp", sb.Recipient.phone_number(PHONE))
        b.link_customer("ann", "telegram", sb.Recipient.user_id(CHAT))
        wrote_on_whatsapp(b)
        emulator.fail_next("whatsapp", 1, code=131026)
        sent = b.send_to_customer("care", "ann", sb.Text("Shipped"))
        assert sent.channel == "telegram"
        assert sent.attempts[0]["error_kind"] == "invalid_recipient"

        emulator.fail_next("whatsapp", 1, hang=1.0)
        with pytest.raises(sb.TimeoutError, match="route care"):
            b.send_to_customer("care", "ann", sb.Text("Shipped again"))
        assert len(emulator.records("telegram")) == 1, "not sent twice"


def test_rules_pick_the_route() -> None:
    rules = """
[routes.tg]
channels = ["telegram"]

[routes.wa]
channels = ["whatsapp"]

[[rules]]
tag = "vip"
route = "tg"

[[rules]]
phone_prefix = "+1650"
route = "wa"
"""
    with sb.Emulator() as emulator:
        b = sb.Switchboard.from_toml(emulator.config_toml() + rules)
        sent = b.send_by_rules(sb.Message.text(sb.Recipient.phone_number(PHONE), "hi"))
        assert sent.channel == "whatsapp"
        sent = b.send_by_rules(sb.Message.text(sb.Recipient.user_id(CHAT), "hi"), tag="vip")
        assert sent.channel == "telegram"
        with pytest.raises(sb.ConfigError, match="no rule matches"):
            b.send_by_rules(sb.Message.text(sb.Recipient.user_id(CHAT), "hi"))


def test_tenants_are_built_lazily() -> None:
    with sb.Emulator() as emulator:
        config = emulator.config_toml()
        asked: list = []

        def configs(tenant: str):
            asked.append(tenant)
            return config if tenant.startswith("shop-") else None

        tenants = sb.Tenants(configs)
        assert tenants.built() == 0
        for i in range(3):
            tenants.send(f"shop-{i}", "telegram", sb.Message.text(sb.Recipient.user_id(CHAT), "hi"))
        tenants.send("shop-0", "telegram", sb.Message.text(sb.Recipient.user_id(CHAT), "again"))
        assert tenants.built() == 3 and asked == ["shop-0", "shop-1", "shop-2"]
        assert tenants.get("shop-1").names() == sorted(["messenger", "smsgate", "telegram", "whatsapp"])
        with pytest.raises(sb.ConfigError, match="no tenant `nobody`"):
            tenants.get("nobody")
        with pytest.raises(sb.ConfigError, match="could not be read"):
            sb.Tenants(lambda t: 1 / 0).get("x")
        tenants.forget("shop-0")
        assert tenants.built() == 2
