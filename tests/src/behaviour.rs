//! The behaviour suite: one trial per channel × check, fed by each plugin's
//! registration (capabilities, samples) and run against its emulator.
//!
//! Every neutral content kind and recipient kind is tried on every channel:
//! what the channel's capabilities declare must be sent and acknowledged,
//! what they do not must be refused as `Unsupported` before any request.
//! Limits at the boundary, error classification, receipts and the secrecy
//! of tokens are checked the same way for every platform.
//!
//! With `SWITCHBOARD_LIVE_CONFIG` (a TOML file of `[channels.*]`) and, per
//! channel, `SWITCHBOARD_LIVE_TO_<NAME>` (a recipient id of the platform's
//! first recipient kind), the sending checks run against those real
//! accounts instead — never in CI.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use libtest_mimic::{Failed, Trial};
use switchboard::contact::{Contact, ContactName};
use switchboard::plugin::{ChannelPlugin, Problem};
use switchboard::{
    Channel, Choice, ChoiceList, ChoiceSection, Contacts, Content, ContentKind, ErrorKind,
    Location, Media, Message, Reaction, Recipient, RecipientKind, Registry, ReplyButton,
    ReplyButtons, SenderAction,
};
use switchboard_emulator::{Emulator, Failure};

/// Runs an async check on its own runtime.
fn block_on<F: Future<Output = Result<(), Failed>>>(check: F) -> Result<(), Failed> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failed::from(format!("cannot start a runtime: {e}")))?
        .block_on(check)
}

/// Fails the trial with `message` unless `ok`.
fn ensure(ok: bool, message: impl FnOnce() -> String) -> Result<(), Failed> {
    if ok {
        Ok(())
    } else {
        Err(message().into())
    }
}

/// A neutral message of `kind` to `to`, valid on any channel that declares the kind.
pub fn neutral_sample(kind: ContentKind, to: &Recipient) -> Option<Message> {
    let content: Content = match kind {
        ContentKind::Text => switchboard::Text::new("Your order has shipped").into(),
        ContentKind::Media => Media::image_url("https://example.com/parcel.png").into(),
        ContentKind::Location => Location::new(37.48, -122.15)
            .name("Pick-up point")
            .address("1 Hacker Way")
            .into(),
        ContentKind::Contacts => Contacts::new([Contact::new(ContactName::new("Support"))]).into(),
        ContentKind::Reaction => Reaction::new("earlier-message-id", "👍").into(),
        ContentKind::ReplyButtons => {
            ReplyButtons::new("Delivered?", [ReplyButton::new("yes", "Yes")]).into()
        }
        ContentKind::ChoiceList => ChoiceList::new(
            "Which slot?",
            "Slots",
            [ChoiceSection::new([Choice::new("am", "Morning")])],
        )
        .into(),
        ContentKind::SenderAction => SenderAction::typing_on().into(),
        _ => return None,
    };
    Some(Message::new(to.clone(), content))
}

/// The message a check sends for `kind`: the plugin's own sample of that
/// kind when it has one (platforms add rules of their own), else the
/// neutral one.
fn message_for(plugin: &ChannelPlugin, kind: ContentKind, to: &Recipient) -> Option<Message> {
    plugin
        .samples(to.clone())
        .into_iter()
        .map(|s| s.message)
        .find(|m| m.content.kind() == kind)
        .or_else(|| neutral_sample(kind, to))
}

/// A recipient of `kind` (the id is a placeholder: only refusals use it).
fn recipient_of(kind: RecipientKind) -> Recipient {
    Recipient::new(kind, "behaviour-suite-recipient")
}

/// The channel `platform` built against `emulator` (no delivery layers).
fn channel_on(
    emulator: &Emulator,
    platform: &str,
    adjust: impl FnOnce(switchboard::plugin::ChannelConfig) -> switchboard::plugin::ChannelConfig,
) -> Result<Arc<dyn Channel>, Failed> {
    let config = emulator
        .channel_config(platform, platform)
        .map_err(|e| Failed::from(e.to_string()))?;
    Registry::discover()
        .and_then(|r| r.build(&adjust(config)))
        .map_err(|e| Failed::from(format!("cannot build {platform}: {e}")))
}

/// Every trial: against real accounts when `SWITCHBOARD_LIVE_CONFIG` is
/// set, else for every channel plugin against its emulator.
pub fn trials() -> Vec<Trial> {
    match std::env::var("SWITCHBOARD_LIVE_CONFIG") {
        Ok(path) => live_trials(&path),
        Err(_) => emulator_trials(),
    }
}

