//! Conformance with Meta's official Messenger example bodies in
//! `../shared/golden`: each body is built through the public API and the
//! produced JSON value is compared with the file; the official Graph error
//! bodies become classified errors.
//!
//! Quirk of the examples (../shared/golden/README.md), kept on purpose: the
//! attachment and template examples omit `messaging_type`; we always send it
//! (RESPONSE by default), as the reference requires.
//!
//! Every file must be either built here or listed in `PENDING` with the
//! issue that builds it, so a new example can never be skipped silently.

use serde_json::Value;
use switchboard::{Media, Message, Recipient, Secret, SenderAction, SenderActionKind};
use switchboard_emulator::canned::{check_official_requests, golden_dir, serve_once};
use switchboard_messenger::{
    ButtonTemplate, DefaultAction, Element, GenericTemplate, Images, Messenger,
    MessengerButton as FbButton, MessengerConfig, MessengerOptions as FbOptions, QuickReply,
    WebviewHeight,
};

const SUBDIRS: [&str; 1] = ["messenger"];

fn messenger() -> Messenger {
    Messenger::new("fb", MessengerConfig::new("1", Secret::new("t"))).unwrap()
}

fn json(bytes: Vec<u8>) -> Value {
    serde_json::from_slice(&bytes).unwrap()
}

/// Builds the body for one golden file; `None` when no builder covers it yet.
///
/// `to_id` is the example's own recipient id.
fn build(file: &str, to_id: &str) -> Option<Value> {
    let psid = || Recipient::user_id(to_id);
    let fb_body = |m: Message| json(messenger().body(&m).unwrap_or_else(|e| panic!("{e}")));
    Some(match file {
        "messenger/text.json" => fb_body(Message::text(psid(), "Hello, world!")),
        "messenger/reply_to.json" => {
            fb_body(Message::text(psid(), "Hello, world!").reply_to("<MESSAGE_ID>"))
        }
        "messenger/sender_action_typing_on.json" => fb_body(Message::new(
            psid(),
            SenderAction::new(SenderActionKind::TypingOn),
        )),
        "messenger/attachment_image_url.json" => fb_body(
            Message::new(psid(), Media::image_url("http://www.messenger-rocks.com/image.jpg"))
                .with_extension(FbOptions::default().reusable()),
        ),
        "messenger/attachments_multiple_images.json" => fb_body(Message::new(
            psid(),
            Images::new(["http://www.messenger-rocks.com/image.jpg"; 2]),
        )),
        "messenger/quick_replies.json" => fb_body(
            Message::text(psid(), "Pick a color:").with_extension(
                FbOptions::default()
                    .quick_reply(
                        QuickReply::text("Red", "{POSTBACK_PAYLOAD}")
                            .image_url("http://example.com/img/red.png"),
                    )
                    .quick_reply(
                        QuickReply::text("Green", "{POSTBACK_PAYLOAD}")
                            .image_url("http://example.com/img/green.png"),
                    ),
            ),
        ),
        "messenger/template_button_postback.json" => fb_body(Message::new(
            psid(),
            ButtonTemplate::new("Try the postback button!", vec![FbButton::postback("Postback Button", "DEVELOPER_DEFINED_PAYLOAD")]),
        )),
        "messenger/template_button_url.json" => fb_body(Message::new(
            psid(),
            ButtonTemplate::new("Try the URL button!", vec![FbButton::WebUrl {
                    title: "URL Button".into(),
                    url: "https://www.example.com/".into(),
                    webview_height_ratio: Some(WebviewHeight::Full),
                }]),
        )),
        "messenger/template_button_web_url.json" => fb_body(Message::new(
            psid(),
            ButtonTemplate::new("What do you want to do next?", vec![FbButton::web_url("Visit Messenger", "https://www.messenger.com")]),
        )),
        "messenger/template_generic.json" => fb_body(Message::new(
            psid(),
            GenericTemplate::new(vec![Element::new("Welcome!").subtitle("We have the right hat for everyone.").image_url("https://raw.githubusercontent.com/fbsamples/original-coast-clothing/main/public/styles/male-work.jpg").default_action(DefaultAction::new("https://www.originalcoastclothing.com/").webview_height_ratio(WebviewHeight::Tall)).button(FbButton::web_url("View Website", "https://www.originalcoastclothing.com/")).button(FbButton::postback("Start Chatting", "DEVELOPER_DEFINED_PAYLOAD"))]),
        )),
        _ => return None,
    })
}

/// Normalizes the quirk listed at the top of this file.
fn normalize_quirks(produced: &mut Value, expected: &mut Value) {
    if expected.get("messaging_type").is_none() {
        if let Some(o) = produced.as_object_mut() {
            o.remove("messaging_type");
        }
    }
}

#[test]
fn request_bodies_match_the_official_examples() {
    // Every official request body is built (none pending today).
    check_official_requests(&SUBDIRS, &[], build, normalize_quirks);
}

#[test]
fn official_graph_error_bodies_are_classified() {
    let Some(dir) = golden_dir() else {
        return;
    };
    use switchboard::ErrorKind::*;
    let rt = tokio::runtime::Runtime::new().unwrap();
    for (file, status, kind, code, temporary) in [
        ("errors/graph_error_190.json", 401, Unauthorized, 190, false),
        (
            "errors/graph_error_shape.json",
            401,
            Unauthorized,
            190,
            false,
        ),
        (
            "errors/graph_error_32_rate_limit.json",
            400,
            RateLimited,
            32,
            true,
        ),
    ] {
        let body = std::fs::read(dir.join(file)).unwrap();
        let err = rt.block_on(async {
            let base = serve_once(status, body).await;
            let fb = Messenger::new(
                "fb",
                MessengerConfig::new("1", Secret::new("t")).base_url(base),
            )
            .unwrap();
            use switchboard::Channel;
            fb.send(&Message::text(Recipient::user_id("6123456789012345"), "x"))
                .await
                .unwrap_err()
        });
        assert_eq!(err.kind(), kind, "{file}: {err}");
        assert_eq!(err.code(), Some(code), "{file}");
        assert_eq!(err.is_temporary(), temporary, "{file}");
    }
}
