"""Every message kind of both channels, built from Python classes with keyword
arguments, sent through the emulator; the emulator's records show the bodies."""

import pytest

import switchboard as sb
from switchboard import messenger as fb
from switchboard import whatsapp as wa
from switchboard.content import (
    Choice,
    ChoiceList,
    ChoiceSection,
    Contact,
    ContactName,
    ContactPhone,
    Contacts,
    Location,
    Media,
    Reaction,
    ReplyButton,
    ReplyButtons,
    SenderAction,
    Text,
)

PHONE = sb.Recipient.phone_number("+16505551234")
PSID = sb.Recipient.user_id("6123456789012345")


def whatsapp_messages():
    header = wa.Header.image(wa.MediaRef(link="https://example.com/banner.png"))
    return [
        ("text", sb.Message(PHONE, Text("Hello https://example.com", preview_url=True))),
        ("image", sb.Message(PHONE, Media("image", url="https://example.com/a.png", caption="A"))),
        ("document", sb.Message(PHONE, Media("document", id="42", filename="invoice.pdf"))),
        ("audio", sb.Message(PHONE, Media("audio", id="7"), options=[wa.Options(voice=True)])),
        ("video", sb.Message(PHONE, Media("video", id="9", caption="clip"))),
        ("sticker", sb.Message(PHONE, Media("sticker", id="8"))),
        ("location", sb.Message(PHONE, Location(51.5, -0.12, name="Shop", address="1 High St"))),
        ("contacts", sb.Message(PHONE, Contacts([Contact(ContactName("Ada Lovelace"), phones=[ContactPhone("+44 20 7946 0000", label="WORK")])]))),
        ("reaction", sb.Message(PHONE, Reaction("wamid.1", "👍"))),
        ("interactive", sb.Message(PHONE, ReplyButtons("Confirm?", [ReplyButton("y", "Yes"), ReplyButton("n", "No")], footer="Reply below"))),
        ("interactive", sb.Message(PHONE, ChoiceList("Pick a slot", "Slots", [ChoiceSection([Choice("mon", "Monday", "9-12")])]))),
        ("template", sb.Message(PHONE, wa.Template("order_update", "en_US", body=[wa.Parameter.text("1042"), wa.Parameter.currency("$10", "USD", 10000)], buttons=[("quick_reply", 0, [wa.ButtonParameter.payload("track")])]))),
        ("interactive", sb.Message(PHONE, wa.Interactive(wa.Product("c1", "sku1")))),
        ("interactive", sb.Message(PHONE, wa.Interactive(wa.ProductList("c1", [wa.ProductSection(["sku1", "sku2"], title="Bread")]), body="Fresh", header=wa.Header.text("Bakery")))),
        ("interactive", sb.Message(PHONE, wa.Interactive(wa.CatalogMessage(), body="Browse"))),
        ("interactive", sb.Message(PHONE, wa.Interactive(wa.Flow("Sign up", flow_name="signup", flow_token="t", flow_action="navigate", screen="WELCOME"), body="Join"))),
        ("interactive", sb.Message(PHONE, wa.Interactive(wa.CtaUrl("Open", "https://example.com"), body="See more", header=header))),
        ("interactive", sb.Message(PHONE, wa.Interactive(wa.LocationRequest(), body="Where are you?"))),
        ("interactive", sb.Message(PHONE, wa.Interactive(wa.Buttons([ReplyButton("a", "A")]), body="With image", header=header))),
        ("interactive", sb.Message(PHONE, wa.Interactive(wa.OrderStatus("ref-1", "processing"), body="Update"))),
    ]


def test_every_whatsapp_kind_reaches_the_emulator(emulator):
    channel = emulator.channel("whatsapp")
    messages = whatsapp_messages()
    for kind, message in messages:
        receipt = channel.send(message)
        assert receipt.message_id.startswith("wamid."), kind
    records = emulator.records("whatsapp")
    assert [r["body"]["type"] for r in records] == [k if k != "image" or True else k for k, _ in messages]
    assert records[3]["body"]["audio"]["voice"] is True
    assert records[0]["body"]["text"]["preview_url"] is True


def test_mark_read_and_typing_on_whatsapp(emulator):
    channel = emulator.channel("whatsapp")
    r = channel.send(sb.Message(PHONE, SenderAction("typing_on", message_id="wamid.in")))
    assert r.message_id == "wamid.in"
    assert emulator.records("whatsapp")[-1]["body"]["typing_indicator"] == {"type": "text"}


def test_on_premises_dialect_and_hsm(emulator):
    onprem = sb.WhatsApp(access_token=emulator.access_token, base_url=emulator.url("whatsapp"), dialect="on_premises")
    onprem.send(sb.Message(PHONE, Text("hi", preview_url=True), options=[wa.Options(ttl="P7D")]))
    onprem.send(sb.Message(PHONE, wa.Hsm("ns", "welcome", "en", params=["Ada"])))
    first, second = emulator.records("whatsapp")
    assert first["body"]["preview_url"] is True and first["body"]["ttl"] == "P7D"
    assert "messaging_product" not in first["body"]
    assert second["body"]["hsm"]["localizable_params"] == [{"default": "Ada"}]


