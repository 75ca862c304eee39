//! The settings every Graph channel has.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use switchboard::plugin::ChannelConfig;
use switchboard::{Error, Secret};

/// The Graph API version used unless configured otherwise: the current one,
/// v26.0, introduced 29 July 2026 (Graph API changelog,
/// <https://developers.facebook.com/docs/graph-api/changelog/versions/>).
/// (Meta's OpenAPI spec that the channel crates were checked against was
/// written for v23.0.)
pub const DEFAULT_API_VERSION: &str = "v26.0";

/// The Graph API host.
pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com";

/// The settings every Graph channel has: the access token, the API host and
/// version, and the time allowed for one request.
///
/// ```
/// use std::time::Duration;
/// use switchboard::Secret;
/// use switchboard_graph::GraphConfig;
///
/// let graph = GraphConfig::new(Secret::new("EAAG-token"))
///     .base_url("http://127.0.0.1:8080/messenger")
///     .timeout(Duration::from_millis(1500));
/// assert!(!format!("{graph:?}").contains("EAAG"));
/// assert_eq!(graph.timeout, Some(Duration::from_millis(1500)));
/// ```
#[non_exhaustive]
#[derive(Clone)]
pub struct GraphConfig {
    /// The access token (a system-user, page or login token).
    pub access_token: Secret,
    /// The API host.
    pub base_url: String,
    /// The Graph API version.
    pub api_version: String,
    /// Time allowed for one request, connection included (30 s when unset).
    pub timeout: Option<Duration>,
}

/// The TOML keys of [`GraphConfig`].
pub(crate) const KEYS: [&str; 4] = ["access_token", "base_url", "api_version", "timeout_secs"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    access_token: Secret,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    api_version: Option<String>,
    #[serde(default)]
    timeout_secs: Option<f64>,
}

impl GraphConfig {
    /// `access_token` with the default host and version.
    pub fn new(access_token: Secret) -> Self {
        GraphConfig {
            access_token,
            base_url: DEFAULT_BASE_URL.to_string(),
            api_version: DEFAULT_API_VERSION.to_string(),
            timeout: None,
        }
    }

    /// Sends to another host (the emulator, a proxy).
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Uses another Graph API version.
    #[must_use]
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Sets the time allowed for one request.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Reads a channel's settings: the Graph keys (`access_token`,
    /// `base_url`, `api_version`, `timeout_secs`) become a `GraphConfig`, the
    /// rest decodes into the channel's own `T` (which refuses unknown keys).
    /// Errors name the channel and the setting, never a secret.
    pub fn with_channel_settings<T: serde::de::DeserializeOwned>(
        config: &ChannelConfig,
    ) -> Result<(GraphConfig, T), Error> {
        let (graph, rest) = Self::from_settings(config)?;
        let own = ChannelConfig::new(config.name(), config.channel_type(), rest).deserialize()?;
        Ok((graph, own))
    }

    /// Splits a channel's settings: the Graph keys become a `GraphConfig`,
    /// the rest is returned as it is.
    pub fn from_settings(config: &ChannelConfig) -> Result<(GraphConfig, toml::Table), Error> {
        let mut graph = toml::Table::new();
        let mut rest = toml::Table::new();
        for (k, v) in config.settings() {
            if KEYS.contains(&k.as_str()) {
                graph.insert(k.clone(), v.clone());
            } else {
                rest.insert(k.clone(), v.clone());
            }
        }
        let settings: Settings =
            ChannelConfig::new(config.name(), config.channel_type(), graph).deserialize()?;
        let timeout = switchboard::plugin::timeout_setting(config.name(), settings.timeout_secs)?;
        let mut graph = GraphConfig::new(settings.access_token);
        if let Some(b) = settings.base_url {
            graph.base_url = b;
        }
        if let Some(v) = settings.api_version {
            graph.api_version = v;
        }
        graph.timeout = timeout;
        Ok((graph, rest))
    }
}

impl fmt::Debug for GraphConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphConfig")
            .field("access_token", &self.access_token)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Adds `base_url`, `api_version` and `timeout` builders to a channel's
/// configuration type that keeps its [`GraphConfig`] in a `graph` field.
#[macro_export]
macro_rules! graph_config_builders {
    ($config:ty) => {
        impl $config {
            /// Sends to another host (the emulator, a proxy).
            #[must_use]
            pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
                self.graph = self.graph.base_url(base_url);
                self
            }

            /// Uses another Graph API version.
            #[must_use]
            pub fn api_version(mut self, version: impl Into<String>) -> Self {
                self.graph = self.graph.api_version(version);
                self
            }

            /// Sets the time allowed for one request.
            #[must_use]
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.graph = self.graph.timeout(timeout);
                self
            }
        }
    };
}
