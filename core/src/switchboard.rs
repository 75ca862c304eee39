//! `Switchboard`: named channel instances built from configuration.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::channel::{Channel, Receipt};
use crate::error::Error;
use crate::message::Message;
use crate::registry::{ChannelConfig, Registry};

/// A set of named channels, usually built from a TOML file.
///
/// The file has one table per channel instance under `channels`; `type` names
/// the plugin (it defaults to the instance name) and the other keys are the
/// plugin's settings. Secrets are written as `env:VARIABLE` references:
///
/// ```toml
/// [channels.support]
/// type = "whatsapp"
/// phone_number_id = "106540352242922"
/// access_token = "env:WHATSAPP_TOKEN"
///
/// [channels.messenger]
/// page_id = "1234567890"
/// access_token = "env:PAGE_TOKEN"
/// ```
///
/// Each channel is sent through the default delivery stack (feature
/// `delivery`, on by default): the platform's documented rate limits, retries
/// of temporary failures, idempotency keys, timeouts. A `delivery` table
/// adjusts it: `enabled`, `messages_per_second`, `per_recipient_burst`,
/// `per_recipient_interval_secs`, `max_attempts`, `retry_ambiguous`,
/// `timeout_secs`, `concurrency`, `window`.
///
/// Where the platform has a customer-service window (its plugin registers a
/// rule), what the window does not allow is refused before any request:
/// feed [`Switchboard::window_tracker`] with inbound webhook events.
/// `window = "known"` (the default) refuses only for customers the tracker
/// has heard from; `"strict"` for every customer not heard from within the
/// window; `"off"` leaves it to the platform.
#[derive(Clone, Default)]
pub struct Switchboard {
    channels: BTreeMap<String, Arc<dyn Channel>>,
    tracker: Arc<crate::webhook::WindowTracker>,
}

impl Switchboard {
    /// An empty switchboard; add channels with [`Switchboard::add`].
    pub fn new() -> Self {
        Switchboard::default()
    }

    /// Reads a TOML configuration file and builds every channel it names
    /// with the registered plugins.
    pub fn from_config(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::config(format!("cannot read configuration {}: {e}", path.display()))
        })?;
        Self::from_toml_str(&text)
    }

    /// Builds every channel of a TOML configuration text.
    pub fn from_toml_str(text: &str) -> Result<Self, Error> {
        let configs = parse_channel_configs(text)?;
        let registry = Registry::discover()?;
        let mut sb = Switchboard::new();
        for config in configs {
            let channel = registry.build(&config)?;
            #[cfg(feature = "delivery")]
            let channel = {
                let rule = registry.get(config.channel_type())?.window_rule();
                with_delivery(channel, config.delivery(), rule, &sb.tracker)
                    .map_err(|e| e.with_channel(config.name()))?
            };
            sb.add(config.name(), channel)?;
        }
        Ok(sb)
    }

    /// When each customer last wrote, shared by every channel's window
    /// check: feed it inbound events
    /// ([`WebhookConfig::window_tracker`](crate::webhook::service::WebhookConfig::window_tracker)
    /// or [`WindowTracker::observe`](crate::webhook::WindowTracker::observe)).
    pub fn window_tracker(&self) -> &Arc<crate::webhook::WindowTracker> {
        &self.tracker
    }

    /// Adds a channel under `name`; a name already taken is an error.
    pub fn add(&mut self, name: impl Into<String>, channel: Arc<dyn Channel>) -> Result<(), Error> {
        let name = name.into();
        if self.channels.contains_key(&name) {
            return Err(Error::config(format!(
                "a channel named `{name}` is already configured; channel names must be unique"
            )));
        }
        self.channels.insert(name, channel);
        Ok(())
    }

    /// The channel called `name`; an unknown name is an error listing the configured ones.
    pub fn channel(&self, name: &str) -> Result<&Arc<dyn Channel>, Error> {
        self.channels.get(name).ok_or_else(|| {
            Error::config(format!(
                "no channel named `{name}` is configured; configured: {}",
                if self.channels.is_empty() {
                    "none".to_string()
                } else {
                    self.names().join(", ")
                }
            ))
        })
    }

    /// The names of the configured channels, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.channels.keys().map(String::as_str).collect()
    }

    /// Every configured channel with its name.
    pub fn channels(&self) -> impl Iterator<Item = (&str, &Arc<dyn Channel>)> {
        self.channels.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Sends `message` through the channel called `channel`.
    pub async fn send(&self, channel: &str, message: &Message) -> Result<Receipt, Error> {
        self.channel(channel)?.send(message).await
    }
}

impl fmt::Debug for Switchboard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.channels
                    .iter()
                    .map(|(k, v)| (k, v.info().platform.as_str())),
            )
            .finish()
    }
}

/// Wraps `channel` in the default delivery stack, adjusted by the
/// `[channels.NAME.delivery]` table.
#[cfg(feature = "delivery")]
fn with_delivery(
    channel: Arc<dyn Channel>,
    settings: Option<&toml::Table>,
    rule: Option<&'static dyn crate::webhook::WindowRule>,
    tracker: &Arc<crate::webhook::WindowTracker>,
) -> Result<Arc<dyn Channel>, Error> {
    let s: crate::delivery::DeliverySettings = match settings {
        Some(t) => toml::Value::Table(t.clone())
            .try_into()
            .map_err(|e: toml::de::Error| {
                Error::config(format!("invalid delivery settings: {}", e.message()))
            })?,
        None => Default::default(),
    };
    let guard = rule.map(|rule| crate::webhook::WindowGuard::new(tracker.clone(), Arc::new(rule)));
    s.apply_with_window(channel, guard)
}

/// Parses the `[channels.*]` tables of a configuration text.
///
/// TOML itself refuses a table defined twice, so two channels can never share a name.
pub fn parse_channel_configs(text: &str) -> Result<Vec<ChannelConfig>, Error> {
    let root: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        // Only the message and the line: the line itself may hold a token.
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        Error::config(match line {
            Some(n) => format!("invalid configuration (line {n}): {}", e.message()),
            None => format!("invalid configuration: {}", e.message()),
        })
    })?;
    for key in root.keys() {
        if key != "channels" {
            return Err(Error::config(format!(
                "unknown top-level configuration key `{key}`; expected `channels`"
            )));
        }
    }
    let Some(channels) = root.get("channels") else {
        return Ok(Vec::new());
    };
    let channels = channels
        .as_table()
        .ok_or_else(|| Error::config("`channels` must be a table of channel tables"))?;
    let mut out = Vec::with_capacity(channels.len());
    for (name, value) in channels {
        let mut settings = value
            .as_table()
            .ok_or_else(|| Error::config(format!("`channels.{name}` must be a table of settings")))?
            .clone();
        let delivery = match settings.remove("delivery") {
            None => None,
            Some(toml::Value::Table(t)) => Some(t),
            Some(_) => {
                return Err(Error::config(format!(
                    "`channels.{name}.delivery` must be a table of delivery settings"
                )))
            }
        };
        let channel_type = match settings.remove("type") {
            None => name.clone(),
            Some(toml::Value::String(s)) => s,
            Some(_) => {
                return Err(Error::config(format!(
                    "`channels.{name}.type` must be a string naming a channel plugin"
                )))
            }
        };
        out.push(ChannelConfig::new(name.clone(), channel_type, settings).with_delivery(delivery));
    }
    Ok(out)
}