/// The sending checks against the channels of a real configuration: each
/// sample of each channel's plugin goes to `SWITCHBOARD_LIVE_TO_<NAME>`.
fn live_trials(path: &str) -> Vec<Trial> {
    let board = match switchboard::Switchboard::from_config(path) {
        Ok(b) => Arc::new(b),
        Err(e) => {
            let e = e.to_string();
            return vec![Trial::test("live::config", move || Err(e.clone().into()))];
        }
    };
    let registry = Registry::discover().expect("the registry");
    let mut trials = Vec::new();
    for (name, channel) in board.channels() {
        let var = format!("SWITCHBOARD_LIVE_TO_{}", name.to_ascii_uppercase());
        let Ok(id) = std::env::var(&var) else {
            trials.push(Trial::test(format!("live::{name}"), move || {
                Err(format!("{var} is not set").into())
            }));
            continue;
        };
        let caps = &channel.info().capabilities;
        let Some(kind) = caps.recipient_kinds.first().copied() else {
            continue;
        };
        let to = Recipient::new(kind, id);
        let Ok(plugin) = registry.get(&channel.info().platform) else {
            continue;
        };
        for sample in plugin.samples(to) {
            let channel = channel.clone();
            trials.push(Trial::test(
                format!("live::{name}::sample::{}", sample.name),
                move || {
                    block_on(async move {
                        channel
                            .send(&sample.message)
                            .await
                            .map(|_| ())
                            .map_err(|e| Failed::from(e.to_string()))
                    })
                },
            ));
        }
    }
    trials
}

/// Every trial for every channel plugin, against its emulator.
fn emulator_trials() -> Vec<Trial> {
    let registry = Registry::discover().expect("the registry");
    let mut trials = vec![Trial::test(
        "registry::every_channel_has_an_emulator",
        || {
            block_on(async {
                let emulator = emulator().await?;
                let names = Registry::discover()
                    .map_err(|e| Failed::from(e.to_string()))?
                    .names();
                ensure(emulator.platforms() == names, || {
                    format!("emulators {:?} vs channels {names:?}", emulator.platforms())
                })
            })
        },
    )];
    for plugin in registry.plugins() {
        let p = plugin.name();
        for kind in ContentKind::ALL {
            if kind == ContentKind::Channel {
                continue;
            }
            trials.push(Trial::test(format!("{p}::content::{kind}"), move || {
                block_on(content_kind(p, kind))
            }));
        }
        for kind in RecipientKind::ALL {
            trials.push(Trial::test(format!("{p}::recipient::{kind}"), move || {
                block_on(recipient_kind(p, kind))
            }));
        }
        for sample in plugin.samples(Recipient::user_id("x")) {
            let name = sample.name;
            trials.push(Trial::test(format!("{p}::sample::{name}"), move || {
                block_on(sample_is_sent(p, name))
            }));
        }
        trials.push(Trial::test(format!("{p}::receipt"), move || {
            block_on(receipt_matches_record(p))
        }));
        trials.push(Trial::test(format!("{p}::limits::text"), move || {
            block_on(text_limit(p))
        }));
        trials.push(Trial::test(format!("{p}::limits::empty_text"), move || {
            block_on(empty_text(p))
        }));
        trials.push(Trial::test(
            format!("{p}::errors::unauthorized"),
            move || block_on(unauthorized(p)),
        ));
        trials.push(Trial::test(
            format!("{p}::errors::unavailable"),
            move || block_on(injected_status(p, 503, ErrorKind::PlatformUnavailable)),
        ));
        trials.push(Trial::test(
            format!("{p}::errors::rate_limited"),
            move || block_on(injected_status(p, 429, ErrorKind::RateLimited)),
        ));
        trials.push(Trial::test(
            format!("{p}::errors::unreachable"),
            move || block_on(unreachable(p)),
        ));
    }
    trials
}

async fn emulator() -> Result<Emulator, Failed> {
    Emulator::start()
        .await
        .map_err(|e| Failed::from(format!("cannot start the emulator: {e}")))
}

