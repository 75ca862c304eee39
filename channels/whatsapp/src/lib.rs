//! # switchboard-whatsapp
//!
//! The WhatsApp channel of [Switchboard](switchboard): sends messages through
//! the WhatsApp Business **Cloud API** (`POST {graph}/{version}/{phone-number-id}/messages`,
//! the default) or the **On-Premises** API (`POST {base}/v1/messages`), one
//! model, two wire dialects.
//!
//! Every documented limit is checked before any request; platform errors
//! come back as classified [`switchboard::Error`]s.
//!
//! ```no_run
//! # async fn demo() -> Result<(), switchboard::Error> {
//! use switchboard::{Channel, Message, Recipient, Secret};
//! use switchboard_whatsapp::{WhatsApp, WhatsAppConfig};
//!
//! let config = WhatsAppConfig::cloud("106540352242922", Secret::resolve("env:WHATSAPP_TOKEN").map_err(switchboard::Error::config)?);
//! let whatsapp = WhatsApp::new("support", config)?;
//! let receipt = whatsapp
//!     .send(&Message::text(Recipient::phone_number("+16505551234"), "Your order has shipped"))
//!     .await?;
//! println!("accepted as {}", receipt.message_id);
//! # Ok(()) }
//! ```
//!
//! The crate registers the `whatsapp` channel plugin: reference it
//! (`use switchboard_whatsapp as _;`) and
//! [`Switchboard::from_config`](switchboard::Switchboard::from_config) builds it by name.

use std::time::Duration;

use serde::Deserialize;
use switchboard::plugin::{ChannelConfig, FromChannelConfig, Violations};
use switchboard::{
    AcceptanceStatus, Capabilities, Channel, ChannelInfo, Content, ContentKind, Error, Message,
    Receipt, RecipientKind, Secret,
};
use switchboard_graph::{GraphConfig, GraphEndpoint};

mod errors;
pub mod format;
mod model;
mod plugin;
pub mod validate;
pub mod webhook;
mod wire;

pub use model::{
    Amount, ButtonAction, ButtonIndex, ButtonParameter, ButtonSubType, Charge, Component, Currency,
    DateTime, Discount, FlowAction, FlowActionKind, FlowMode, FlowPayload, FlowRef, Header, Hsm,
    Interactive, InteractiveAction, Language, LanguagePolicy, LocalizableParam, MediaRef, Order,
    OrderDetails, OrderItem, Parameter, ProductSection, Template, Ttl, WhatsAppContent,
    WhatsAppOptions,
};

#[cfg(feature = "emulator")]
pub mod emulator;

/// The plugin name (the `type` in configuration).
pub const PLATFORM: &str = "whatsapp";

/// Longest text body: 4096 characters (api-contract §1 "body req ≤4096",
/// verified in Meta docs; the On-Premises reference says the same).
pub const MAX_TEXT_CHARS: usize = 4096;

/// Longest `biz_opaque_callback_data`: 512 characters (api-contract §1, Meta docs;
/// absent from the OpenAPI spec).
pub const MAX_CALLBACK_DATA_CHARS: usize = 512;

/// Default account throughput: 80 messages/s per business number (api-contract §5).
pub const CLOUD_MESSAGES_PER_SECOND: f64 = 80.0;

/// On-Premises throughput: up to 250 messages/s (api-contract §5).
pub const ON_PREMISES_MESSAGES_PER_SECOND: f64 = 250.0;

/// Pair rate limit: 1 message per 6 s to the same user (api-contract §5).
pub const PER_RECIPIENT_INTERVAL: Duration = Duration::from_secs(6);

/// Pair-limit burst: up to 45 messages in 6 s, borrowing future quota (api-contract §5).
pub const PER_RECIPIENT_BURST: u32 = 45;

/// Which WhatsApp API the channel speaks.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    /// The Cloud API: `messaging_product: "whatsapp"`, `{version}/{phone-number-id}/messages`.
    #[default]
    Cloud,
    /// The On-Premises API: `/v1/messages`, no `messaging_product`, top-level `preview_url`.
    OnPremises,
}

