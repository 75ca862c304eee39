//! Tokens never appear in logs, even at TRACE level with every dependency's
//! events (hyper, reqwest, axum) captured.

use switchboard::{Message, Registry};
use switchboard_emulator::canned::LogCapture;
use switchboard_emulator::Emulator;
use switchboard_tests as _;

/// The plugin's secret setting (the token).
fn secret_key(plugin: &switchboard::plugin::ChannelPlugin) -> &'static str {
    plugin
        .config_keys()
        .iter()
        .find(|k| k.secret)
        .map(|k| k.name)
        .expect("a secret setting")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_never_appear_in_trace_logs() {
    let capture = LogCapture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let emulator = Emulator::start().await.unwrap();
    let registry = Registry::discover().unwrap();
    assert_eq!(registry.names(), emulator.platforms());
    let wrong = "EAAG-never-log-me-91c2";
    for plugin in registry.plugins() {
        let to = emulator.sample_recipient(plugin.name()).unwrap();
        let good = registry
            .build(&emulator.channel_config(plugin.name(), "good").unwrap())
            .unwrap();
        good.send(&Message::text(to.clone(), "hi")).await.unwrap();
        let bad = registry
            .build(
                &emulator
                    .channel_config(plugin.name(), "bad")
                    .unwrap()
                    .set(secret_key(plugin), wrong),
            )
            .unwrap();
        let err = bad.send(&Message::text(to, "hi")).await.unwrap_err();
        tracing::error!(error = %err, debug = ?err, "send failed");
    }
    let logs = capture.text();
    assert!(
        logs.contains("send failed"),
        "the capture works: {} bytes: {}",
        logs.len(),
        &logs[..logs.len().min(2000)]
    );
    if let Some(i) = logs.find(wrong) {
        panic!(
            "wrong token logged: {}",
            &logs[i.saturating_sub(600)..(i + 100).min(logs.len())]
        );
    }
    if let Some(i) = logs.find(emulator.access_token()) {
        panic!(
            "token logged: {}",
            &logs[i.saturating_sub(600)..(i + 100).min(logs.len())]
        );
    }
}
