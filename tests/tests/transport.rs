//! What every channel's HTTP transport refuses: redirects (a 3xx would re-send
//! the message elsewhere) and answers too large to be a platform's.

use switchboard::plugin::http::MAX_RESPONSE_BYTES;
use switchboard::{ErrorKind, Message, Recipient, Registry};
use switchboard_emulator::canned::{serve_canned, serve_once};
use switchboard_emulator::Emulator;
use switchboard_tests as _;

fn channel_at(
    emulator: &Emulator,
    platform: &str,
    base: &str,
) -> std::sync::Arc<dyn switchboard::Channel> {
    let config = emulator
        .channel_config(platform, platform)
        .unwrap()
        .set("base_url", base.to_string());
    Registry::discover().unwrap().build(&config).unwrap()
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let emulator = Emulator::start().await.unwrap();
    for (platform, status) in [("whatsapp", 307), ("messenger", 302), ("smsgate", 308)] {
        let target = emulator.platform_base_url(platform);
        let redirect = serve_canned(status, &[("location", &target)], b"{}".to_vec()).await;
        let channel = channel_at(&emulator, platform, &redirect);
        let to = emulator.sample_recipient(platform).unwrap();
        let err = channel.send(&Message::text(to, "hi")).await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::UnexpectedResponse,
            "{platform}: {err}"
        );
        assert!(!err.is_temporary());
        assert!(err.to_string().contains(&status.to_string()), "{err}");
    }
    assert!(
        emulator.records().is_empty(),
        "nothing reached the redirect's target"
    );
}

#[tokio::test]
async fn an_answer_larger_than_any_platform_gives_is_refused() {
    let emulator = Emulator::start().await.unwrap();
    let huge = format!(
        "{{\"messages\":[{{\"id\":\"{}\"}}]}}",
        "x".repeat(MAX_RESPONSE_BYTES)
    );
    let base = serve_once(200, huge.into_bytes()).await;
    let channel = channel_at(&emulator, "whatsapp", &base);
    let err = channel
        .send(&Message::text(
            Recipient::phone_number("+16505551234"),
            "hi",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedResponse, "{err}");
    assert!(err.is_ambiguous(), "the platform may have accepted it");
    assert!(err.to_string().contains("larger than"), "{err}");
}
