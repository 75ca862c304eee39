//! # switchboard-example-sms
//!
//! A channel as a third party writes it, for an imaginary SMS gateway, using
//! nothing but Switchboard's public plugin contract. One registration gives
//! it everything the framework offers a platform: configuration by name
//! (`type = "smsgate"`), webhooks through its own parser and authentication,
//! a window rule, an emulator, the behaviour suite, and Python access
//! (`Channel.open("smsgate", …)`).
//!
//! The gateway (invented for this example; its rules are its own):
//! - `POST {base_url}/v1/sms` with `Authorization: Bearer {api_key}` and
//!   `{"from": "SENDER", "to": "+16505551234", "text": "…", "notice": true}`
//!   answers `{"id": "sms-…"}`;
//!   errors are `{"error": {"code": 4001, "message": "…"}}`.
//! - Texts are at most 1,600 characters, to phone numbers only.
//! - Webhooks POST `{"events": [{"type": "inbound" | "delivered", …}]}` with
//!   the header `X-Smsgate-Token: {webhook_token}`.
//! - Free-form texts go within 7 days of the person's last text; after
//!   that, only texts marked as transactional notices.
//!
//! ```
//! use switchboard::plugin::ChannelConfig;
//! use switchboard::Registry;
//! use switchboard_example_sms as _;
//!
//! let config = ChannelConfig::new("alerts", "smsgate", toml::toml! { api_key = "k" });
//! let alerts = Registry::discover().unwrap().build(&config).unwrap();
//! assert_eq!(alerts.info().platform, "smsgate");
//! ```

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use switchboard::plugin::{
    build_channel, http, ChannelConfig, ChannelPayload, ChannelPlugin, ConfigKey,
    FromChannelConfig, Sample, Violations, WebhookSecrets, WebhookSupport,
};
use switchboard::webhook::{
    DeliveryStatus, Event, EventKind, HeaderToken, InboundContent, InboundMessage, StatusUpdate,
    WebhookAuth, WebhookError, WindowRule,
};
use switchboard::{
    register_channel, Capabilities, Channel, ChannelInfo, Content, ContentKind, Error, ErrorKind,
    Message, Receipt, Recipient, RecipientKind, Secret,
};

#[cfg(feature = "emulator")]
pub mod emulator;

/// The plugin name (the `type` in configuration).
pub const PLATFORM: &str = "smsgate";

/// The gateway's host unless configured otherwise (imaginary).
pub const DEFAULT_BASE_URL: &str = "https://smsgate.example";

/// The longest text the gateway takes (its own rule).
pub const MAX_TEXT_CHARS: usize = 1600;

/// Free-form texts go within 7 days of the person's last text (its own rule).
pub const WINDOW: Duration = Duration::from_secs(7 * 24 * 3600);

/// The header that authenticates the gateway's webhooks.
pub const TOKEN_HEADER: &str = "x-smsgate-token";

const KEYS: &[ConfigKey] = &[
    ConfigKey::required("api_key", "the gateway API key").secret(),
    ConfigKey::optional(
        "sender",
        "the sender id texts come from (default: SWITCHBOARD)",
    ),
    ConfigKey::optional("base_url", "the gateway host"),
];

const WEBHOOK_KEYS: &[ConfigKey] = &[ConfigKey::required(
    "webhook_token",
    "the token the gateway sends in X-Smsgate-Token",
)
.secret()];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    api_key: Secret,
    #[serde(default)]
    sender: Option<String>,
    #[serde(default)]
    base_url: Option<String>,
}

/// Options only this gateway understands: a transactional notice may go
/// outside the window.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsOptions {
    /// The text is a transactional notice (an OTP, a delivery update).
    #[serde(default)]
    pub notice: bool,
}

impl SmsOptions {
    /// Marks the text as a transactional notice.
    pub fn notice() -> Self {
        SmsOptions { notice: true }
    }
}

