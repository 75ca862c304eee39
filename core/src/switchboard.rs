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
    #[cfg(feature = "delivery")]
    routes: BTreeMap<String, Arc<crate::compose::Route>>,
    #[cfg(feature = "delivery")]
    customers: Arc<crate::compose::MemoryDirectory>,
    #[cfg(feature = "delivery")]
    rules: Vec<crate::compose::Rule>,
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
        #[cfg(feature = "delivery")]
        for (name, settings) in routes::parse(text)? {
            let route = routes::build(&sb, &name, settings)?;
            sb.routes.insert(name, Arc::new(route));
        }
        #[cfg(feature = "delivery")]
        {
            sb.rules = routes::rules(text)?;
            for rule in &sb.rules {
                sb.route(&rule.route)
                    .map_err(|e| Error::config(format!("`rules`: {}", e.message())))?;
            }
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

#[cfg(feature = "delivery")]
impl Switchboard {
    /// The customers known across channels: link their addresses, and feed
    /// it inbound events ([`crate::compose::Directory::observe`]). Every
    /// configured route reaches customers through it.
    pub fn customers(&self) -> &Arc<crate::compose::MemoryDirectory> {
        &self.customers
    }

    /// Adds a route under `name` (its own name is kept in its receipts'
    /// attempts); a name already taken is an error.
    pub fn add_route(
        &mut self,
        name: impl Into<String>,
        route: crate::compose::Route,
    ) -> Result<(), Error> {
        let name = name.into();
        if self.routes.contains_key(&name) {
            return Err(Error::config(format!(
                "a route named `{name}` is already configured"
            )));
        }
        self.routes.insert(name, Arc::new(route));
        Ok(())
    }

    /// The route called `name` (a `[routes.NAME]` table).
    pub fn route(&self, name: &str) -> Result<&Arc<crate::compose::Route>, Error> {
        self.routes.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.routes.keys().map(String::as_str).collect();
            Error::config(format!(
                "no route named `{name}` is configured; configured: {}",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })
    }

    /// Sends `message` along the route `route`: failover by its policy.
    pub async fn send_routed(
        &self,
        route: &str,
        message: &Message,
    ) -> Result<crate::compose::RoutedReceipt, Error> {
        let route = self.route(route)?;
        route.validate(message)?;
        route.send_routed(message).await
    }

    /// Sends `content` to the customer `customer` along the route `route`:
    /// over the channels where the customer has an address, open windows first.
    pub async fn send_to_customer(
        &self,
        route: &str,
        customer: &str,
        content: crate::Content,
    ) -> Result<crate::compose::RoutedReceipt, Error> {
        self.route(route)?.send_to_customer(customer, content).await
    }

    /// Adds a rule after the configured ones (`[[rules]]`).
    pub fn add_rule(&mut self, rule: crate::compose::Rule) -> Result<(), Error> {
        self.route(&rule.route)?;
        self.rules.push(rule);
        Ok(())
    }

    /// Sends `message` along the route of the first rule it matches (with
    /// the caller's `tag`, e.g. a tenant or a tier).
    pub async fn send_by_rules(
        &self,
        message: &Message,
        tag: Option<&str>,
    ) -> Result<crate::compose::RoutedReceipt, Error> {
        let route = crate::compose::Rule::pick(&self.rules, message, tag).ok_or_else(|| {
            Error::config(format!(
                "no rule matches a message to a {} recipient{}",
                message.to.kind,
                tag.map(|t| format!(" tagged `{t}`")).unwrap_or_default()
            ))
        })?;
        self.send_routed(route, message).await
    }

    /// Sends `message` over each of the named channels at once; one result
    /// per channel, in order.
    pub async fn broadcast(
        &self,
        channels: &[&str],
        message: &Message,
    ) -> Result<Vec<(String, Result<Receipt, Error>)>, Error> {
        let channels = channels
            .iter()
            .map(|name| self.channel(name).cloned())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(crate::compose::broadcast(&channels, message).await)
    }
}

/// The `[routes.NAME]` tables: channels tried in turn, and the failover
/// policy.
///
/// ```toml
/// [routes.support]
/// channels = ["support_wa", "shop", "bot"]
/// on_closed_window = "template"     # or "next" (default), "stop"
/// on_unsupported = "degrade"        # (default) or "next", "stop"
/// after_ambiguous = "stop"          # (default) or "next"
///
/// [routes.support.closed_window_template]   # with on_closed_window = "template"
/// channel = "whatsapp"
/// kind = "template"
/// payload = { name = "missed_you", language = { code = "en_US" } }
/// ```
#[cfg(feature = "delivery")]
mod routes {
    use serde::Deserialize;

    use super::Switchboard;
    use crate::compose::{FailoverPolicy, OnClosedWindow, OnUnsupported, Route};
    use crate::error::Error;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct RouteSettings {
        channels: Vec<String>,
        #[serde(default)]
        on_closed_window: Option<String>,
        #[serde(default)]
        closed_window_template: Option<Template>,
        #[serde(default)]
        on_unsupported: Option<String>,
        #[serde(default)]
        after_ambiguous: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Template {
        channel: String,
        kind: String,
        payload: toml::Value,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RuleSettings {
        route: String,
        #[serde(default)]
        phone_prefix: Option<String>,
        #[serde(default)]
        recipient_kind: Option<crate::RecipientKind>,
        #[serde(default)]
        tag: Option<String>,
    }

    /// The `[[rules]]` tables: each names one condition (or none: every
    /// message) and the route it leads to.
    pub(super) fn rules(text: &str) -> Result<Vec<crate::compose::Rule>, Error> {
        use crate::compose::Rule;
        let root: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            Error::config(format!("invalid configuration: {}", e.message()))
        })?;
        let Some(rules) = root.get("rules") else {
            return Ok(Vec::new());
        };
        let rules: Vec<RuleSettings> = rules
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| Error::config(format!("`rules`: {}", e.message())))?;
        rules
            .into_iter()
            .enumerate()
            .map(|(i, r)| match (r.phone_prefix, r.recipient_kind, r.tag) {
                (Some(p), None, None) => Ok(Rule::phone_prefix(p, r.route)),
                (None, Some(k), None) => Ok(Rule::recipient_kind(k, r.route)),
                (None, None, Some(t)) => Ok(Rule::tag(t, r.route)),
                (None, None, None) => Ok(Rule::always(r.route)),
                _ => Err(Error::config(format!(
                    "`rules[{i}]` has more than one of phone_prefix, recipient_kind, tag; write one rule each"
                ))),
            })
            .collect()
    }

    pub(super) fn parse(text: &str) -> Result<Vec<(String, RouteSettings)>, Error> {
        let root: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            Error::config(format!("invalid configuration: {}", e.message()))
        })?;
        let Some(routes) = root.get("routes") else {
            return Ok(Vec::new());
        };
        let routes = routes
            .as_table()
            .ok_or_else(|| Error::config("`routes` must be a table of route tables"))?;
        routes
            .iter()
            .map(|(name, value)| {
                let settings: RouteSettings =
                    value.clone().try_into().map_err(|e: toml::de::Error| {
                        Error::config(format!("`routes.{name}`: {}", e.message()))
                    })?;
                Ok((name.clone(), settings))
            })
            .collect()
    }

    fn choice<T>(
        name: &str,
        key: &str,
        value: Option<&str>,
        options: &[(&str, T)],
    ) -> Result<Option<T>, Error>
    where
        T: Clone,
    {
        let Some(value) = value else { return Ok(None) };
        options
            .iter()
            .find(|(k, _)| *k == value)
            .map(|(_, v)| Some(v.clone()))
            .ok_or_else(|| {
                let names: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
                Error::config(format!(
                    "`routes.{name}.{key}` must be one of {}, got `{value}`",
                    names.join(", ")
                ))
            })
    }

    pub(super) fn build(board: &Switchboard, name: &str, s: RouteSettings) -> Result<Route, Error> {
        if s.channels.is_empty() {
            return Err(Error::config(format!(
                "`routes.{name}.channels` names no channel"
            )));
        }
        let channels = s
            .channels
            .iter()
            .map(|c| board.channel(c).cloned())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::config(format!("`routes.{name}`: {}", e.message())))?;
        let mut policy = FailoverPolicy::default();
        let template = s.closed_window_template.map(|t| {
            let json = serde_json::json!({"kind": t.kind, "payload": t.payload});
            OnClosedWindow::template(t.channel, json)
        });
        let closed = choice(
            name,
            "on_closed_window",
            s.on_closed_window.as_deref(),
            &[
                ("next", Some(OnClosedWindow::NextChannel)),
                ("stop", Some(OnClosedWindow::Stop)),
                ("template", None),
            ],
        )?;
        match (closed, template) {
            (Some(Some(action)), None) | (None, Some(action)) => policy.closed_window = action,
            (Some(None), Some(action)) => policy.closed_window = action,
            (None, None) => {}
            (Some(None), None) => {
                return Err(Error::config(format!(
                    "`routes.{name}.on_closed_window = \"template\"` needs a `closed_window_template` table"
                )))
            }
            (Some(Some(_)), Some(_)) => {
                return Err(Error::config(format!(
                    "`routes.{name}.closed_window_template` is only used with on_closed_window = \"template\""
                )))
            }
        }
        if let Some(u) = choice(
            name,
            "on_unsupported",
            s.on_unsupported.as_deref(),
            &[
                ("degrade", OnUnsupported::Degrade),
                ("next", OnUnsupported::NextChannel),
                ("stop", OnUnsupported::Stop),
            ],
        )? {
            policy.unsupported = u;
        }
        if let Some(a) = choice(
            name,
            "after_ambiguous",
            s.after_ambiguous.as_deref(),
            &[("stop", false), ("next", true)],
        )? {
            policy.after_ambiguous = a;
        }
        Ok(Route::new(name, channels)
            .policy(policy)
            .directory(board.customers.clone())
            .windows(board.tracker.clone()))
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
        if !matches!(key.as_str(), "channels" | "routes" | "rules") {
            return Err(Error::config(format!(
                "unknown top-level configuration key `{key}`; expected `channels`, `routes` or `rules`"
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