/// Settings of a WhatsApp channel.
///
/// In TOML (under `[channels.NAME]` with `type = "whatsapp"`):
/// `phone_number_id`, `access_token` (`env:VAR`), and optionally `base_url`,
/// `api_version`, `dialect` (`cloud` / `on_premises`), `timeout_secs`.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct WhatsAppConfig {
    /// The business phone number id (Cloud API). Unused by On-Premises.
    pub phone_number_id: String,
    /// Cloud (default) or On-Premises.
    pub dialect: Dialect,
    /// The token (system-user for Cloud, login for On-Premises), the API host
    /// (Graph for Cloud, your WhatsApp client for On-Premises), version and timeout.
    pub graph: GraphConfig,
}

/// The WhatsApp keys of the TOML settings (the Graph ones are read by [`GraphConfig`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    phone_number_id: String,
    #[serde(default)]
    dialect: Dialect,
}

impl WhatsAppConfig {
    /// A Cloud API configuration with the default host and version.
    pub fn cloud(phone_number_id: impl Into<String>, access_token: Secret) -> Self {
        WhatsAppConfig {
            phone_number_id: phone_number_id.into(),
            dialect: Dialect::Cloud,
            graph: GraphConfig::new(access_token),
        }
    }

    /// An On-Premises configuration for the WhatsApp client at `base_url`.
    pub fn on_premises(base_url: impl Into<String>, access_token: Secret) -> Self {
        WhatsAppConfig {
            phone_number_id: String::new(),
            dialect: Dialect::OnPremises,
            graph: GraphConfig::new(access_token).base_url(base_url),
        }
    }

    /// Reads the settings of a `[channels.NAME]` table.
    pub fn from_config(config: &ChannelConfig) -> Result<Self, Error> {
        let (graph, settings) = GraphConfig::with_channel_settings::<Settings>(config)?;
        Ok(WhatsAppConfig {
            phone_number_id: settings.phone_number_id,
            dialect: settings.dialect,
            graph,
        })
    }
}

switchboard_graph::graph_config_builders!(WhatsAppConfig);

/// A WhatsApp channel: one business phone number.
#[derive(Debug)]
pub struct WhatsApp {
    info: ChannelInfo,
    dialect: Dialect,
    endpoint: GraphEndpoint,
    pair_limits: PairBackoff,
}

/// The pair rate limit's waits (131056): "retry after 4^X seconds", X
/// counting the recipient's refusals in a row from 0 (api-contract §5).
#[derive(Debug, Default)]
struct PairBackoff(std::sync::Mutex<std::collections::HashMap<String, u32>>);

/// The largest exponent used: 4^10 s is about 12 days, far past any retry budget.
const MAX_PAIR_EXPONENT: u32 = 10;

impl PairBackoff {
    /// The wait after a pair-limit refusal for `recipient`.
    fn refused(&self, recipient: &str) -> std::time::Duration {
        let mut strikes = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if strikes.len() > 100_000 {
            strikes.clear();
        }
        let x = strikes.entry(recipient.to_string()).or_insert(0);
        let wait = 4u64.pow((*x).min(MAX_PAIR_EXPONENT));
        *x = x.saturating_add(1);
        std::time::Duration::from_secs(wait)
    }

    /// A message reached `recipient`: the count starts again.
    fn delivered(&self, recipient: &str) {
        let mut strikes = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if !strikes.is_empty() {
            strikes.remove(recipient);
        }
    }
}

impl FromChannelConfig for WhatsApp {
    fn from_channel_config(config: &ChannelConfig) -> Result<Self, Error> {
        WhatsApp::new(config.name(), WhatsAppConfig::from_config(config)?)
    }
}