impl ChannelPayload for SmsOptions {
    const CHANNEL: &'static str = PLATFORM;

    fn kind(&self) -> &'static str {
        "options"
    }
}

/// A channel for one gateway account.
#[derive(Debug)]
pub struct SmsGateway {
    info: ChannelInfo,
    url: String,
    auth: reqwest::header::HeaderValue,
    api_key: Secret,
    client: http::HttpClient,
}

impl FromChannelConfig for SmsGateway {
    fn from_channel_config(config: &ChannelConfig) -> Result<Self, Error> {
        let settings: Settings = config.deserialize()?;
        let base = settings.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let base = http::check_endpoint(config.name(), base, &settings.api_key)?;
        let capabilities = Capabilities::new()
            .content_kinds([ContentKind::Text])
            .recipient_kinds([RecipientKind::PhoneNumber])
            .max_text_chars(MAX_TEXT_CHARS);
        let sender = settings.sender.unwrap_or_else(|| "SWITCHBOARD".into());
        Ok(SmsGateway {
            info: ChannelInfo::new(config.name(), PLATFORM, sender).capabilities(capabilities),
            url: format!("{base}/v1/sms"),
            auth: http::bearer(&settings.api_key)?,
            api_key: settings.api_key.clone(),
            client: http::HttpClient::new(http::DEFAULT_TIMEOUT)?,
        })
    }
}

#[derive(Serialize)]
struct Outgoing<'a> {
    from: &'a str,
    to: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    notice: bool,
}

#[derive(Deserialize)]
struct Accepted {
    id: String,
}

#[derive(Deserialize)]
struct Refused {
    error: RefusedBody,
}

#[derive(Deserialize)]
struct RefusedBody {
    code: i64,
    #[serde(default)]
    message: Option<String>,
}

/// The gateway's error codes, classified.
fn classify(status: u16, code: i64) -> (ErrorKind, bool) {
    match code {
        4001 => (ErrorKind::InvalidRecipient, false),
        4002 => (ErrorKind::InvalidMessage, false),
        4010 => (ErrorKind::Unauthorized, false),
        4030 => (ErrorKind::OutsideWindow, false),
        4290 => (ErrorKind::RateLimited, true),
        _ => {
            let (kind, temporary, _) = switchboard::plugin::classify_status(status);
            (kind, temporary)
        }
    }
}

#[switchboard::async_trait]
impl Channel for SmsGateway {
    fn info(&self) -> &ChannelInfo {
        &self.info
    }

    fn check_rules(&self, message: &Message, v: &mut Violations) -> Result<(), Error> {
        // Core has checked the kinds and the length; the gateway's own rule:
        // digits with an optional leading `+`.
        let to = &message.to.id;
        let digits = to.strip_prefix('+').unwrap_or(to);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            v.push(
                "to",
                switchboard::plugin::Problem::Invalid {
                    reason: "a phone number is digits with an optional leading +".into(),
                },
            );
        }
        message.extensions.get::<SmsOptions>(&self.info.name)?;
        Ok(())
    }

    async fn send_validated(&self, message: &Message) -> Result<Receipt, Error> {
        // Gateways and proxies echo keys back: never show ours.
        self.post(message)
            .await
            .map_err(|e| e.redact(&self.api_key))
    }
}

