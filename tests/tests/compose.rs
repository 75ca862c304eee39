//! Composing channels against the emulator: a closed window goes out as the
//! configured template, unsupported content is degraded or moved on,
//! permanent errors move on, ambiguous ones do not, a broadcast answers per
//! channel, and a customer is reached where their window is open.

use std::time::Duration;

use serde_json::json;
use switchboard::compose::{Directory, Tenants};
use switchboard::{
    Choice, ChoiceList, ChoiceSection, Content, ErrorKind, Message, Recipient, Switchboard, Text,
};
use switchboard_emulator::{Emulator, Failure};
use switchboard_tests as _;

const PHONE: &str = "+16505551234";
const PSID: &str = "6123456789012345";
const CHAT: &str = "123456789";

fn board(emulator: &Emulator, routes: &str) -> Switchboard {
    let config = format!("{}\n{routes}", emulator.config_toml());
    let board = Switchboard::from_toml_str(&config).unwrap();
    let customers = board.customers();
    customers
        .link("ann", "whatsapp", Recipient::phone_number(PHONE))
        .unwrap();
    customers
        .link("ann", "messenger", Recipient::user_id(PSID))
        .unwrap();
    customers
        .link("ann", "telegram", Recipient::user_id(CHAT))
        .unwrap();
    board
}

fn slots() -> Content {
    ChoiceList::new(
        "Which slot?",
        "Slots",
        [ChoiceSection::new([
            Choice::new("am", "Morning"),
            Choice::new("pm", "Evening"),
        ])],
    )
    .into()
}

const TEMPLATE_ROUTE: &str = r#"
[routes.support]
channels = ["whatsapp"]
on_closed_window = "template"

[routes.support.closed_window_template]
channel = "whatsapp"
kind = "template"
payload = { name = "missed_you", language = { code = "en_US" }, components = [
  { type = "body", parameters = [{ type = "text", text = "{text}" }] },
] }
"#;

#[tokio::test]
async fn a_closed_window_goes_out_as_the_configured_template() {
    let emulator = Emulator::start().await.unwrap();
    emulator.enforce_window("whatsapp", true);
    let board = board(&emulator, TEMPLATE_ROUTE);
    let message = Message::text(Recipient::phone_number(PHONE), "Your table is ready");
    let sent = board.send_routed("support", &message).await.unwrap();
    assert_eq!(sent.receipt.channel, "whatsapp");
    let actions: Vec<_> = sent
        .attempts
        .iter()
        .map(|a| (a.action, a.error_kind))
        .collect();
    assert_eq!(
        actions,
        [
            ("original", Some(ErrorKind::OutsideWindow)),
            ("template", None)
        ]
    );
    let records = emulator.records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].body["type"], "template");
    assert_eq!(records[0].body["template"]["name"], "missed_you");
    assert_eq!(
        records[0].body["template"]["components"][0]["parameters"][0]["text"],
        "Your table is ready"
    );
}

#[tokio::test]
async fn an_unsupported_choice_list_is_degraded_or_moved_on_as_configured() {
    let emulator = Emulator::start().await.unwrap();
    let board = board(
        &emulator,
        r#"
[routes.degrade]
channels = ["messenger", "telegram"]

[routes.move_on]
channels = ["messenger", "telegram"]
on_unsupported = "next"
"#,
    );
    // Ann wrote on Messenger: its window is open, as Telegram's always is,
    // so the configured order holds.
    board.window_tracker().record_inbound("messenger", PSID);
    let degraded = board
        .send_to_customer("degrade", "ann", slots())
        .await
        .unwrap();
    assert_eq!(degraded.receipt.channel, "messenger");
    assert_eq!(degraded.attempts[0].action, "degraded");
    let body = &emulator.records()[0].body;
    assert_eq!(
        body["message"]["text"],
        "Which slot?\n\n1. Morning\n2. Evening\n\nReply with a number."
    );

    let moved = board
        .send_to_customer("move_on", "ann", slots())
        .await
        .unwrap();
    assert_eq!(moved.receipt.channel, "telegram");
    assert_eq!(moved.attempts[0].error_kind, Some(ErrorKind::Unsupported));
    let body = &emulator.records()[1].body;
    assert_eq!(
        body["reply_markup"]["inline_keyboard"],
        json!([[{"text": "Morning", "callback_data": "am"}], [{"text": "Evening", "callback_data": "pm"}]])
    );
}