impl WhatsApp {
    /// A channel called `name` with `config`.
    pub fn new(name: impl Into<String>, config: WhatsAppConfig) -> Result<Self, Error> {
        let name = name.into();
        let (endpoint, account, rate, recipients) = match config.dialect {
            Dialect::Cloud => {
                let id = config.phone_number_id.trim();
                if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::config(format!(
                        "phone_number_id must be the numeric id of the business phone number, got {id:?}"
                    ))
                    .with_channel(name));
                }
                let path = format!("{id}/messages");
                (
                    GraphEndpoint::new(&name, &config.graph, &path, errors::ERRORS)?,
                    id.to_string(),
                    CLOUD_MESSAGES_PER_SECOND,
                    &[
                        RecipientKind::PhoneNumber,
                        RecipientKind::UserId,
                        RecipientKind::Group,
                    ][..],
                )
            }
            Dialect::OnPremises => {
                if config.graph.base_url == switchboard_graph::DEFAULT_BASE_URL {
                    return Err(Error::config(
                        "the On-Premises API needs base_url: the address of your WhatsApp client",
                    )
                    .with_channel(name));
                }
                let endpoint =
                    GraphEndpoint::at(&name, &config.graph, "v1/messages", errors::ERRORS)?;
                let account = config.graph.base_url.trim_end_matches('/').to_string();
                (
                    endpoint,
                    account,
                    ON_PREMISES_MESSAGES_PER_SECOND,
                    &[RecipientKind::PhoneNumber, RecipientKind::UserId][..],
                )
            }
        };
        let capabilities = Capabilities::new()
            .content_kinds(ContentKind::ALL)
            .recipient_kinds(recipients.iter().copied())
            .max_text_chars(MAX_TEXT_CHARS)
            .messages_per_second(rate)
            .per_recipient(PER_RECIPIENT_INTERVAL, PER_RECIPIENT_BURST);
        Ok(WhatsApp {
            info: ChannelInfo::new(name, PLATFORM, account).capabilities(capabilities),
            dialect: config.dialect,
            endpoint,
            pair_limits: PairBackoff::default(),
        })
    }

    /// The wire dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The JSON body this channel would send for `message` (validated first).
    pub fn body(&self, message: &Message) -> Result<Vec<u8>, Error> {
        self.validate(message)?;
        self.serialize(message)
    }

    fn serialize(&self, message: &Message) -> Result<Vec<u8>, Error> {
        let name = &self.info.name;
        let body =
            wire::serialize(name, self.dialect, message).map_err(|e| e.with_channel(name))?;
        let patch = WhatsAppOptions::of(name, message)?.and_then(|o| o.raw_patch.clone());
        match patch {
            None => Ok(body),
            Some(patch) => wire::apply_patch(&body, &patch).map_err(|e| e.with_channel(name)),
        }
    }
}

#[switchboard::async_trait]
impl Channel for WhatsApp {
    fn info(&self) -> &ChannelInfo {
        &self.info
    }

    fn check_rules(&self, message: &Message, violations: &mut Violations) -> Result<(), Error> {
        validate::check(&self.info.name, self.dialect, message, violations)
    }

    async fn send_validated(&self, message: &Message) -> Result<Receipt, Error> {
        let receipt = self.send_once(message).await;
        // Phone forms (`+1 650…`, `1650…`) are one recipient.
        let to = switchboard::webhook::window_key(PLATFORM, &message.to.id);
        match receipt {
            Ok(r) => {
                self.pair_limits.delivered(&to);
                Ok(r)
            }
            Err(e) if e.code() == Some(131056) => {
                let wait = self.pair_limits.refused(&to);
                Err(self.endpoint.redact(e).with_retry_after(wait))
            }
            Err(e) => Err(self.endpoint.redact(e)),
        }
    }
}

impl WhatsApp {
    /// One request and its answer.
    async fn send_once(&self, message: &Message) -> Result<Receipt, Error> {
        let body = self.endpoint.post(self.serialize(message)?).await?;
        let name = &self.info.name;
        match &message.content {
            Content::SenderAction(a) => {
                wire::parse_read_receipt(name, a.message_id.as_deref().unwrap_or_default(), &body)
            }
            _ => wire::parse_receipt(name, &body),
        }
    }
}

/// Maps a `message_status` value to the neutral status.
fn acceptance(status: Option<&str>) -> AcceptanceStatus {
    match status {
        Some("held_for_quality_assessment") => AcceptanceStatus::HeldForQualityAssessment,
        // On-Premises words it as a sentence: "Message has been held because
        // quality assessment is pending".
        Some(s) if s.to_ascii_lowercase().contains("held") => {
            AcceptanceStatus::HeldForQualityAssessment
        }
        Some("paused") => AcceptanceStatus::Paused,
        Some("accepted") | None => AcceptanceStatus::Accepted,
        Some(other) => {
            tracing::warn!(
                message_status = other,
                "unknown WhatsApp message_status; treating as accepted"
            );
            AcceptanceStatus::Accepted
        }
    }
}