/// A declared kind is sent; an undeclared one is `Unsupported` before any request.
async fn content_kind(platform: &'static str, kind: ContentKind) -> Result<(), Failed> {
    let emulator = emulator().await?;
    let registry = Registry::discover().map_err(|e| Failed::from(e.to_string()))?;
    let plugin = registry
        .get(platform)
        .map_err(|e| Failed::from(e.to_string()))?;
    let channel = channel_on(&emulator, platform, |c| c)?;
    let to = emulator
        .sample_recipient(platform)
        .map_err(|e| Failed::from(e.to_string()))?;
    let Some(message) = message_for(plugin, kind, &to) else {
        return Err(format!("no sample of {kind}").into());
    };
    let result = channel.send(&message).await;
    if channel.info().capabilities.supports_content(kind) {
        let receipt = result.map_err(|e| Failed::from(format!("{kind} was refused: {e}")))?;
        ensure(receipt.channel == channel.info().name, || {
            format!("receipt of another channel: {receipt:?}")
        })
    } else {
        let err = match result {
            Ok(r) => return Err(format!("{kind} is not declared but was sent: {r:?}").into()),
            Err(e) => e,
        };
        ensure(err.kind() == ErrorKind::Unsupported, || format!("{err}"))?;
        ensure(emulator.records().is_empty(), || {
            "a request was made".into()
        })
    }
}

/// An undeclared recipient kind is `Unsupported` before any request, naming the kind.
async fn recipient_kind(platform: &'static str, kind: RecipientKind) -> Result<(), Failed> {
    let emulator = emulator().await?;
    let channel = channel_on(&emulator, platform, |c| c)?;
    if channel.info().capabilities.supports_recipient(kind) {
        // Declared kinds are exercised by the samples and the content checks.
        return Ok(());
    }
    let err = match channel.send(&Message::text(recipient_of(kind), "x")).await {
        Ok(r) => return Err(format!("{kind} is not declared but was sent: {r:?}").into()),
        Err(e) => e,
    };
    ensure(err.kind() == ErrorKind::Unsupported, || format!("{err}"))?;
    ensure(err.to_string().contains(kind.as_str()), || format!("{err}"))?;
    ensure(emulator.records().is_empty(), || {
        "a request was made".into()
    })
}

/// Each of the plugin's samples is sent and acknowledged.
async fn sample_is_sent(platform: &'static str, name: &'static str) -> Result<(), Failed> {
    let emulator = emulator().await?;
    let registry = Registry::discover().map_err(|e| Failed::from(e.to_string()))?;
    let plugin = registry
        .get(platform)
        .map_err(|e| Failed::from(e.to_string()))?;
    let to = emulator
        .sample_recipient(platform)
        .map_err(|e| Failed::from(e.to_string()))?;
    let sample = plugin
        .samples(to)
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| Failed::from(format!("no sample {name}")))?;
    let channel = channel_on(&emulator, platform, |c| c)?;
    let receipt = channel
        .send(&sample.message)
        .await
        .map_err(|e| Failed::from(format!("{name}: {e}")))?;
    ensure(
        !receipt.message_id.is_empty() || emulator.records().len() == 1,
        || format!("{name}: nothing acknowledged: {receipt:?}"),
    )
}

/// The receipt names the channel and the message the platform recorded.
async fn receipt_matches_record(platform: &'static str) -> Result<(), Failed> {
    let emulator = emulator().await?;
    let channel = channel_on(&emulator, platform, |c| c)?;
    let info = channel.info();
    let to = emulator
        .sample_recipient(platform)
        .map_err(|e| Failed::from(e.to_string()))?;
    let receipt = channel
        .send(&Message::text(to.clone(), "Your order has shipped"))
        .await
        .map_err(|e| Failed::from(e.to_string()))?;
    ensure(receipt.channel == info.name, || format!("{receipt:?}"))?;
    ensure(!receipt.message_id.is_empty(), || format!("{receipt:?}"))?;
    let records = emulator.records_for(platform, Some(&to.id));
    ensure(records.len() == 1, || format!("{} records", records.len()))?;
    ensure(records[0].message_id == receipt.message_id, || {
        format!(
            "recorded {} vs {}",
            records[0].message_id, receipt.message_id
        )
    })?;
    ensure(records[0].account == info.account, || {
        format!("account {} vs {}", records[0].account, info.account)
    })
}

