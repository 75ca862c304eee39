//! Channel plugins registered with `inventory`, and the configuration they are built from.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::channel::Channel;
use crate::error::Error;
use crate::secret::Secret;
use crate::webhook::{ParseFn, WebhookAuth, WindowRule};

/// How a channel plugin builds a channel from its configuration.
pub type BuildFn = fn(&ChannelConfig) -> Result<Arc<dyn Channel>, Error>;

/// A channel type that builds itself from its `[channels.NAME]` settings;
/// [`build_channel::<T>`](build_channel) is then its plugin's [`BuildFn`].
pub trait FromChannelConfig: Channel + Sized {
    /// Builds the channel `config.name()` from its settings.
    fn from_channel_config(config: &ChannelConfig) -> Result<Self, Error>;
}

/// The [`BuildFn`] of a [`FromChannelConfig`] channel type.
pub fn build_channel<T: FromChannelConfig>(
    config: &ChannelConfig,
) -> Result<Arc<dyn Channel>, Error> {
    Ok(Arc::new(T::from_channel_config(config)?))
}

/// One setting a channel plugin accepts under `[channels.NAME]` (or as a
/// keyword when a channel is opened by name).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigKey {
    /// The key.
    pub name: &'static str,
    /// Whether the channel cannot be built without it.
    pub required: bool,
    /// Whether it is a secret (given as `env:VAR`, never printed).
    pub secret: bool,
    /// What it is, in a few words.
    pub description: &'static str,
}

impl ConfigKey {
    /// A required setting.
    pub const fn required(name: &'static str, description: &'static str) -> Self {
        ConfigKey {
            name,
            required: true,
            secret: false,
            description,
        }
    }

    /// An optional setting.
    pub const fn optional(name: &'static str, description: &'static str) -> Self {
        ConfigKey {
            name,
            required: false,
            secret: false,
            description,
        }
    }

    /// Marks the setting as a secret.
    #[must_use]
    pub const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }
}

/// The secrets a platform's webhook authentication is built from, by name
/// (e.g. `app_secret` and `verify_token` for Meta's platforms).
#[derive(Clone, Default)]
pub struct WebhookSecrets {
    platform: String,
    secrets: BTreeMap<String, Secret>,
}

impl WebhookSecrets {
    /// No secrets yet for `platform`.
    pub fn new(platform: impl Into<String>) -> Self {
        WebhookSecrets {
            platform: platform.into(),
            secrets: BTreeMap::new(),
        }
    }

    /// Adds the secret `name`.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, secret: Secret) -> Self {
        self.secrets.insert(name.into(), secret);
        self
    }

    /// The secret `name`, or a configuration error naming it.
    pub fn get(&self, name: &str) -> Result<&Secret, Error> {
        self.secrets.get(name).ok_or_else(|| {
            Error::config(format!(
                "the {} webhook needs the setting `{name}`",
                self.platform
            ))
        })
    }

    /// The secret `name`, if given.
    pub fn optional(&self, name: &str) -> Option<&Secret> {
        self.secrets.get(name)
    }

    /// The names given.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.secrets.keys().map(String::as_str)
    }
}

impl fmt::Debug for WebhookSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSecrets")
            .field("platform", &self.platform)
            .field("names", &self.secrets.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Builds a platform's webhook authentication from its secrets.
pub type WebhookAuthFn = fn(&WebhookSecrets) -> Result<Arc<dyn WebhookAuth>, Error>;

/// How a platform's webhooks are received: the secrets its authentication
/// takes, how the authentication is built from them, and the parser into
/// neutral events.
#[non_exhaustive]
#[derive(Clone, Copy)]
pub struct WebhookSupport {
    /// The secrets the authentication takes.
    pub keys: &'static [ConfigKey],
    /// Builds the authentication.
    pub auth: WebhookAuthFn,
    /// Parses a delivery's body.
    pub parse: ParseFn,
}

impl WebhookSupport {
    /// Webhooks authenticated by `auth` from the secrets `keys`, parsed by `parse`.
    pub const fn new(keys: &'static [ConfigKey], auth: WebhookAuthFn, parse: ParseFn) -> Self {
        WebhookSupport { keys, auth, parse }
    }
}

/// A message of the behaviour suite, named for its report line.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct Sample {
    /// What the message shows (e.g. `template`).
    pub name: &'static str,
    /// The message.
    pub message: crate::message::Message,
}

impl Sample {
    /// The sample `name`.
    pub fn new(name: &'static str, message: crate::message::Message) -> Self {
        Sample { name, message }
    }
}

/// The platform's own sample messages to `to`, for the behaviour suite.
pub type SamplesFn = fn(crate::message::recipient::Recipient) -> Vec<Sample>;

