//! Who receives a message.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Who receives a message: an id and what kind of id it is.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Recipient {
    /// What kind of identifier [`Recipient::id`] is.
    pub kind: RecipientKind,
    /// The identifier itself.
    pub id: String,
}

impl Recipient {
    /// A recipient of the given kind.
    pub fn new(kind: RecipientKind, id: impl Into<String>) -> Self {
        Recipient {
            kind,
            id: id.into(),
        }
    }

    /// The platform's own user id: a Messenger page-scoped id (PSID) or a WhatsApp id (`wa_id`).
    pub fn user_id(id: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::UserId, id)
    }

    /// A phone number in international format (`+` and country code).
    pub fn phone_number(number: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::PhoneNumber, number)
    }

    /// A Messenger `user_ref` from the checkbox or chat plugin.
    pub fn user_ref(user_ref: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::UserRef, user_ref)
    }

    /// A comment to answer with a private reply (Messenger).
    pub fn comment_id(id: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::CommentId, id)
    }

    /// A visitor post to answer with a private reply (Messenger).
    pub fn post_id(id: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::PostId, id)
    }

    /// A group (WhatsApp groups).
    pub fn group(id: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::Group, id)
    }
}

/// What kind of identifier a [`Recipient`] carries.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    /// The platform's user id (Messenger PSID, WhatsApp `wa_id`).
    UserId,
    /// A phone number.
    PhoneNumber,
    /// A Messenger plugin `user_ref`.
    UserRef,
    /// A comment id (Messenger private reply).
    CommentId,
    /// A post id (Messenger private reply).
    PostId,
    /// A group id.
    Group,
}

impl RecipientKind {
    /// Every kind, in declaration order.
    pub const ALL: [RecipientKind; 6] = [
        RecipientKind::UserId,
        RecipientKind::PhoneNumber,
        RecipientKind::UserRef,
        RecipientKind::CommentId,
        RecipientKind::PostId,
        RecipientKind::Group,
    ];

    /// The snake_case name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientKind::UserId => "user_id",
            RecipientKind::PhoneNumber => "phone_number",
            RecipientKind::UserRef => "user_ref",
            RecipientKind::CommentId => "comment_id",
            RecipientKind::PostId => "post_id",
            RecipientKind::Group => "group",
        }
    }
}

impl fmt::Display for RecipientKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