/// Text at the declared limit passes; one over fails locally naming field, limit and length.
async fn text_limit(platform: &'static str) -> Result<(), Failed> {
    let emulator = emulator().await?;
    let channel = channel_on(&emulator, platform, |c| c)?;
    let Some(limit) = channel.info().capabilities.max_text_chars else {
        return Ok(());
    };
    let to = emulator
        .sample_recipient(platform)
        .map_err(|e| Failed::from(e.to_string()))?;
    channel
        .send(&Message::text(to.clone(), "é".repeat(limit)))
        .await
        .map_err(|e| Failed::from(format!("refused at the limit: {e}")))?;
    let err = match channel
        .send(&Message::text(to, "é".repeat(limit + 1)))
        .await
    {
        Ok(_) => return Err("one over the limit was sent".into()),
        Err(e) => e,
    };
    ensure(err.kind() == ErrorKind::InvalidMessage, || format!("{err}"))?;
    let v = err.violations();
    ensure(
        v.len() == 1
            && v[0].field == "text.body"
            && v[0].problem
                == (Problem::TooLong {
                    limit,
                    actual: limit + 1,
                }),
        || format!("{v:?}"),
    )?;
    ensure(emulator.records().len() == 1, || {
        "the over-long text was sent".into()
    })
}

/// Empty text is refused locally.
async fn empty_text(platform: &'static str) -> Result<(), Failed> {
    let emulator = emulator().await?;
    let channel = channel_on(&emulator, platform, |c| c)?;
    let to = emulator
        .sample_recipient(platform)
        .map_err(|e| Failed::from(e.to_string()))?;
    let err = match channel.send(&Message::text(to, "  ")).await {
        Ok(_) => return Err("empty text was sent".into()),
        Err(e) => e,
    };
    ensure(
        err.violations().first().map(|v| &v.problem) == Some(&Problem::Required),
        || format!("{err}"),
    )?;
    ensure(emulator.records().is_empty(), || {
        "a request was made".into()
    })
}

/// A wrong token is `Unauthorized`, not temporary, and never printed.
async fn unauthorized(platform: &'static str) -> Result<(), Failed> {
    let emulator = emulator().await?;
    let token = "behaviour-suite-wrong-token-7f3a9c";
    let channel = channel_on(&emulator, platform, |c| {
        let secret_key = Registry::discover()
            .ok()
            .and_then(|r| r.get(platform).ok())
            .and_then(|p| p.config_keys().iter().find(|k| k.secret).map(|k| k.name))
            .unwrap_or("access_token");
        c.set(secret_key, token)
    })?;
    let to = emulator
        .sample_recipient(platform)
        .map_err(|e| Failed::from(e.to_string()))?;
    let err = match channel.send(&Message::text(to, "hi")).await {
        Ok(_) => return Err("sent with a wrong token".into()),
        Err(e) => e,
    };
    ensure(err.kind() == ErrorKind::Unauthorized, || format!("{err}"))?;
    ensure(!err.is_temporary(), || format!("{err}"))?;
    for printed in [format!("{err}"), format!("{err:?}"), format!("{channel:?}")] {
        ensure(!printed.contains(token), || {
            format!("token leaked: {printed}")
        })?;
    }
    Ok(())
}

/// A bare HTTP `status` (a proxy's) is classified as `kind`, temporary.
async fn injected_status(
    platform: &'static str,
    status: u16,
    kind: ErrorKind,
) -> Result<(), Failed> {
    let emulator = emulator().await?;
    let channel = channel_on(&emulator, platform, |c| c)?;
    let to = emulator
        .sample_recipient(platform)
        .map_err(|e| Failed::from(e.to_string()))?;
    emulator.fail_next(platform, 1, Failure::Status(status));
    let msg = Message::text(to, "hi");
    let err = match channel.send(&msg).await {
        Ok(_) => return Err(format!("{status} was taken as success").into()),
        Err(e) => e,
    };
    ensure(err.kind() == kind && err.is_temporary(), || {
        format!("{status}: {err}")
    })?;
    channel
        .send(&msg)
        .await
        .map_err(|e| Failed::from(format!("the failure was not consumed: {e}")))?;
    Ok(())
}

/// An unreachable platform is a temporary network error, quickly.
async fn unreachable(platform: &'static str) -> Result<(), Failed> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| Failed::from(e.to_string()))?
        .port();
    let emulator = emulator().await?;
    let channel = channel_on(&emulator, platform, |c| {
        c.set("base_url", format!("http://127.0.0.1:{port}"))
    })?;
    let to = emulator
        .sample_recipient(platform)
        .map_err(|e| Failed::from(e.to_string()))?;
    let started = std::time::Instant::now();
    let err = match channel.send(&Message::text(to, "hi")).await {
        Ok(_) => return Err("sent to nowhere".into()),
        Err(e) => e,
    };
    ensure(
        err.kind() == ErrorKind::Network && err.is_temporary(),
        || format!("{err}"),
    )?;
    ensure(started.elapsed() < Duration::from_secs(5), || {
        "too slow".into()
    })
}