impl SmsGateway {
    async fn post(&self, message: &Message) -> Result<Receipt, Error> {
        let name = &self.info.name;
        let Content::Text(text) = &message.content else {
            return Err(Error::unsupported(name, message.content.kind()));
        };
        let notice = message
            .extensions
            .get::<SmsOptions>(name)?
            .is_some_and(|o| o.notice);
        let body = serde_json::to_vec(&Outgoing {
            from: &self.info.account,
            to: &message.to.id,
            text: &text.body,
            notice,
        })
        .map_err(|e| Error::new(ErrorKind::InvalidMessage, e.to_string()))?;
        let response = http::post_json(&self.client, &self.url, &self.auth, body, name).await?;
        if response.is_success() {
            let accepted: Accepted =
                switchboard::plugin::decode_response(name, "gateway answer", &response.body)?;
            return Ok(Receipt::new(name, accepted.id));
        }
        match serde_json::from_slice::<Refused>(&response.body) {
            Ok(Refused { error }) => {
                let (kind, temporary) = classify(response.status, error.code);
                let mut p = switchboard::PlatformError::new(Some(response.status), error.code);
                p.message = error.message;
                let mut e = Error::new(
                    kind,
                    format!("the gateway refused the text ({})", error.code),
                )
                .with_channel(name)
                .with_platform(p)
                .with_temporary(temporary);
                if let Some(after) = response.retry_after {
                    e = e.with_retry_after(after);
                }
                Err(e)
            }
            Err(_) => Err(switchboard::plugin::unparsed_error(
                name,
                "gateway",
                response.status,
                response.retry_after,
                &response.body,
            )),
        }
    }
}

fn token_auth(secrets: &WebhookSecrets) -> Result<Arc<dyn WebhookAuth>, Error> {
    // A shared token in `X-Smsgate-Token`, compared in constant time.
    let token = secrets.get("webhook_token")?.clone();
    Ok(Arc::new(HeaderToken::new(TOKEN_HEADER, token)?))
}

#[derive(Deserialize)]
struct Delivery {
    events: Vec<serde_json::Value>,
}

/// Parses a gateway webhook body into events; unknown events are kept raw.
pub fn parse(body: &[u8]) -> Result<Vec<Event>, WebhookError> {
    let delivery: Delivery = serde_json::from_slice(body)
        .map_err(|e| WebhookError::InvalidPayload(format!("not a gateway delivery: {e}")))?;
    Ok(delivery.events.iter().map(event).collect())
}

fn event(v: &serde_json::Value) -> Event {
    let text = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let at = v.get("timestamp").and_then(serde_json::Value::as_u64);
    let (id, kind) = match v.get("type").and_then(|t| t.as_str()) {
        Some("inbound") => {
            let content = InboundContent::Text { body: text("text") };
            let id = text("id");
            (
                format!("sms:in:{id}"),
                EventKind::Message(InboundMessage::new(id, text("from"), content)),
            )
        }
        Some("delivered") => (
            format!("sms:delivered:{}", text("message_id")),
            EventKind::Status(StatusUpdate::new(
                text("message_id"),
                DeliveryStatus::Delivered,
            )),
        ),
        _ => (
            format!("sms:unknown:{}", switchboard::webhook::fingerprint(v)),
            EventKind::Unknown { raw: v.clone() },
        ),
    };
    Event::new(PLATFORM, "", id, kind).timestamp_ms(at)
}

/// The gateway's window: 7 days, then transactional notices only.
struct Window;

impl WindowRule for Window {
    fn check(&self, message: &Message, since: Option<Duration>) -> Result<(), String> {
        let notice = message
            .extensions
            .get::<SmsOptions>(PLATFORM)
            .ok()
            .flatten()
            .is_some_and(|o| o.notice);
        if notice || since.is_some_and(|d| d <= WINDOW) {
            Ok(())
        } else {
            Err("only transactional notices go 7 days after the person's last text".into())
        }
    }
}

fn samples(to: Recipient) -> Vec<Sample> {
    vec![
        Sample::new("text", Message::text(to.clone(), "Your code is 4242")),
        Sample::new(
            "notice",
            Message::text(to, "Your parcel arrives today").with_extension(SmsOptions::notice()),
        ),
    ]
}

register_channel!(ChannelPlugin::new(
    PLATFORM,
    "an imaginary HTTP SMS gateway (example)",
    build_channel::<SmsGateway>
)
.with_config_keys(KEYS)
.with_webhooks(WebhookSupport::new(WEBHOOK_KEYS, token_auth, parse))
.with_window_rule(&Window)
.with_samples(samples));
