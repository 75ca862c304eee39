//! # Switchboard
//!
//! One channel-neutral API for sending customer messages over Facebook
//! Messenger and WhatsApp (and any channel a third party adds).
//!
//! - [`Message`] = [`Recipient`] + [`Content`] + options: one message model
//!   every channel understands.
//! - [`Channel`]: the object-safe async trait each platform adapter implements;
//!   `validate` checks every documented rule before any network call.
//! - [`Registry`] / [`register_channel!`]: channel crates register themselves
//!   with `inventory`; [`Switchboard::from_config`] builds named channels from TOML.
//! - [`Error`] / [`ErrorKind`]: one classified error type (temporary or not,
//!   retry-after, the platform's code / subcode / trace id, violations).
//! - [`emulator`] (feature `emulator`): serves every registered platform
//!   emulator on 127.0.0.1.
//!
//! ```
//! use switchboard::{Content, Message, Recipient, Text};
//! let msg = Message::text(Recipient::phone_number("+16505551234"), "Hello!");
//! assert!(matches!(msg.content, Content::Text(Text { .. })));
//! ```

mod channel;
mod error;
pub mod graph;
mod message;
mod registry;
mod secret;
mod switchboard;
pub mod webhook;

#[cfg(feature = "delivery")]
pub mod delivery;
#[cfg(feature = "emulator")]
pub mod emulator;
#[cfg(feature = "http")]
pub mod http;

pub use crate::channel::{AcceptanceStatus, Capabilities, Channel, ChannelInfo, Receipt};
pub use crate::error::{
    is_http_url, Error, ErrorKind, PlatformError, Problem, Violation, Violations,
};
pub use crate::message::{
    ChannelContent, ChannelData, ChannelPayload, Choice, ChoiceList, ChoiceSection, Contact,
    ContactAddress, ContactEmail, ContactName, ContactOrg, ContactPhone, ContactUrl, Contacts,
    Content, ContentKind, Extensions, Location, Media, MediaKind, MediaSource, Message,
    MessageOptions, Notification, Reaction, Recipient, RecipientKind, ReplyButton, ReplyButtons,
    SenderAction, SenderActionKind, Text,
};
pub use crate::registry::{BuildFn, ChannelConfig, ChannelPlugin, Registry};
pub use crate::secret::Secret;
pub use crate::switchboard::{parse_channel_configs, Switchboard};

/// The `async_trait` attribute, re-exported so channel crates implement
/// [`Channel`] with the same version.
pub use async_trait::async_trait;

#[doc(hidden)]
pub mod __private {
    pub use inventory;
}
