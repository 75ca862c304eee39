//! Customers known on several channels: a directory of their addresses,
//! fed by code and by inbound webhooks.

use std::collections::HashMap;
use std::sync::RwLock;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::message::recipient::Recipient;
use crate::webhook::Event;

/// One way to reach a customer: a platform and who they are there.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// The platform (`whatsapp`, `messenger`, `telegram`, …).
    pub platform: String,
    /// The customer on that platform.
    pub recipient: Recipient,
}

/// A customer and every address they are known by.
///
/// ```
/// use switchboard::compose::Customer;
/// use switchboard::Recipient;
/// let ann = Customer::new("ann")
///     .address("whatsapp", Recipient::phone_number("+16505551234"))
///     .address("messenger", Recipient::user_id("6123456789012345"));
/// assert_eq!(ann.address_on("messenger").unwrap().id, "6123456789012345");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// Your id for the customer.
    pub id: String,
    /// Where the customer can be reached, in the order they were added.
    pub addresses: Vec<Address>,
}

impl Customer {
    /// A customer with no address yet.
    pub fn new(id: impl Into<String>) -> Self {
        Customer {
            id: id.into(),
            addresses: Vec::new(),
        }
    }

    /// Adds (or replaces) the customer's address on `platform`.
    #[must_use]
    pub fn address(mut self, platform: impl Into<String>, recipient: Recipient) -> Self {
        let platform = platform.into();
        self.addresses.retain(|a| a.platform != platform);
        self.addresses.push(Address {
            platform,
            recipient,
        });
        self
    }

    /// The customer's address on `platform`.
    pub fn address_on(&self, platform: &str) -> Option<&Recipient> {
        self.addresses
            .iter()
            .find(|a| a.platform == platform)
            .map(|a| &a.recipient)
    }
}

/// Where customers' addresses are kept. [`MemoryDirectory`] keeps them in
/// memory; a durable store implements the same trait.
pub trait Directory: Send + Sync {
    /// The customer `id`, when known.
    fn customer(&self, id: &str) -> Result<Option<Customer>, Error>;

    /// Adds (or replaces) `id`'s address on `platform`, creating the
    /// customer when new.
    fn link(&self, id: &str, platform: &str, recipient: Recipient) -> Result<(), Error>;

    /// The customer known at `user` on `platform`.
    fn find(&self, platform: &str, user: &str) -> Result<Option<String>, Error>;

    /// Learns from an inbound event: a sender the directory does not know
    /// becomes the customer `{platform}:{sender}`, reachable where they
    /// wrote from. Link their other addresses to that id (or link this one
    /// to your own id first) to reach them across channels.
    fn observe(&self, event: &Event) -> Result<(), Error> {
        let Some(user) = event.opens_window_for() else {
            return Ok(());
        };
        if self.find(&event.platform, user)?.is_some() {
            return Ok(());
        }
        let id = format!("{}:{user}", event.platform);
        self.link(&id, &event.platform, Recipient::user_id(user))
    }
}

/// Customers in memory.
#[derive(Debug, Default)]
pub struct MemoryDirectory {
    inner: RwLock<Customers>,
}

#[derive(Debug, Default)]
struct Customers {
    by_id: HashMap<String, Customer>,
    by_address: HashMap<(String, String), String>,
}

impl MemoryDirectory {
    /// An empty directory.
    pub fn new() -> Self {
        MemoryDirectory::default()
    }
}

impl Directory for MemoryDirectory {
    fn customer(&self, id: &str) -> Result<Option<Customer>, Error> {
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        Ok(inner.by_id.get(id).cloned())
    }

    fn link(&self, id: &str, platform: &str, recipient: Recipient) -> Result<(), Error> {
        let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
        let key = (platform.to_string(), recipient.id.clone());
        if let Some(previous) = inner.by_address.insert(key, id.to_string()) {
            if previous != id {
                if let Some(c) = inner.by_id.get_mut(&previous) {
                    c.addresses.retain(|a| a.platform != platform);
                }
            }
        }
        let customer = inner
            .by_id
            .remove(id)
            .unwrap_or_else(|| Customer::new(id))
            .address(platform, recipient);
        inner.by_id.insert(id.to_string(), customer);
        Ok(())
    }

    fn find(&self, platform: &str, user: &str) -> Result<Option<String>, Error> {
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        Ok(inner
            .by_address
            .get(&(platform.to_string(), user.to_string()))
            .cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::{EventKind, InboundContent, InboundMessage};

    #[test]
    fn links_find_and_move_addresses() {
        let d = MemoryDirectory::new();
        d.link("ann", "whatsapp", Recipient::phone_number("+1650"))
            .unwrap();
        d.link("ann", "messenger", Recipient::user_id("61"))
            .unwrap();
        assert_eq!(d.find("messenger", "61").unwrap().as_deref(), Some("ann"));
        assert_eq!(d.customer("ann").unwrap().unwrap().addresses.len(), 2);
        // The PSID turns out to be Bob's: it moves.
        d.link("bob", "messenger", Recipient::user_id("61"))
            .unwrap();
        assert_eq!(d.find("messenger", "61").unwrap().as_deref(), Some("bob"));
        assert!(d
            .customer("ann")
            .unwrap()
            .unwrap()
            .address_on("messenger")
            .is_none());
    }

    #[test]
    fn an_unknown_sender_becomes_a_customer() {
        let d = MemoryDirectory::new();
        let text = InboundContent::Text { body: "hi".into() };
        let event = Event::new(
            "telegram",
            "",
            "e1",
            EventKind::Message(InboundMessage::new("1", "555", text)),
        );
        d.observe(&event).unwrap();
        let c = d.customer("telegram:555").unwrap().unwrap();
        assert_eq!(c.address_on("telegram").unwrap().id, "555");
        d.link("ann", "telegram", Recipient::user_id("555"))
            .unwrap();
        d.observe(&event).unwrap();
        assert_eq!(d.find("telegram", "555").unwrap().as_deref(), Some("ann"));
    }
}