/// Everything the framework needs from one platform, registered once with
/// [`register_channel!`](crate::register_channel): how to build a channel
/// (and the settings it accepts), and optionally its webhooks, its
/// customer-service window rule and sample messages for the behaviour suite.
///
/// ```
/// use std::sync::Arc;
/// use switchboard::plugin::{ChannelConfig, ChannelPlugin, ConfigKey};
/// use switchboard::{Channel, Error};
///
/// fn build(config: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
///     Err(Error::config(format!("{} is only an example", config.name())))
/// }
/// const KEYS: &[ConfigKey] = &[
///     ConfigKey::required("api_key", "the gateway's API key").secret(),
///     ConfigKey::optional("base_url", "the gateway's host"),
/// ];
/// let plugin = ChannelPlugin::new("sms-gateway", "an SMS gateway", build).with_config_keys(KEYS);
/// assert_eq!(plugin.config_keys()[0].name, "api_key");
/// ```
pub struct ChannelPlugin {
    name: &'static str,
    description: &'static str,
    build: BuildFn,
    config_keys: &'static [ConfigKey],
    webhooks: Option<WebhookSupport>,
    window: Option<&'static dyn WindowRule>,
    samples: Option<SamplesFn>,
}

impl ChannelPlugin {
    /// A plugin called `name` (the `type` used in configuration).
    pub const fn new(name: &'static str, description: &'static str, build: BuildFn) -> Self {
        ChannelPlugin {
            name,
            description,
            build,
            config_keys: &[],
            webhooks: None,
            window: None,
            samples: None,
        }
    }

    /// The settings the plugin accepts; any other is refused, naming these.
    #[must_use]
    pub const fn with_config_keys(mut self, keys: &'static [ConfigKey]) -> Self {
        self.config_keys = keys;
        self
    }

    /// How the platform's webhooks are authenticated and parsed.
    #[must_use]
    pub const fn with_webhooks(mut self, webhooks: WebhookSupport) -> Self {
        self.webhooks = Some(webhooks);
        self
    }

    /// The platform's customer-service window rule; channels built from
    /// configuration then refuse what the window does not allow.
    #[must_use]
    pub const fn with_window_rule(mut self, rule: &'static dyn WindowRule) -> Self {
        self.window = Some(rule);
        self
    }

    /// Sample messages for the behaviour suite.
    #[must_use]
    pub const fn with_samples(mut self, samples: SamplesFn) -> Self {
        self.samples = Some(samples);
        self
    }

    /// The plugin's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// A one-line description.
    pub fn description(&self) -> &'static str {
        self.description
    }

    /// The settings the plugin accepts (empty when it does not say).
    pub fn config_keys(&self) -> &'static [ConfigKey] {
        self.config_keys
    }

    /// How the platform's webhooks are received, when it has them.
    pub fn webhooks(&self) -> Option<&WebhookSupport> {
        self.webhooks.as_ref()
    }

    /// The platform's customer-service window rule, when it has one.
    pub fn window_rule(&self) -> Option<&'static dyn WindowRule> {
        self.window
    }

    /// The platform's sample messages to `to`.
    pub fn samples(&self, to: crate::message::recipient::Recipient) -> Vec<Sample> {
        self.samples.map(|f| f(to)).unwrap_or_default()
    }

    /// Builds a channel from `config`; settings the plugin does not declare
    /// are refused, naming the ones it accepts.
    pub fn build(&self, config: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
        self.check_keys(config)?;
        (self.build)(config)
    }

    fn check_keys(&self, config: &ChannelConfig) -> Result<(), Error> {
        if self.config_keys.is_empty() {
            return Ok(());
        }
        for key in config.settings().keys() {
            if !self.config_keys.iter().any(|k| k.name == key) {
                return Err(Error::config(format!(
                    "unknown setting `{key}` for channel `{}` (type `{}`); accepted: {}",
                    config.name(),
                    self.name,
                    self.config_keys
                        .iter()
                        .map(|k| k.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .with_channel(config.name()));
            }
        }
        for key in self.config_keys.iter().filter(|k| k.required) {
            if !config.settings().contains_key(key.name) {
                return Err(Error::config(format!(
                    "channel `{}` (type `{}`) needs the setting `{}` ({})",
                    config.name(),
                    self.name,
                    key.name,
                    key.description
                ))
                .with_channel(config.name()));
            }
        }
        Ok(())
    }
}

impl fmt::Debug for ChannelPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChannelPlugin")
            .field("name", &self.name)
            .field("description", &self.description)
            .field("config_keys", &self.config_keys)
            .field("webhooks", &self.webhooks.is_some())
            .field("window", &self.window.is_some())
            .finish()
    }
}

inventory::collect!(ChannelPlugin);

/// Registers a [`ChannelPlugin`] so that [`Registry`] and
/// [`Switchboard::from_config`](crate::Switchboard::from_config) find it by name.
///
/// ```
/// use std::sync::Arc;
/// use switchboard::plugin::{ChannelConfig, ChannelPlugin};
/// use switchboard::{register_channel, Channel, Error};
///
/// fn build(config: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
///     Err(Error::config(format!("{} is only an example", config.name())))
/// }
/// register_channel!(ChannelPlugin::new("doc-example", "an example plugin", build));
///
/// let registry = switchboard::Registry::discover().unwrap();
/// assert!(registry.names().contains(&"doc-example"));
/// ```
///
/// Linking caveat: a crate nobody references is not linked, so its
/// registration never runs. Binaries must reference every channel crate they
/// ship (e.g. `use switchboard_whatsapp as _;`).
#[macro_export]
macro_rules! register_channel {
    ($plugin:expr) => {
        $crate::__private::inventory::submit! { $plugin }
    };
}