#[tokio::test]
async fn a_permanent_error_moves_on_an_ambiguous_one_does_not() {
    let emulator = Emulator::start().await.unwrap();
    let routes = r#"
[routes.chain]
channels = ["whatsapp", "telegram"]

[routes.bold]
channels = ["whatsapp", "telegram"]
after_ambiguous = "next"
"#;
    let mut config: toml::Table = format!("{}\n{routes}", emulator.config_toml())
        .parse()
        .unwrap();
    // A short timeout, so that a hang is an ambiguous failure quickly.
    config["channels"]["whatsapp"]
        .as_table_mut()
        .unwrap()
        .insert("timeout_secs".into(), 0.3.into());
    let board = Switchboard::from_toml_str(&config.to_string()).unwrap();
    for (platform, to) in [
        ("whatsapp", Recipient::phone_number(PHONE)),
        ("telegram", Recipient::user_id(CHAT)),
    ] {
        board.customers().link("ann", platform, to).unwrap();
    }
    board.window_tracker().record_inbound("whatsapp", PHONE);
    let text = || Content::from(Text::new("Your order has shipped"));

    emulator.fail_next(
        "whatsapp",
        1,
        Failure::Platform {
            code: 131026,
            subcode: None,
        },
    );
    let sent = board
        .send_to_customer("chain", "ann", text())
        .await
        .unwrap();
    assert_eq!(sent.receipt.channel, "telegram");
    assert_eq!(
        sent.attempts[0].error_kind,
        Some(ErrorKind::InvalidRecipient)
    );

    emulator.fail_next("whatsapp", 1, Failure::Hang(Duration::from_secs(1)));
    let err = board
        .send_to_customer("chain", "ann", text())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("route chain"), "{err}");
    assert_eq!(
        emulator.records_for("telegram", None).len(),
        1,
        "not sent again on the next channel"
    );

    emulator.fail_next("whatsapp", 1, Failure::Hang(Duration::from_secs(1)));
    let opted_in = board.send_to_customer("bold", "ann", text()).await.unwrap();
    assert_eq!(opted_in.receipt.channel, "telegram");
}

#[tokio::test]
async fn a_broadcast_answers_once_per_channel() {
    let emulator = Emulator::start().await.unwrap();
    let board = board(&emulator, "");
    let channels: Vec<_> = ["whatsapp", "messenger", "telegram"]
        .iter()
        .map(|n| board.channel(n).unwrap().clone())
        .collect();
    let results = switchboard::compose::broadcast_to_customer(
        &channels,
        board.customers().as_ref(),
        "ann",
        &Text::new("We open at 9 tomorrow").into(),
    )
    .await
    .unwrap();
    let names: Vec<&str> = results.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["whatsapp", "messenger", "telegram"]);
    assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
    assert_eq!(emulator.records().len(), 3);

    // One message to one recipient: channels that cannot address it answer Unsupported.
    let one = board
        .broadcast(
            &["whatsapp", "telegram"],
            &Message::text(Recipient::phone_number(PHONE), "hi"),
        )
        .await
        .unwrap();
    assert!(one[0].1.is_ok());
    assert_eq!(
        one[1].1.as_ref().unwrap_err().kind(),
        ErrorKind::Unsupported
    );
}

#[tokio::test]
async fn a_customer_is_reached_where_the_window_is_open() {
    let emulator = Emulator::start().await.unwrap();
    let board = board(
        &emulator,
        "[routes.care]\nchannels = [\"whatsapp\", \"messenger\"]\n",
    );
    // Ann wrote on Messenger a minute ago; nothing on WhatsApp.
    board.window_tracker().record_inbound("messenger", PSID);
    let sent = board
        .send_to_customer("care", "ann", Text::new("Your table is ready").into())
        .await
        .unwrap();
    assert_eq!(sent.receipt.channel, "messenger");
    assert_eq!(sent.attempts.len(), 1);
    // Once she writes on WhatsApp too (webhooks name her without the +),
    // the configured order holds.
    board
        .window_tracker()
        .record_inbound("whatsapp", PHONE.trim_start_matches('+'));
    let sent = board
        .send_to_customer("care", "ann", Text::new("See you").into())
        .await
        .unwrap();
    assert_eq!(sent.receipt.channel, "whatsapp");
}

#[tokio::test]
async fn inbound_events_feed_the_directory() {
    let emulator = Emulator::start().await.unwrap();
    let board = board(&emulator, "[routes.any]\nchannels = [\"telegram\"]\n");
    let support = switchboard::Registry::discover()
        .unwrap()
        .webhooks("telegram")
        .unwrap();
    let update = json!({"update_id": 1, "message": {"message_id": 5, "date": 1,
        "chat": {"id": 777, "type": "private"}, "text": "hi"}});
    for event in (support.parse)(update.to_string().as_bytes()).unwrap() {
        board.customers().observe(&event).unwrap();
    }
    let sent = board
        .send_to_customer("any", "telegram:777", Text::new("Hello!").into())
        .await
        .unwrap();
    assert_eq!(sent.receipt.recipient_id.as_deref(), Some("777"));
}

