//! Telegram updates parsed into neutral events; hostile bodies never panic.

use serde_json::{json, Value};
use switchboard::webhook::{EventKind, InboundContent, WebhookError};
use switchboard::MediaKind;
use switchboard_telegram::webhook::{check_secret_token, parse, SecretTokenAuth};

fn events(update: Value) -> Vec<switchboard::webhook::Event> {
    parse(update.to_string().as_bytes()).unwrap()
}

fn one(update: Value) -> switchboard::webhook::Event {
    let mut e = events(update);
    assert_eq!(e.len(), 1);
    e.remove(0)
}

fn message(extra: Value) -> Value {
    let mut m = json!({"message_id": 11, "date": 1_700_000_000,
        "from": {"id": 555, "is_bot": false, "first_name": "Ann", "last_name": "Lee"},
        "chat": {"id": 555, "type": "private"}});
    m.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    m
}

#[test]
fn a_text_message_names_the_chat_the_sender_and_the_reply() {
    let e = one(
        json!({"update_id": 1, "message": message(json!({"text": "hi", "reply_to_message": {"message_id": 9}}))}),
    );
    assert_eq!(e.platform, "telegram");
    assert_eq!(e.timestamp_ms, Some(1_700_000_000_000));
    assert_eq!(e.opens_window_for(), Some("555"));
    let EventKind::Message(m) = e.kind else {
        panic!()
    };
    assert_eq!((m.id.as_str(), m.from.as_str()), ("11", "555"));
    assert_eq!(m.sender_name.as_deref(), Some("Ann Lee"));
    assert_eq!(m.reply_to.as_deref(), Some("9"));
    assert_eq!(m.content, InboundContent::Text { body: "hi".into() });
}

#[test]
fn media_keep_their_file_id_caption_and_kind() {
    let photo = one(
        json!({"update_id": 2, "message": message(json!({"caption": "look",
        "photo": [{"file_id": "small", "width": 90}, {"file_id": "large", "width": 1280}]}))}),
    );
    let EventKind::Message(m) = photo.kind else {
        panic!()
    };
    let InboundContent::Media(media) = m.content else {
        panic!()
    };
    assert_eq!(
        (media.kind, media.id.as_deref(), media.caption.as_deref()),
        (MediaKind::Image, Some("large"), Some("look"))
    );

    let voice = one(
        json!({"update_id": 3, "message": message(json!({"voice": {"file_id": "v1", "mime_type": "audio/ogg"}}))}),
    );
    let EventKind::Message(m) = voice.kind else {
        panic!()
    };
    let InboundContent::Media(media) = m.content else {
        panic!()
    };
    assert!(media.voice && media.kind == MediaKind::Audio);
    assert_eq!(media.mime_type.as_deref(), Some("audio/ogg"));

    let doc = one(
        json!({"update_id": 4, "message": message(json!({"document": {"file_id": "d1", "file_name": "cv.pdf"}}))}),
    );
    let EventKind::Message(m) = doc.kind else {
        panic!()
    };
    let InboundContent::Media(media) = m.content else {
        panic!()
    };
    assert_eq!(media.filename.as_deref(), Some("cv.pdf"));
}

#[test]
fn venues_locations_and_contacts() {
    let venue = one(json!({"update_id": 5, "message": message(json!({
        "location": {"latitude": 1.5, "longitude": 2.5},
        "venue": {"location": {"latitude": 1.5, "longitude": 2.5}, "title": "Shop", "address": "Main St 1"}}))}));
    let EventKind::Message(m) = venue.kind else {
        panic!()
    };
    assert_eq!(
        m.content,
        InboundContent::Location {
            latitude: 1.5,
            longitude: 2.5,
            name: Some("Shop".into()),
            address: Some("Main St 1".into())
        }
    );

    let contact = one(
        json!({"update_id": 6, "message": message(json!({"contact": {"phone_number": "+1650", "first_name": "Bo"}}))}),
    );
    let EventKind::Message(m) = contact.kind else {
        panic!()
    };
    assert_eq!(
        m.content,
        InboundContent::Contacts {
            contacts: json!([{"phone_number": "+1650", "first_name": "Bo"}])
        }
    );
}

#[test]
fn an_edit_is_an_edit_event() {
    let e = one(
        json!({"update_id": 7, "edited_message": message(json!({"text": "hi, corrected", "edit_date": 1_700_000_100}))}),
    );
    let EventKind::Edit(m) = e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(m.id, "11");
    assert_eq!(
        m.content,
        InboundContent::Text {
            body: "hi, corrected".into()
        }
    );
}