/// Every channel plugin linked into this program, by name.
#[derive(Debug)]
pub struct Registry {
    plugins: BTreeMap<&'static str, &'static ChannelPlugin>,
}

impl Registry {
    /// Collects the registered plugins; two plugins with the same name are an error.
    pub fn discover() -> Result<Self, Error> {
        Self::from_plugins(inventory::iter::<ChannelPlugin>)
    }

    /// Builds a registry from an explicit list of plugins (duplicates are an error).
    pub fn from_plugins(
        plugins: impl IntoIterator<Item = &'static ChannelPlugin>,
    ) -> Result<Self, Error> {
        let mut map = BTreeMap::new();
        for p in plugins {
            if map.insert(p.name, p).is_some() {
                return Err(Error::config(format!(
                    "two channel plugins are registered under the name `{}`; plugin names must be unique",
                    p.name
                )));
            }
        }
        Ok(Registry { plugins: map })
    }

    /// The names of the registered plugins, sorted.
    pub fn names(&self) -> Vec<&'static str> {
        self.plugins.keys().copied().collect()
    }

    /// The registered plugins, sorted by name.
    pub fn plugins(&self) -> impl Iterator<Item = &'static ChannelPlugin> + '_ {
        self.plugins.values().copied()
    }

    /// The plugin called `name`; an unknown name is an error listing the available ones.
    pub fn get(&self, name: &str) -> Result<&'static ChannelPlugin, Error> {
        self.plugins.get(name).copied().ok_or_else(|| {
            Error::config(format!(
                "no channel plugin named `{name}`; available: {}",
                if self.plugins.is_empty() {
                    "none (is the channel crate linked?)".to_string()
                } else {
                    self.names().join(", ")
                }
            ))
        })
    }

    /// How `platform`'s webhooks are received, or an error saying it has none.
    pub fn webhooks(&self, platform: &str) -> Result<&'static WebhookSupport, Error> {
        let plugin = self.get(platform)?;
        plugin.webhooks.as_ref().ok_or_else(|| {
            Error::config(format!(
                "the {platform} channel plugin receives no webhooks"
            ))
        })
    }

    /// Builds a channel from `config` with the plugin its `type` names.
    pub fn build(&self, config: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
        self.get(config.channel_type())?
            .build(config)
            .map_err(|e| e.with_channel(config.name()))
    }
}

/// The configuration of one channel instance: its name, its plugin type and
/// the plugin's own settings.
#[derive(Clone)]
pub struct ChannelConfig {
    name: String,
    channel_type: String,
    settings: toml::Table,
    delivery: Option<toml::Table>,
}

impl ChannelConfig {
    /// A configuration for instance `name` of plugin `channel_type`.
    pub fn new(
        name: impl Into<String>,
        channel_type: impl Into<String>,
        settings: toml::Table,
    ) -> Self {
        ChannelConfig {
            name: name.into(),
            channel_type: channel_type.into(),
            settings,
            delivery: None,
        }
    }

    /// Sets the delivery settings (the `[channels.NAME.delivery]` table).
    #[must_use]
    pub fn with_delivery(mut self, delivery: Option<toml::Table>) -> Self {
        self.delivery = delivery;
        self
    }

    /// The delivery settings, if any.
    pub fn delivery(&self) -> Option<&toml::Table> {
        self.delivery.as_ref()
    }

    /// The instance name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The plugin name.
    pub fn channel_type(&self) -> &str {
        &self.channel_type
    }

    /// The plugin's settings.
    pub fn settings(&self) -> &toml::Table {
        &self.settings
    }

    /// Sets one setting (for building configurations in code).
    #[must_use]
    pub fn set(mut self, key: &str, value: impl Into<toml::Value>) -> Self {
        self.settings.insert(key.to_string(), value.into());
        self
    }

    /// Decodes the settings into the plugin's own configuration type.
    ///
    /// Fields of type [`Secret`](crate::Secret) resolve `env:VAR` references.
    /// Errors name the channel and the setting, never a secret's value.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, Error> {
        toml::Value::Table(self.settings.clone())
            .try_into()
            .map_err(|e: toml::de::Error| {
                Error::config(format!(
                    "invalid settings for channel `{}` (type `{}`): {}",
                    self.name,
                    self.channel_type,
                    e.message()
                ))
                .with_channel(self.name.clone())
            })
    }
}

impl fmt::Debug for ChannelConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Settings may hold literal secrets: show only their keys.
        f.debug_struct("ChannelConfig")
            .field("name", &self.name)
            .field("channel_type", &self.channel_type)
            .field("settings", &self.settings.keys().collect::<Vec<_>>())
            .finish()
    }
}