#[tokio::test]
async fn routes_are_checked_when_configured() {
    let emulator = Emulator::start().await.unwrap();
    let bad = |routes: &str| {
        Switchboard::from_toml_str(&format!("{}\n{routes}", emulator.config_toml()))
            .unwrap_err()
            .to_string()
    };
    assert!(bad("[routes.r]\nchannels = [\"nope\"]\n").contains("no channel named `nope`"));
    assert!(bad("[routes.r]\nchannels = []\n").contains("names no channel"));
    assert!(
        bad("[routes.r]\nchannels = [\"telegram\"]\non_unsupported = \"pray\"\n")
            .contains("one of degrade, next, stop")
    );
    assert!(
        bad("[routes.r]\nchannels = [\"telegram\"]\non_closed_window = \"template\"\n")
            .contains("closed_window_template")
    );
    assert!(bad("[routes.r]\nchannels = [\"telegram\"]\ncolour = 1\n").contains("colour"));
}

#[tokio::test]
async fn tenants_are_built_lazily_from_their_own_configuration() {
    let emulator = Emulator::start().await.unwrap();
    let config = emulator.config_toml();
    let tenants =
        Tenants::new(move |tenant: &str| Ok(tenant.starts_with("shop-").then(|| config.clone())));
    assert_eq!(tenants.built(), 0);
    for i in 0..50 {
        let tenant = format!("shop-{i}");
        tenants
            .send(
                &tenant,
                "telegram",
                &Message::text(Recipient::user_id(CHAT), "hi"),
            )
            .await
            .unwrap();
    }
    assert_eq!(tenants.built(), 50);
    assert!(std::sync::Arc::ptr_eq(
        &tenants.get("shop-1").unwrap(),
        &tenants.get("shop-1").unwrap()
    ));
    let err = tenants.get("nobody").unwrap_err();
    assert!(err.to_string().contains("no tenant `nobody`"), "{err}");
    tenants.forget("shop-1");
    assert_eq!(tenants.built(), 49);
}

#[tokio::test]
async fn rules_pick_the_route_by_prefix_kind_and_tag() {
    let emulator = Emulator::start().await.unwrap();
    let board = board(
        &emulator,
        r#"
[routes.tg]
channels = ["telegram"]

[routes.wa]
channels = ["whatsapp"]

[routes.fb]
channels = ["messenger"]

[[rules]]
tag = "vip"
route = "tg"

[[rules]]
phone_prefix = "+1650"
route = "wa"

[[rules]]
recipient_kind = "user_id"
route = "fb"
"#,
    );
    let phone = Message::text(Recipient::phone_number(PHONE), "hi");
    let psid = Message::text(Recipient::user_id(PSID), "hi");
    let chat = Message::text(Recipient::user_id(CHAT), "hi");
    assert_eq!(
        board
            .send_by_rules(&phone, None)
            .await
            .unwrap()
            .receipt
            .channel,
        "whatsapp"
    );
    assert_eq!(
        board
            .send_by_rules(&psid, None)
            .await
            .unwrap()
            .receipt
            .channel,
        "messenger"
    );
    assert_eq!(
        board
            .send_by_rules(&chat, Some("vip"))
            .await
            .unwrap()
            .receipt
            .channel,
        "telegram"
    );
    let other = Message::text(Recipient::phone_number("+4930901820"), "hi");
    let err = board.send_by_rules(&other, None).await.unwrap_err();
    assert!(err.to_string().contains("no rule matches"), "{err}");

    let bad = Switchboard::from_toml_str(&format!(
        "{}\n[[rules]]\ntag = \"x\"\nroute = \"nowhere\"\n",
        emulator.config_toml()
    ))
    .unwrap_err();
    assert!(
        bad.to_string().contains("no route named `nowhere`"),
        "{bad}"
    );
    let two = Switchboard::from_toml_str(&format!(
        "{}\n[routes.tg]\nchannels = [\"telegram\"]\n[[rules]]\ntag = \"x\"\nphone_prefix = \"+1\"\nroute = \"tg\"\n",
        emulator.config_toml()
    ))
    .unwrap_err();
    assert!(two.to_string().contains("more than one"), "{two}");
}