def messenger_messages():
    return [
        ("text", sb.Message(PSID, "Hello" if False else Text("Hello"), notification="silent", reply_to="m_prev")),
        ("image", sb.Message(PSID, Media("image", url="https://example.com/a.png"), options=[fb.Options(reusable=True)])),
        ("file", sb.Message(PSID, Media("document", id="1857777774821032"))),
        ("images", sb.Message(PSID, fb.Images(["https://example.com/1.png", "https://example.com/2.png"]))),
        ("quick", sb.Message(PSID, Text("Pick"), options=[fb.Options(quick_replies=[fb.QuickReply("Red", "RED"), fb.QuickReply(content_type="user_email")])])),
        ("buttons", sb.Message(PSID, ReplyButtons("Confirm?", [ReplyButton("YES", "Yes")]))),
        ("button_template", sb.Message(PSID, fb.ButtonTemplate("Next?", [fb.Button.web_url("Site", "https://example.com"), fb.Button.postback("Talk", "TALK")]))),
        ("generic", sb.Message(PSID, fb.GenericTemplate([fb.Element("Hat", subtitle="Warm", default_url="https://example.com/hat", buttons=[fb.Button.postback("Buy", "BUY")])]))),
        ("media", sb.Message(PSID, fb.MediaTemplate("video", attachment_id="42"))),
        ("tagged", sb.Message(PSID, Text("An agent replies"), options=[fb.Options(tag="HUMAN_AGENT", persona_id="p1")])),
    ]


def test_every_messenger_kind_reaches_the_emulator(emulator):
    channel = emulator.channel("messenger")
    for kind, message in messenger_messages():
        receipt = channel.send(message)
        assert receipt.message_id.startswith("m_"), kind
    records = emulator.records("messenger")
    assert records[0]["body"]["notification_type"] == "SILENT_PUSH"
    assert records[1]["body"]["message"]["attachment"]["payload"]["is_reusable"] is True
    assert records[2]["body"]["message"]["attachment"]["type"] == "file"
    assert records[5]["body"]["message"]["quick_replies"][0]["payload"] == "YES"
    assert records[9]["body"]["tag"] == "HUMAN_AGENT"
    for action in ("typing_on", "typing_off", "mark_seen"):
        channel.send(sb.Message(PSID, SenderAction(action)))
        assert set(emulator.records("messenger")[-1]["body"]) == {"recipient", "sender_action"}
    channel.send(sb.Message(PSID, Reaction("m_1", "❤")))
    assert emulator.records("messenger")[-1]["body"]["payload"] == {"message_id": "m_1", "reaction": "❤"}


def test_retired_tags_are_refused_locally_unless_sent_anyway(emulator):
    channel = emulator.channel("messenger")
    with pytest.raises(sb.ValidationError) as info:
        channel.send(sb.Message(PSID, Text("x"), options=[fb.Options(tag="POST_PURCHASE_UPDATE")]))
    assert "2026-04-27" in str(info.value)
    # Sent anyway, the platform answers error 100 (an invalid parameter).
    with pytest.raises(sb.ValidationError) as info:
        channel.send(sb.Message(PSID, Text("x"), options=[fb.Options(tag="POST_PURCHASE_UPDATE", send_retired_tag_anyway=True)]))
    assert info.value.code == 100 and info.value.violations == []
    assert fb.TAGS["HUMAN_AGENT"]["window_days"] == 7


def test_unsupported_kinds_name_channel_and_kind(emulator):
    with pytest.raises(sb.UnsupportedError) as info:
        emulator.channel("messenger").send(sb.Message(PSID, Location(1.0, 2.0)))
    assert "messenger" in str(info.value) and "location" in str(info.value)


def test_limits_report_every_violation(emulator):
    channel = emulator.channel("whatsapp")
    msg = sb.Message(PHONE, ReplyButtons("b" * 1025, [ReplyButton("i" * 257, "t" * 21)], header="h" * 61))
    with pytest.raises(sb.ValidationError) as info:
        channel.send(msg)
    fields = {v["field"] for v in info.value.violations}
    assert fields == {
        "interactive.header.text",
        "interactive.body.text",
        "interactive.action.buttons[0].reply.title",
        "interactive.action.buttons[0].reply.id",
    }
    assert all(v["problem"] == "too_long" for v in info.value.violations)


def test_formatting_helpers():
    assert wa.bold("hi") == "*hi*"
    assert wa.escape("*x*").replace("\u2060", "") == "*x*"
    assert "*x" not in wa.escape("*x*")


def test_bad_builder_input_is_a_clear_error():
    with pytest.raises(ValueError):
        sb.Message(PHONE, Media("image"))
    with pytest.raises(ValueError):
        sb.Message(PHONE, {"type": "teleport"})
    with pytest.raises(ValueError):
        sb.Message(PHONE, Text("x"), notification="loud")
    with pytest.raises(ValueError):
        sb.Message(PHONE, Text("x"), options=[{"kind": "options"}])  # no channel
    with pytest.raises(TypeError):
        sb.Message("+1555", Text("x"))  # type: ignore[arg-type]


def test_message_round_trips_with_channel_content():
    msg = sb.Message(PHONE, wa.Template("hello_world", "en_US"), options=[wa.Options(voice=False, ttl=86400)], idempotency_key="k")
    assert sb.Message.from_dict(msg.to_dict()) == msg
    assert msg.to_dict()["content"]["kind"] == "template"
