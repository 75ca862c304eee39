//! The customer-service window from each plugin's rule: checked by the
//! delivery stack before any request (on by default where the platform has a
//! window), and by the emulator. Messenger's HUMAN_AGENT replies go within 7
//! days of the customer's message, not after.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use switchboard::{ErrorKind, Message, Recipient, Switchboard};
use switchboard_emulator::Emulator;
use switchboard_messenger::{MessengerOptions, Tag};
use switchboard_tests as _;

const DAY: Duration = Duration::from_secs(24 * 3600);

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn human_agent(to: &Recipient) -> Message {
    Message::text(to.clone(), "An agent here: your refund is on its way")
        .with_extension(MessengerOptions::default().tag(Tag::HumanAgent))
}

fn board(emulator: &Emulator, delivery: &str) -> Switchboard {
    let settings = emulator.channel_config("messenger", "shop").unwrap();
    let mut table = toml::Table::new();
    for (k, v) in settings.settings() {
        table.insert(k.clone(), v.clone());
    }
    table.insert("type".into(), "messenger".into());
    let mut text = toml::to_string(&toml::Table::from_iter([(
        "channels".to_string(),
        toml::Value::Table(toml::Table::from_iter([(
            "shop".to_string(),
            toml::Value::Table(table),
        )])),
    )]))
    .unwrap();
    text.push_str(&format!("\n[channels.shop.delivery]\n{delivery}\n"));
    Switchboard::from_toml_str(&text).unwrap()
}

#[tokio::test]
async fn a_human_agent_reply_8_days_after_the_customer_wrote_is_refused_locally() {
    let emulator = Emulator::start().await.unwrap();
    let sb = board(&emulator, "max_attempts = 1");
    let psid = Recipient::user_id("6123456789012345");

    sb.window_tracker().record_inbound_at(
        "messenger",
        &psid.id,
        now_ms() - 8 * DAY.as_millis() as u64,
    );
    let err = sb.send("shop", &human_agent(&psid)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutsideWindow);
    assert!(err.to_string().contains("HUMAN_AGENT"), "{err}");
    let free_form = sb
        .send("shop", &Message::text(psid.clone(), "Hi"))
        .await
        .unwrap_err();
    assert_eq!(free_form.kind(), ErrorKind::OutsideWindow);
    assert_eq!(emulator.request_count("messenger"), 0, "nothing was sent");

    // Six days after, the agent's reply goes; a customer never heard from is
    // left to the platform by default.
    sb.window_tracker().record_inbound_at(
        "messenger",
        &psid.id,
        now_ms() - 6 * DAY.as_millis() as u64,
    );
    sb.send("shop", &human_agent(&psid)).await.unwrap();
    sb.send("shop", &Message::text(Recipient::user_id("77"), "Hi"))
        .await
        .unwrap();
    assert_eq!(emulator.request_count("messenger"), 2);
}

#[tokio::test]
async fn strict_mode_refuses_customers_never_heard_from_and_off_leaves_it_to_the_platform() {
    let emulator = Emulator::start().await.unwrap();
    let strict = board(&emulator, "window = \"strict\"");
    let stranger = Recipient::user_id("78");
    let err = strict
        .send("shop", &Message::text(stranger.clone(), "Hi"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutsideWindow);
    let off = board(&emulator, "window = \"off\"");
    off.window_tracker().record_inbound_at(
        "messenger",
        &stranger.id,
        now_ms() - 30 * DAY.as_millis() as u64,
    );
    off.send("shop", &Message::text(stranger, "Hi"))
        .await
        .unwrap();
    assert_eq!(emulator.request_count("messenger"), 1);
}

#[tokio::test]
async fn the_emulator_refuses_a_human_agent_reply_after_7_days() {
    let emulator = Emulator::start().await.unwrap();
    emulator.enforce_window("messenger", true);
    // No local check: the platform's (the emulator's) answer is what is tested.
    let sb = board(&emulator, "window = \"off\"\nmax_attempts = 1");
    let psid = Recipient::user_id("6123456789012345");
    emulator.open_window("messenger", &psid.id);
    emulator.advance_clock(6 * DAY);
    sb.send("shop", &human_agent(&psid)).await.unwrap();
    let free_form = sb
        .send("shop", &Message::text(psid.clone(), "Hi"))
        .await
        .unwrap_err();
    assert_eq!(
        (free_form.kind(), free_form.code(), free_form.subcode()),
        (ErrorKind::OutsideWindow, Some(10), Some(2018278))
    );
    emulator.advance_clock(2 * DAY);
    let err = sb.send("shop", &human_agent(&psid)).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.code(), err.subcode()),
        (ErrorKind::OutsideWindow, Some(10), Some(2018278))
    );
}
