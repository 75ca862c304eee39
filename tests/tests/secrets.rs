//! Tokens never leak through what a platform, a proxy or a configuration
//! file echoes back, and foreign texts are bounded and kept to one line.

use switchboard::{ErrorKind, Message, Registry, Switchboard};
use switchboard_emulator::canned::serve_once;
use switchboard_emulator::Emulator;
use switchboard_tests as _;

const TOKEN: &str = "EAAG-echoed-secret-1f2e3d";

async fn error_from(platform: &str, status: u16, body: String) -> switchboard::Error {
    let emulator = Emulator::start().await.unwrap();
    let base = serve_once(status, body.into_bytes()).await;
    let config = emulator
        .channel_config(platform, platform)
        .unwrap()
        .set("base_url", base)
        .set("access_token", TOKEN);
    let channel = Registry::discover().unwrap().build(&config).unwrap();
    let to = emulator.sample_recipient(platform).unwrap();
    channel.send(&Message::text(to, "hi")).await.unwrap_err()
}

fn assert_hidden(err: &switchboard::Error) {
    for shown in [
        err.to_string(),
        format!("{err:?}"),
        format!("{:?}", err.platform()),
    ] {
        assert!(!shown.contains(TOKEN), "token leaked: {shown}");
    }
}

#[tokio::test]
async fn a_token_echoed_by_the_platform_is_redacted() {
    for platform in ["whatsapp", "messenger"] {
        let body = format!(
            r#"{{"error":{{"message":"Malformed access token {TOKEN}","type":"OAuthException","code":190,"error_data":{{"details":"token {TOKEN} rejected"}}}}}}"#
        );
        let err = error_from(platform, 401, body).await;
        assert_eq!(err.kind(), ErrorKind::Unauthorized);
        assert_hidden(&err);
        assert!(err.to_string().contains("[redacted]"), "{err}");
        // In a body that is not an error of the platform, too.
        let err = error_from(
            platform,
            502,
            format!("<html>upstream said Bearer {TOKEN}</html>"),
        )
        .await;
        assert_hidden(&err);
        let err = error_from(platform, 200, format!("{{\"echo\":\"{TOKEN}\"}}")).await;
        assert_hidden(&err);
    }
}

#[tokio::test]
async fn a_huge_multi_line_platform_message_is_bounded_and_one_line() {
    let message = format!("first line\r\nInjected: header\n{}", "x".repeat(2_000_000));
    let body = serde_json::json!({"error": {"message": message, "code": 100}}).to_string();
    let err = error_from("whatsapp", 400, body).await;
    let shown = err.to_string();
    assert!(shown.len() < 5_000, "{} bytes", shown.len());
    assert!(!shown.contains('\r') && !shown.contains('\n'), "{shown}");
    assert!(shown.contains("first line\\r\\nInjected"), "{shown}");
}

#[test]
fn configuration_errors_never_quote_a_token() {
    let unterminated = format!("[channels.wa]\ntype = \"whatsapp\"\naccess_token = \"{TOKEN}\n");
    let err = Switchboard::from_toml_str(&unterminated).unwrap_err();
    assert!(!err.to_string().contains(TOKEN), "{err}");
    assert!(err.to_string().contains("line 3"), "{err}");
    let in_url = format!(
        "[channels.wa]\ntype = \"whatsapp\"\nphone_number_id = \"1\"\naccess_token = \"t\"\nbase_url = \"ftp://graph.example/?access_token={TOKEN}\"\n"
    );
    let err = Switchboard::from_toml_str(&in_url).unwrap_err();
    assert!(!err.to_string().contains(TOKEN), "{err}");
    assert!(err.to_string().contains("base_url"), "{err}");
}