#[test]
fn a_callback_query_is_a_button_reply() {
    let e = one(
        json!({"update_id": 8, "callback_query": {"id": "cb1", "from": {"id": 555, "first_name": "Ann"}, "data": "later"}}),
    );
    let EventKind::Message(m) = e.kind else {
        panic!()
    };
    assert_eq!((m.id.as_str(), m.from.as_str()), ("cb1", "555"));
    assert_eq!(
        m.content,
        InboundContent::ButtonReply {
            id: "later".into(),
            title: String::new()
        }
    );
}

#[test]
fn reactions_are_set_and_cleared() {
    let set = one(
        json!({"update_id": 9, "message_reaction": {"chat": {"id": 555, "type": "private"}, "message_id": 42,
        "date": 1, "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}),
    );
    let EventKind::Reaction(r) = set.kind else {
        panic!()
    };
    assert_eq!(
        (
            r.from.as_str(),
            r.message_id.as_str(),
            r.action.as_str(),
            r.emoji.as_deref()
        ),
        ("555", "42", "react", Some("👍"))
    );
    let cleared = one(
        json!({"update_id": 10, "message_reaction": {"chat": {"id": 555}, "message_id": 42, "date": 2,
        "old_reaction": [{"type": "emoji", "emoji": "👍"}], "new_reaction": []}}),
    );
    let EventKind::Reaction(r) = cleared.kind else {
        panic!()
    };
    assert_eq!((r.action.as_str(), r.emoji), ("unreact", None));
}

#[test]
fn unknown_updates_and_message_kinds_are_kept_raw() {
    let poll = json!({"id": "p1", "question": "Lunch?", "options": []});
    let e = one(json!({"update_id": 11, "poll": poll}));
    let EventKind::Unknown { raw } = e.kind else {
        panic!()
    };
    assert_eq!(raw, json!({"update_id": 11, "poll": poll}));
    let dice = one(
        json!({"update_id": 12, "message": message(json!({"dice": {"emoji": "🎲", "value": 4}}))}),
    );
    let EventKind::Message(m) = dice.kind else {
        panic!()
    };
    assert!(
        matches!(m.content, InboundContent::Other { ref kind, .. } if kind == "dice"),
        "{:?}",
        m.content
    );
}

#[test]
fn the_event_id_follows_the_update_id() {
    let a = one(json!({"update_id": 20, "message": message(json!({"text": "x"}))}));
    let again = one(json!({"update_id": 20, "message": message(json!({"text": "x"}))}));
    let b = one(json!({"update_id": 21, "message": message(json!({"text": "x"}))}));
    assert_eq!(a.id, again.id);
    assert_ne!(a.id, b.id);
}

#[test]
fn bodies_that_are_not_updates_are_refused() {
    for body in [&b"not json"[..], b"[]", b"{}", b"{\"update_id\": \"one\"}"] {
        assert!(
            matches!(parse(body), Err(WebhookError::InvalidPayload(_))),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn hostile_updates_never_panic() {
    let seeds = [
        json!({"update_id": 1, "message": message(json!({"text": "hi"}))}),
        json!({"update_id": 2, "callback_query": {"id": "c", "data": "d", "message": {"chat": {"id": 1}, "reply_markup": {"inline_keyboard": [[{"text": "t", "callback_data": "d"}]]}}}}),
        json!({"update_id": 3, "message_reaction": {"chat": {"id": 1}, "message_id": 1, "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}),
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut parsed = 0;
    for seed in &seeds {
        let bytes = seed.to_string().into_bytes();
        for _ in 0..3000 {
            let mut b = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() as usize) % b.len();
                b[i] = (next() % 256) as u8;
            }
            if parse(&b).is_ok() {
                parsed += 1;
            }
        }
        // Every value of the wrong type in every place.
        for wrong in [
            json!(null),
            json!(-1),
            json!("x"),
            json!([]),
            json!({}),
            json!(1e308),
        ] {
            for key in ["message", "callback_query", "message_reaction"] {
                let fields: Vec<String> = seed
                    .get(key)
                    .and_then(Value::as_object)
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default();
                for field in fields {
                    let mut v = seed.clone();
                    v[key][field.as_str()] = wrong.clone();
                    let _ = parse(v.to_string().as_bytes());
                }
            }
        }
    }
    assert!(parsed > 0, "some mutations still parse");
}

#[test]
fn the_webhook_secret_follows_set_webhook_rules() {
    assert!(check_secret_token(&"a".repeat(256)).is_ok());
    assert!(check_secret_token("A-z_09").is_ok());
    for bad in [
        String::new(),
        "a".repeat(257),
        "has space".into(),
        "naïve".into(),
        "a/b".into(),
    ] {
        let err = check_secret_token(&bad).unwrap_err();
        assert_eq!(err.kind(), switchboard::ErrorKind::Config, "{bad}");
        assert!(SecretTokenAuth::new(switchboard::Secret::new(bad.clone())).is_err());
    }
}
