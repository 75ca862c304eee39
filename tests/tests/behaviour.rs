//! One behaviour suite, run against every registered channel and its emulator:
//! send / receipt / record, limits at the boundary, auth errors, injected
//! platform failures and transport failures.

use std::time::Duration;

use switchboard::emulator::{Emulator, Failure};
use switchboard::plugin::Problem;
use switchboard::{ErrorKind, Message, Registry};
use switchboard_tests::channels_on;

#[tokio::test]
async fn every_registered_channel_has_an_emulator() {
    let emulator = Emulator::start().await.unwrap();
    let registry = Registry::discover().unwrap();
    assert_eq!(registry.names(), vec!["messenger", "whatsapp"]);
    assert_eq!(emulator.platforms(), registry.names());
}

#[tokio::test]
async fn text_is_sent_and_the_receipt_matches_what_the_emulator_recorded() {
    let emulator = Emulator::start().await.unwrap();
    for channel in channels_on(&emulator).unwrap() {
        let info = channel.info();
        let to = emulator.sample_recipient(&info.platform).unwrap();
        let receipt = channel
            .send(&Message::text(to.clone(), "Your order has shipped"))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", info.name));
        assert_eq!(receipt.channel, info.name);
        assert!(!receipt.message_id.is_empty());
        assert!(receipt.recipient_id.is_some(), "{}", info.name);
        let records = emulator.records_for(&info.platform, Some(&to.id));
        assert_eq!(records.len(), 1, "{}", info.name);
        assert_eq!(records[0].message_id, receipt.message_id);
        assert_eq!(records[0].account, info.account);
    }
}

#[tokio::test]
async fn text_at_the_limit_passes_and_one_over_fails_locally_naming_field_limit_and_length() {
    let emulator = Emulator::start().await.unwrap();
    for channel in channels_on(&emulator).unwrap() {
        let info = channel.info();
        let limit = info
            .capabilities
            .max_text_chars
            .expect("text limit declared");
        let to = emulator.sample_recipient(&info.platform).unwrap();

        let at_limit = Message::text(to.clone(), "é".repeat(limit));
        channel
            .send(&at_limit)
            .await
            .unwrap_or_else(|e| panic!("{} refused a text at the limit: {e}", info.name));

        let over = Message::text(to.clone(), "é".repeat(limit + 1));
        let err = channel.send(&over).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidMessage, "{}", info.name);
        assert_eq!(err.violations().len(), 1);
        let v = &err.violations()[0];
        assert!(v.field.contains("text"), "{}", v.field);
        assert_eq!(
            v.problem,
            Problem::TooLong {
                limit,
                actual: limit + 1
            }
        );
        let text = err.to_string();
        assert!(text.contains(&limit.to_string()) && text.contains(&(limit + 1).to_string()));
        // Refused before any request: only the message at the limit was recorded.
        assert_eq!(emulator.records_for(&info.platform, None).len(), 1);
    }
}

#[tokio::test]
async fn empty_text_is_refused_locally() {
    let emulator = Emulator::start().await.unwrap();
    for channel in channels_on(&emulator).unwrap() {
        let to = emulator.sample_recipient(&channel.info().platform).unwrap();
        let err = channel.send(&Message::text(to, "  ")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidMessage);
        assert_eq!(err.violations()[0].problem, Problem::Required);
    }
    assert!(emulator.records().is_empty());
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized_and_never_printed() {
    let emulator = Emulator::start().await.unwrap();
    let registry = Registry::discover().unwrap();
    let token = "EAAG-wrong-token-7f3a9c";
    for plugin in registry.plugins() {
        let config = emulator
            .channel_config(plugin.name(), "wrong")
            .unwrap()
            .set("access_token", token);
        let channel = registry.build(&config).unwrap();
        let to = emulator.sample_recipient(plugin.name()).unwrap();
        let err = channel.send(&Message::text(to, "hi")).await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::Unauthorized,
            "{}: {err}",
            plugin.name()
        );
        assert_eq!(err.code(), Some(190));
        assert!(!err.is_temporary());
        assert!(err.trace_id().is_some());
        for printed in [format!("{err}"), format!("{err:?}"), format!("{config:?}")] {
            assert!(!printed.contains(token), "token leaked: {printed}");
        }
    }
}

#[tokio::test]
async fn injected_platform_failures_are_classified() {
    let emulator = Emulator::start().await.unwrap();
    for channel in channels_on(&emulator).unwrap() {
        let platform = channel.info().platform.clone();
        let to = emulator.sample_recipient(&platform).unwrap();
        let msg = Message::text(to, "hi");

        emulator.fail_next(
            &platform,
            1,
            Failure::Platform {
                code: 2,
                subcode: None,
            },
        );
        let err = channel.send(&msg).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PlatformUnavailable, "{platform}");
        assert!(err.is_temporary());
        assert_eq!(err.code(), Some(2));

        emulator.fail_next(
            &platform,
            1,
            Failure::Platform {
                code: 4,
                subcode: None,
            },
        );
        let err = channel.send(&msg).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RateLimited, "{platform}");
        assert!(err.is_temporary());

        emulator.fail_next(
            &platform,
            1,
            Failure::Platform {
                code: 10,
                subcode: None,
            },
        );
        let err = channel.send(&msg).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{platform}");
        assert!(!err.is_temporary());

        emulator.fail_next(&platform, 1, Failure::Status(503));
        let err = channel.send(&msg).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PlatformUnavailable, "{platform}");
        assert!(err.is_temporary());

        // The failures were consumed: the next send goes through.
        channel.send(&msg).await.unwrap();
        assert_eq!(emulator.records_for(&platform, None).len(), 1);
    }
}

#[tokio::test]
async fn an_unreachable_platform_is_a_temporary_network_error() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let emulator = Emulator::start().await.unwrap();
    let registry = Registry::discover().unwrap();
    for plugin in registry.plugins() {
        let config = emulator
            .channel_config(plugin.name(), "down")
            .unwrap()
            .set("base_url", format!("http://127.0.0.1:{port}"))
            .set("timeout_secs", 5);
        let channel = registry.build(&config).unwrap();
        let to = emulator.sample_recipient(plugin.name()).unwrap();
        let started = std::time::Instant::now();
        let err = channel.send(&Message::text(to, "hi")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Network, "{err}");
        assert!(err.is_temporary());
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

#[tokio::test]
async fn unsupported_recipient_kinds_are_refused_before_any_request() {
    let emulator = Emulator::start().await.unwrap();
    for channel in channels_on(&emulator).unwrap() {
        let caps = &channel.info().capabilities;
        for r in [
            switchboard::Recipient::user_ref("u"),
            switchboard::Recipient::comment_id("c"),
            switchboard::Recipient::post_id("p"),
            switchboard::Recipient::group("g"),
        ] {
            if caps.supports_recipient(r.kind) {
                continue;
            }
            let err = channel
                .send(&Message::text(r.clone(), "x"))
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unsupported);
            assert!(err.to_string().contains(r.kind.as_str()), "{err}");
        }
    }
    assert!(emulator.records().is_empty());
}
