//! # switchboard-messenger
//!
//! The Facebook Messenger channel of [Switchboard](switchboard): sends through
//! the Send API (`POST {graph}/{version}/{page-id}/messages`) with a page
//! access token. Messages go out with `messaging_type: RESPONSE` unless told
//! otherwise.
//!
//! ```no_run
//! # async fn demo() -> Result<(), switchboard::Error> {
//! use switchboard::{Channel, Message, Recipient, Secret};
//! use switchboard_messenger::{Config, Messenger};
//!
//! let token = Secret::resolve("env:PAGE_TOKEN").map_err(switchboard::Error::config)?;
//! let messenger = Messenger::new("shop", Config::new("1234567890", token))?;
//! let receipt = messenger
//!     .send(&Message::text(Recipient::user_id("6123456789012345"), "Your table is booked"))
//!     .await?;
//! println!("accepted as {}", receipt.message_id);
//! # Ok(()) }
//! ```
//!
//! The crate registers the `messenger` channel plugin: reference it
//! (`use switchboard_messenger as _;`) and
//! [`Switchboard::from_config`](switchboard::Switchboard::from_config) builds it by name.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use switchboard::http::reqwest::header::HeaderValue;
use switchboard::http::{self, reqwest};
use switchboard::{
    register_channel, Capabilities, Channel, ChannelConfig, ChannelInfo, ChannelPlugin, Content,
    ContentKind, Error, Message, Receipt, RecipientKind, Secret, Violations,
};

mod errors;
mod model;
pub mod validate;
pub mod webhook;
mod wire;

pub use model::{
    Button, ButtonTemplate, DefaultAction, Element, GenericTemplate, Images, MediaTemplate,
    MediaTemplateType, MessagingType, Options, QuickReply, QuickReplyType, Tag, TagRules,
    WebviewHeight, TAG_RULES,
};

#[cfg(feature = "emulator")]
pub mod emulator;

/// The plugin name (the `type` in configuration).
pub const PLATFORM: &str = "messenger";

/// The Graph API version used unless configured otherwise.
pub const DEFAULT_API_VERSION: &str = "v23.0";

/// The Graph API host.
pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com";

/// Longest text: 2000 characters (Meta's Send API reference: "UTF-8 and has a
/// 2000 character limit"; api-contract §3 writes "<2000").
pub const MAX_TEXT_CHARS: usize = 2000;

/// Longest `message.metadata`: 1000 characters (api-contract §3 "metadata <1000";
/// the Send API reference says "1000 character limit").
pub const MAX_METADATA_CHARS: usize = 1000;

/// Send API rate for text, links, reactions and stickers: 300 calls/s per
/// page (api-contract §5).
pub const MESSAGES_PER_SECOND: f64 = 300.0;

/// Settings of a Messenger channel.
///
/// In TOML (under `[channels.NAME]` with `type = "messenger"`): `page_id`,
/// `access_token` (`env:VAR`), and optionally `base_url`, `api_version`, `timeout_secs`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The Facebook Page id.
    pub page_id: String,
    /// The page access token (permission `pages_messaging`).
    pub access_token: Secret,
    /// The Graph API host.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The Graph API version.
    #[serde(default = "default_api_version")]
    pub api_version: String,
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
    /// A configuration for `page_id` with the default host and version.
    pub fn new(page_id: impl Into<String>, access_token: Secret) -> Self {
        Config {
            page_id: page_id.into(),
            access_token,
            base_url: default_base_url(),
            api_version: default_api_version(),
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
            .field("page_id", &self.page_id)
            .field("access_token", &self.access_token)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// A Messenger channel: one Facebook Page.
pub struct Messenger {
    info: ChannelInfo,
    url: String,
    auth: HeaderValue,
    client: reqwest::Client,
}

impl fmt::Debug for Messenger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Messenger")
            .field("name", &self.info.name)
            .field("page_id", &self.info.account)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Messenger {
    /// A channel called `name` with `config`.
    pub fn new(name: impl Into<String>, config: Config) -> Result<Self, Error> {
        let name = name.into();
        let base = http::check_endpoint(&name, &config.base_url, &config.access_token)?;
        let page = config.page_id.trim();
        if page.is_empty() || !page.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::config(format!(
                "page_id must be the numeric id of the Facebook Page, got {page:?}"
            ))
            .with_channel(name));
        }
        let version = config.api_version.trim_matches('/');
        let timeout = config
            .timeout_secs
            .map(Duration::from_secs)
            .unwrap_or(http::DEFAULT_TIMEOUT);
        Ok(Messenger {
            info: ChannelInfo {
                name,
                platform: PLATFORM.to_string(),
                account: page.to_string(),
                capabilities: Capabilities {
                    content_kinds: vec![
                        ContentKind::Text,
                        ContentKind::Media,
                        ContentKind::ReplyButtons,
                        ContentKind::Reaction,
                        ContentKind::SenderAction,
                        ContentKind::Channel,
                    ],
                    recipient_kinds: vec![
                        RecipientKind::UserId,
                        RecipientKind::UserRef,
                        RecipientKind::CommentId,
                        RecipientKind::PostId,
                        RecipientKind::PhoneNumber,
                    ],
                    max_text_chars: Some(MAX_TEXT_CHARS),
                    messages_per_second: Some(MESSAGES_PER_SECOND),
                    per_recipient_interval: None,
                    per_recipient_burst: None,
                },
            },
            url: format!("{base}/{version}/{page}/messages"),
            auth: http::bearer(&config.access_token)?,
            client: http::client(timeout)?,
        })
    }

    /// Builds a channel from registry configuration.
    pub fn from_config(config: &ChannelConfig) -> Result<Self, Error> {
        Messenger::new(config.name(), config.deserialize::<Config>()?)
    }

    /// The JSON body this channel would send for `message` (validated first).
    pub fn body(&self, message: &Message) -> Result<Vec<u8>, Error> {
        let options = options(message).map_err(|e| e.with_channel(&self.info.name))?;
        self.check(message, &options)?;
        wire::serialize(message, &options).map_err(|e| e.with_channel(&self.info.name))
    }

    fn check(&self, message: &Message, options: &Options) -> Result<(), Error> {
        let name = &self.info.name;
        if !self.info.capabilities.supports_recipient(message.to.kind) {
            return Err(Error::unsupported(
                name,
                format!("{} recipients", message.to.kind),
            ));
        }
        let mut v = Violations::new();
        validate::check(name, message, options, &mut v)?;
        v.into_result(name)
    }
}

/// The Messenger options of a message (defaults when none are attached).
fn options(message: &Message) -> Result<std::borrow::Cow<'_, Options>, Error> {
    Ok(message
        .extensions
        .get::<Options>()
        .transpose()?
        .unwrap_or_default())
}

#[switchboard::async_trait]
impl Channel for Messenger {
    fn info(&self) -> &ChannelInfo {
        &self.info
    }

    fn validate(&self, message: &Message) -> Result<(), Error> {
        let options = options(message).map_err(|e| e.with_channel(&self.info.name))?;
        self.check(message, &options)
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
            Content::Reaction(r) => {
                wire::parse_action_receipt(&self.info.name, &r.message_id, &response.body)
            }
            Content::SenderAction(_) => {
                wire::parse_action_receipt(&self.info.name, "", &response.body)
            }
            _ => wire::parse_receipt(&self.info.name, &response.body),
        }
    }
}

fn build(config: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
    Ok(Arc::new(Messenger::from_config(config)?))
}

register_channel!(ChannelPlugin::new(
    PLATFORM,
    "Facebook Messenger Send API",
    build
));
