//! Contact cards ([`Contacts`](super::content::Contacts) content).
//!
//! ```
//! use switchboard::contact::{Contact, ContactName, ContactPhone};
//! let card = Contact::new(ContactName::new("Ada Lovelace").first_name("Ada").last_name("Lovelace"))
//!     .phone(ContactPhone::new("+16505551234").label("WORK"));
//! assert_eq!(card.phones.len(), 1);
//! ```

use serde::{Deserialize, Serialize};

macro_rules! optional_setters {
    ($($field:ident: $doc:literal),* $(,)?) => {
        $(
            #[doc = $doc]
            #[must_use]
            pub fn $field(mut self, value: impl Into<String>) -> Self {
                self.$field = Some(value.into());
                self
            }
        )*
    };
}

/// A contact card.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The person's name.
    pub name: ContactName,
    /// Phone numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<ContactPhone>,
    /// E-mail addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<ContactEmail>,
    /// Web addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<ContactUrl>,
    /// Postal addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<ContactAddress>,
    /// Organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<ContactOrg>,
    /// Birthday, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
}

impl Contact {
    /// A card for `name`.
    pub fn new(name: ContactName) -> Self {
        Contact {
            name,
            ..Contact::default()
        }
    }

    /// Adds a phone number.
    #[must_use]
    pub fn phone(mut self, phone: ContactPhone) -> Self {
        self.phones.push(phone);
        self
    }

    /// Adds an e-mail address.
    #[must_use]
    pub fn email(mut self, email: ContactEmail) -> Self {
        self.emails.push(email);
        self
    }

    /// Adds a web address.
    #[must_use]
    pub fn url(mut self, url: ContactUrl) -> Self {
        self.urls.push(url);
        self
    }

    /// Adds a postal address.
    #[must_use]
    pub fn address(mut self, address: ContactAddress) -> Self {
        self.addresses.push(address);
        self
    }

    /// Sets the organisation.
    #[must_use]
    pub fn org(mut self, org: ContactOrg) -> Self {
        self.org = Some(org);
        self
    }

    optional_setters!(birthday: "Sets the birthday, `YYYY-MM-DD`.");
}

/// A contact's name.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactName {
    /// The full name as displayed.
    pub formatted_name: String,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Name prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Name suffix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

impl ContactName {
    /// A name displayed as `formatted_name`.
    pub fn new(formatted_name: impl Into<String>) -> Self {
        ContactName {
            formatted_name: formatted_name.into(),
            ..ContactName::default()
        }
    }

    optional_setters!(
        first_name: "Sets the first name.",
        last_name: "Sets the last name.",
        middle_name: "Sets the middle name.",
        prefix: "Sets the name prefix.",
        suffix: "Sets the name suffix.",
    );
}

/// A contact's phone number.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPhone {
    /// The number.
    pub phone: String,
    /// `HOME`, `WORK`, `CELL`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The number's WhatsApp id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wa_id: Option<String>,
}

impl ContactPhone {
    /// The number `phone`.
    pub fn new(phone: impl Into<String>) -> Self {
        ContactPhone {
            phone: phone.into(),
            ..ContactPhone::default()
        }
    }

    optional_setters!(
        label: "Labels the number (`HOME`, `WORK`, `CELL`, …).",
        wa_id: "Gives the number's WhatsApp id.",
    );
}

/// A contact's e-mail address.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactEmail {
    /// The address.
    pub email: String,
    /// `HOME`, `WORK`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl ContactEmail {
    /// The address `email`.
    pub fn new(email: impl Into<String>) -> Self {
        ContactEmail {
            email: email.into(),
            label: None,
        }
    }

    optional_setters!(label: "Labels the address (`HOME`, `WORK`, …).");
}

/// A contact's web address.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactUrl {
    /// The URL.
    pub url: String,
    /// `HOME`, `WORK`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl ContactUrl {
    /// The web address `url`.
    pub fn new(url: impl Into<String>) -> Self {
        ContactUrl {
            url: url.into(),
            label: None,
        }
    }

    optional_setters!(label: "Labels the address (`HOME`, `WORK`, …).");
}

/// A contact's postal address.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactAddress {
    /// Street and number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// Country name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// ISO country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// `HOME`, `WORK`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl ContactAddress {
    /// An empty address, filled in with the setters.
    pub fn new() -> Self {
        ContactAddress::default()
    }

    optional_setters!(
        street: "Sets the street and number.",
        city: "Sets the city.",
        state: "Sets the state or region.",
        zip: "Sets the postal code.",
        country: "Sets the country name.",
        country_code: "Sets the ISO country code.",
        label: "Labels the address (`HOME`, `WORK`, …).",
    );
}

/// A contact's organisation.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactOrg {
    /// Company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Job title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl ContactOrg {
    /// An empty organisation, filled in with the setters.
    pub fn new() -> Self {
        ContactOrg::default()
    }

    optional_setters!(
        company: "Sets the company name.",
        department: "Sets the department.",
        title: "Sets the job title.",
    );
}
