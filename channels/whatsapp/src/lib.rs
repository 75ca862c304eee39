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
//! use switchboard_whatsapp::{Config, WhatsApp};
//!
//! let config = Config::cloud("106540352242922", Secret::resolve("env:WHATSAPP_TOKEN").map_err(switchboard::Error::config)?);
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

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use switchboard::http::reqwest::header::HeaderValue;
use switchboard::http::{self, reqwest};
use switchboard::{
    register_channel, AcceptanceStatus, Capabilities, Channel, ChannelConfig, ChannelInfo,
    ChannelPlugin, Content, ContentKind, Error, Message, Receipt, RecipientKind, Secret,
    Violations,
};

mod errors;
pub mod format;
mod model;
pub mod validate;
pub mod webhook;
mod wire;

pub use model::{
    Amount, ButtonAction, ButtonIndex, ButtonParameter, ButtonSubType, Charge, Component, Currency,
    DateTime, Discount, FlowAction, FlowActionKind, FlowMode, FlowPayload, FlowRef, Header, Hsm,
    Interactive, InteractiveAction, Language, LanguagePolicy, LocalizableParam, MediaRef, Options,
    Order, OrderDetails, OrderItem, Parameter, ProductSection, Template, Ttl,
};

#[cfg(feature = "emulator")]
pub mod emulator;

/// The plugin name (the `type` in configuration).
pub const PLATFORM: &str = "whatsapp";

/// The Graph API version used unless configured otherwise (the version of
/// Meta's OpenAPI spec this crate follows).
pub const DEFAULT_API_VERSION: &str = "v23.0";

/// The Cloud API host.
pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com";

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
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The business phone number id (Cloud API). Unused by On-Premises.
    #[serde(default)]
    pub phone_number_id: String,
    /// The system-user token (Cloud) or login token (On-Premises).
    pub access_token: Secret,
    /// The API host: Graph for Cloud, your WhatsApp client for On-Premises.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The Graph API version (Cloud).
    #[serde(default = "default_api_version")]
    pub api_version: String,
    /// Cloud (default) or On-Premises.
    #[serde(default)]
    pub dialect: Dialect,
    /// Time allowed for one request, in seconds.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
}

fn default_base_url() -> String {
    DEFAULT_BASE_URL.to_string()
}

fn default_api_version() -> String {
    DEFAULT_API_VERSION.to_string()
}

impl Config {
    /// A Cloud API configuration with the default host and version.
    pub fn cloud(phone_number_id: impl Into<String>, access_token: Secret) -> Self {
        Config {
            phone_number_id: phone_number_id.into(),
            access_token,
            base_url: default_base_url(),
            api_version: default_api_version(),
            dialect: Dialect::Cloud,
            timeout_secs: None,
        }
    }

    /// An On-Premises configuration for the WhatsApp client at `base_url`.
    pub fn on_premises(base_url: impl Into<String>, access_token: Secret) -> Self {
        Config {
            phone_number_id: String::new(),
            access_token,
            base_url: base_url.into(),
            api_version: default_api_version(),
            dialect: Dialect::OnPremises,
            timeout_secs: None,
        }
    }

