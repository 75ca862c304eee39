//! Channel plugins registered with `inventory`, and the configuration they are built from.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::channel::Channel;
use crate::error::Error;

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

/// A channel implementation that can be built by name from configuration.
///
/// Channel crates register one with [`register_channel!`](crate::register_channel).
pub struct ChannelPlugin {
    name: &'static str,
    description: &'static str,
    build: BuildFn,
}

impl ChannelPlugin {
    /// A plugin called `name` (the `type` used in configuration).
    pub const fn new(name: &'static str, description: &'static str, build: BuildFn) -> Self {
        ChannelPlugin {
            name,
            description,
            build,
        }
    }

    /// The plugin's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// A one-line description.
    pub fn description(&self) -> &'static str {
        self.description
    }

    /// Builds a channel from `config`.
    pub fn build(&self, config: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
        (self.build)(config)
    }
}

impl fmt::Debug for ChannelPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChannelPlugin")
            .field("name", &self.name)
            .field("description", &self.description)
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
