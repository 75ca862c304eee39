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
//! use switchboard_messenger::{Messenger, MessengerConfig};
//!
//! let token = Secret::resolve("env:PAGE_TOKEN").map_err(switchboard::Error::config)?;
//! let messenger = Messenger::new("shop", MessengerConfig::new("1234567890", token))?;
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

use serde::Deserialize;
use switchboard::plugin::{ChannelConfig, FromChannelConfig, Violations};
use switchboard::{
    Capabilities, Channel, ChannelInfo, Content, ContentKind, Error, Message, Receipt,
    RecipientKind, Secret,
};
use switchboard_graph::{GraphConfig, GraphEndpoint};

mod errors;
mod model;
mod plugin;
pub mod validate;
pub mod webhook;
mod wire;

pub use model::{
    ButtonTemplate, DefaultAction, Element, GenericTemplate, Images, MediaTemplate,
    MediaTemplateType, MessagingType, MessengerButton, MessengerContent, MessengerOptions,
    QuickReply, QuickReplyType, Tag, TagRules, WebviewHeight, TAG_RULES,
};

#[cfg(feature = "emulator")]
pub mod emulator;

/// The plugin name (the `type` in configuration).
pub const PLATFORM: &str = "messenger";

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
/// `access_token` (`env:VAR`), and optionally `base_url`, `api_version`,
/// `timeout_secs`.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct MessengerConfig {
    /// The Facebook Page id.
    pub page_id: String,
    /// The page access token (permission `pages_messaging`), host, version and timeout.
    pub graph: GraphConfig,
}

/// The Messenger keys of the TOML settings (the Graph ones are read by [`GraphConfig`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    page_id: String,
}

impl MessengerConfig {
    /// A configuration for `page_id` with the default host and version.
    pub fn new(page_id: impl Into<String>, access_token: Secret) -> Self {
        MessengerConfig {
            page_id: page_id.into(),
            graph: GraphConfig::new(access_token),
        }
    }

    /// Reads the settings of a `[channels.NAME]` table.
    pub fn from_config(config: &ChannelConfig) -> Result<Self, Error> {
        let (graph, settings) = GraphConfig::with_channel_settings::<Settings>(config)?;
        Ok(MessengerConfig {
            page_id: settings.page_id,
            graph,
        })
    }
}

switchboard_graph::graph_config_builders!(MessengerConfig);

/// A Messenger channel: one Facebook Page.
#[derive(Debug)]
pub struct Messenger {
    info: ChannelInfo,
    endpoint: GraphEndpoint,
}

impl FromChannelConfig for Messenger {
    fn from_channel_config(config: &ChannelConfig) -> Result<Self, Error> {
        Messenger::new(config.name(), MessengerConfig::from_config(config)?)
    }
}

impl Messenger {
    /// A channel called `name` with `config`.
    pub fn new(name: impl Into<String>, config: MessengerConfig) -> Result<Self, Error> {
        let name = name.into();
        let page = config.page_id.trim();
        if page.is_empty() || !page.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::config(format!(
                "page_id must be the numeric id of the Facebook Page, got {page:?}"
            ))
            .with_channel(name));
        }
        let endpoint = GraphEndpoint::new(
            &name,
            &config.graph,
            &format!("{page}/messages"),
            errors::ERRORS,
        )?;
        let capabilities = Capabilities::new()
            .content_kinds([
                ContentKind::Text,
                ContentKind::Media,
                ContentKind::ReplyButtons,
                ContentKind::Reaction,
                ContentKind::SenderAction,
                ContentKind::Channel,
            ])
            .recipient_kinds([
                RecipientKind::UserId,
                RecipientKind::UserRef,
                RecipientKind::CommentId,
                RecipientKind::PostId,
                RecipientKind::PhoneNumber,
            ])
            .max_text_chars(MAX_TEXT_CHARS)
            .messages_per_second(MESSAGES_PER_SECOND);
        Ok(Messenger {
            info: ChannelInfo::new(name, PLATFORM, page).capabilities(capabilities),
            endpoint,
        })
    }

    /// The JSON body this channel would send for `message` (validated first).
    pub fn body(&self, message: &Message) -> Result<Vec<u8>, Error> {
        self.validate(message)?;
        self.serialize(message)
    }

    fn serialize(&self, message: &Message) -> Result<Vec<u8>, Error> {
        let name = &self.info.name;
        wire::serialize(name, message).map_err(|e| e.with_channel(name))
    }
}

#[switchboard::async_trait]
impl Channel for Messenger {
    fn info(&self) -> &ChannelInfo {
        &self.info
    }

    fn check_rules(&self, message: &Message, violations: &mut Violations) -> Result<(), Error> {
        validate::check(&self.info.name, message, violations)
    }

    async fn send_validated(&self, message: &Message) -> Result<Receipt, Error> {
        let body = self.endpoint.post(self.serialize(message)?).await?;
        let name = &self.info.name;
        let receipt = match &message.content {
            Content::Reaction(r) => wire::parse_action_receipt(name, &r.message_id, &body),
            Content::SenderAction(_) => wire::parse_action_receipt(name, "", &body),
            _ => wire::parse_receipt(name, &body),
        };
        receipt.map_err(|e| self.endpoint.redact(e))
    }
}