    /// Sends to another host (the emulator, a proxy).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Uses another Graph API version.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Sets the time allowed for one request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout_secs = Some(timeout.as_secs().max(1));
        self
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("phone_number_id", &self.phone_number_id)
            .field("access_token", &self.access_token)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("dialect", &self.dialect)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// A WhatsApp channel: one business phone number.
pub struct WhatsApp {
    info: ChannelInfo,
    dialect: Dialect,
    url: String,
    auth: HeaderValue,
    client: reqwest::Client,
}

impl fmt::Debug for WhatsApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WhatsApp")
            .field("name", &self.info.name)
            .field("account", &self.info.account)
            .field("dialect", &self.dialect)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl WhatsApp {
    /// A channel called `name` with `config`.
    pub fn new(name: impl Into<String>, config: Config) -> Result<Self, Error> {
        let name = name.into();
        let base = http::check_endpoint(&name, &config.base_url, &config.access_token)?;
        let (url, account, rate) = match config.dialect {
            Dialect::Cloud => {
                let id = config.phone_number_id.trim();
                if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::config(format!(
                        "phone_number_id must be the numeric id of the business phone number, got {id:?}"
                    ))
                    .with_channel(name));
                }
                let version = config.api_version.trim_matches('/');
                (
                    format!("{base}/{version}/{id}/messages"),
                    id.to_string(),
                    CLOUD_MESSAGES_PER_SECOND,
                )
            }
            Dialect::OnPremises => (
                format!("{base}/v1/messages"),
                base.to_string(),
                ON_PREMISES_MESSAGES_PER_SECOND,
            ),
        };
        let timeout = config
            .timeout_secs
            .map(Duration::from_secs)
            .unwrap_or(http::DEFAULT_TIMEOUT);
        Ok(WhatsApp {
            info: ChannelInfo {
                name,
                platform: PLATFORM.to_string(),
                account,
                capabilities: Capabilities {
                    content_kinds: vec![
                        ContentKind::Text,
                        ContentKind::Media,
                        ContentKind::Location,
                        ContentKind::Contacts,
                        ContentKind::Reaction,
                        ContentKind::ReplyButtons,
                        ContentKind::ChoiceList,
                        ContentKind::SenderAction,
                        ContentKind::Channel,
                    ],
                    recipient_kinds: match config.dialect {
                        Dialect::Cloud => vec![
                            RecipientKind::PhoneNumber,
                            RecipientKind::UserId,
                            RecipientKind::Group,
                        ],
                        Dialect::OnPremises => {
                            vec![RecipientKind::PhoneNumber, RecipientKind::UserId]
                        }
                    },
                    max_text_chars: Some(MAX_TEXT_CHARS),
                    messages_per_second: Some(rate),
                    per_recipient_interval: Some(PER_RECIPIENT_INTERVAL),
                    per_recipient_burst: Some(PER_RECIPIENT_BURST),
                },
            },
            dialect: config.dialect,
            url,
            auth: http::bearer(&config.access_token)?,
            client: http::client(timeout)?,
        })
    }

    /// Builds a channel from registry configuration.
    pub fn from_config(config: &ChannelConfig) -> Result<Self, Error> {
        WhatsApp::new(config.name(), config.deserialize::<Config>()?)
    }

    /// The wire dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The JSON body this channel would send for `message` (validated first).
    pub fn body(&self, message: &Message) -> Result<Vec<u8>, Error> {
        let options = options(message).map_err(|e| e.with_channel(&self.info.name))?;
        self.check(message, options.as_deref())?;
        wire::serialize(self.dialect, message, options.as_deref())
            .map_err(|e| e.with_channel(&self.info.name))
    }

    fn check(&self, message: &Message, options: Option<&Options>) -> Result<(), Error> {
        let name = &self.info.name;
        if !self.info.capabilities.supports_recipient(message.to.kind) {
            return Err(Error::unsupported(
                name,
                format!("{} recipients", message.to.kind),
            ));
        }
        let mut v = Violations::new();
        validate::check(name, self.dialect, message, options, &mut v)?;
        v.into_result(name)
    }
}

/// The WhatsApp options extension of a message, if any.
fn options(message: &Message) -> Result<Option<std::borrow::Cow<'_, Options>>, Error> {
    message.extensions.get::<Options>().transpose()
}

#[switchboard::async_trait]
impl Channel for WhatsApp {
    fn info(&self) -> &ChannelInfo {
        &self.info
    }

    fn validate(&self, message: &Message) -> Result<(), Error> {
        let options = options(message).map_err(|e| e.with_channel(&self.info.name))?;
        self.check(message, options.as_deref())
    }

    async fn send(&self, message: &Message) -> Result<Receipt, Error> {
        let body = self.body(message)?;
        let response =
            http::post_json(&self.client, &self.url, &self.auth, body, &self.info.name).await?;
        if !response.is_success() {
            return Err(errors::error_from_response(
                &self.info.name,
                response.status,
                response.retry_after,
                &response.body,
            ));
        }
        match &message.content {
            Content::SenderAction(a) => wire::parse_read_receipt(
                &self.info.name,
                a.message_id.as_deref().unwrap_or_default(),
                &response.body,
            ),
            _ => wire::parse_receipt(&self.info.name, &response.body),
        }
    }
}

fn build(config: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
    Ok(Arc::new(WhatsApp::from_config(config)?))
}

register_channel!(ChannelPlugin::new(
    PLATFORM,
    "WhatsApp Business: Cloud API (default) and On-Premises /v1/messages",
    build
));

/// Maps a `message_status` value to the neutral status.
fn acceptance(status: Option<&str>) -> AcceptanceStatus {
    match status {
        Some("held_for_quality_assessment") => AcceptanceStatus::HeldForQualityAssessment,
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
