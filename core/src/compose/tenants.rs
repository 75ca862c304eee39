//! Many accounts: each tenant's channels built from its own configuration
//! the first time it sends, then kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::channel::Receipt;
use crate::error::Error;
use crate::message::Message;
use crate::switchboard::Switchboard;

/// Where a tenant's configuration comes from: the TOML text a
/// [`Switchboard`] reads, or `None` for an unknown tenant. A database of
/// accounts implements it (or a closure).
pub trait TenantConfigs: Send + Sync {
    /// The configuration of `tenant`.
    fn config(&self, tenant: &str) -> Result<Option<String>, Error>;
}

impl<F> TenantConfigs for F
where
    F: Fn(&str) -> Result<Option<String>, Error> + Send + Sync,
{
    fn config(&self, tenant: &str) -> Result<Option<String>, Error> {
        self(tenant)
    }
}

/// The channel sets of many tenants (brands, countries, customers of a
/// platform), built lazily: thousands of accounts need no thousands of
/// tables in one file, and only the tenants that send are built.
///
/// ```
/// use switchboard::compose::Tenants;
/// let tenants = Tenants::new(|tenant: &str| {
///     Ok(Some(format!("[channels.support]\ntype = \"no-such-plugin-{tenant}\"\n")))
/// });
/// assert!(tenants.get("acme").is_err()); // built on first use, errors named
/// assert_eq!(tenants.built(), 0);
/// ```
pub struct Tenants {
    configs: Box<dyn TenantConfigs>,
    built: Mutex<HashMap<String, Arc<Switchboard>>>,
}

impl std::fmt::Debug for Tenants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tenants")
            .field("built", &self.built())
            .finish_non_exhaustive()
    }
}

impl Tenants {
    /// Tenants configured by `configs`.
    pub fn new(configs: impl TenantConfigs + 'static) -> Self {
        Tenants {
            configs: Box::new(configs),
            built: Mutex::default(),
        }
    }

    /// The channels of `tenant`, built on first use.
    pub fn get(&self, tenant: &str) -> Result<Arc<Switchboard>, Error> {
        let mut built = self.built.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(board) = built.get(tenant) {
            return Ok(board.clone());
        }
        let text = self
            .configs
            .config(tenant)?
            .ok_or_else(|| Error::config(format!("no tenant `{tenant}` is configured")))?;
        let board = Arc::new(Switchboard::from_toml_str(&text).map_err(|e| {
            Error::config(format!("tenant `{tenant}`: {}", e.message()))
                .with_channel(e.channel().unwrap_or(tenant))
        })?);
        built.insert(tenant.to_string(), board.clone());
        Ok(board)
    }

    /// Sends `message` through `tenant`'s channel `channel`.
    pub async fn send(
        &self,
        tenant: &str,
        channel: &str,
        message: &Message,
    ) -> Result<Receipt, Error> {
        self.get(tenant)?.send(channel, message).await
    }

    /// Drops `tenant`'s channels: the next send builds them from its
    /// current configuration.
    pub fn forget(&self, tenant: &str) {
        self.built
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(tenant);
    }

    /// How many tenants are built.
    pub fn built(&self) -> usize {
        self.built.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}
