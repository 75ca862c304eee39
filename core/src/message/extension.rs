//! What only one channel understands, carried typed from builder to wire:
//! each channel crate has one [`ChannelPayload`] type for its own content
//! (an enum: templates, interactive kinds, …) and one for its per-message
//! options. [`ChannelContent`] and [`Extensions`] carry them inside a
//! [`Message`](super::Message) without a JSON detour.
//!
//! After a round trip through serde (Python dicts, stored messages), a value
//! arrives as JSON and is decoded once, by the channel it belongs to, into
//! its type: [`ChannelData::decode`].

use std::any::Any;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};

/// A channel crate's own type for what only its platform has.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use switchboard::plugin::ChannelPayload;
/// use switchboard::{ChannelContent, Content};
///
/// /// What only the (imaginary) pager platform can send.
/// #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// #[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
/// enum PagerContent {
///     Beep { times: u8 },
/// }
///
/// impl ChannelPayload for PagerContent {
///     const CHANNEL: &'static str = "pager";
///     fn kind(&self) -> &'static str {
///         match self {
///             PagerContent::Beep { .. } => "beep",
///         }
///     }
/// }
///
/// let content = Content::from(ChannelContent::new(PagerContent::Beep { times: 2 }));
/// let Content::Channel(c) = &content else { unreachable!() };
/// assert_eq!(*c.decode::<PagerContent>("my-pager").unwrap(), PagerContent::Beep { times: 2 });
/// ```
pub trait ChannelPayload:
    Any + Send + Sync + fmt::Debug + Clone + Serialize + DeserializeOwned
{
    /// The platform the value belongs to (the channel plugin name, e.g. `"whatsapp"`).
    const CHANNEL: &'static str;

    /// What the value is, for messages (e.g. `"template"`).
    fn kind(&self) -> &'static str;
}

trait ErasedPayload: Send + Sync + fmt::Debug {
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error>;
    fn as_any(&self) -> &dyn Any;
    fn kind(&self) -> &'static str;
}

impl<T: ChannelPayload> ErasedPayload for T {
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn kind(&self) -> &'static str {
        ChannelPayload::kind(self)
    }
}

#[derive(Clone)]
enum Repr {
    Typed(Arc<dyn ErasedPayload>),
    Raw(serde_json::Value),
}

/// A channel-specific value: the channel crate's typed value, or its JSON
/// form after a round trip through serde (decoded on demand).
///
/// Its serde form is the payload's own JSON object with a `"channel"` key
/// added: `{"channel": "whatsapp", "kind": "template", "payload": {…}}`.
#[derive(Clone)]
pub struct ChannelData {
    channel: Cow<'static, str>,
    repr: Repr,
}

impl ChannelData {
    /// Wraps a typed value.
    pub fn new<T: ChannelPayload>(value: T) -> Self {
        ChannelData {
            channel: Cow::Borrowed(T::CHANNEL),
            repr: Repr::Typed(Arc::new(value)),
        }
    }

    /// The JSON form of a value of `channel` (decoded by the channel that
    /// sends it; unknown keys are an error there, never dropped).
    pub fn raw(channel: impl Into<String>, payload: serde_json::Value) -> Self {
        ChannelData {
            channel: Cow::Owned(channel.into()),
            repr: Repr::Raw(payload),
        }
    }

    /// The channel this value belongs to.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// What the value is, for messages: the payload's kind, or the `kind`
    /// key of its JSON form.
    pub fn describe(&self) -> &str {
        match &self.repr {
            Repr::Typed(v) => v.kind(),
            Repr::Raw(v) => v
                .get("kind")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("channel-specific"),
        }
    }

    /// The value as a `T`: borrowed when it was built typed, decoded when it
    /// arrived as JSON.
    ///
    /// Errors: a value of another channel is [`ErrorKind::Unsupported`]; JSON
    /// that does not decode is [`ErrorKind::InvalidMessage`], naming why.
    pub fn decode<T: ChannelPayload>(&self, channel_name: &str) -> Result<Cow<'_, T>, Error> {
        if self.channel != T::CHANNEL {
            return Err(Error::unsupported(
                channel_name,
                format!(
                    "{} content of the {} platform on a {} channel",
                    self.describe(),
                    self.channel,
                    T::CHANNEL
                ),
            ));
        }
        match &self.repr {
            Repr::Typed(v) => v
                .as_any()
                .downcast_ref::<T>()
                .map(Cow::Borrowed)
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidMessage,
                        format!(
                            "a {} value of another type than {} was attached",
                            T::CHANNEL,
                            std::any::type_name::<T>()
                        ),
                    )
                    .with_channel(channel_name)
                }),
            Repr::Raw(v) => T::deserialize(v).map(Cow::Owned).map_err(|e| {
                Error::new(
                    ErrorKind::InvalidMessage,
                    format!(
                        "the {} {} does not decode: {e}",
                        T::CHANNEL,
                        self.describe()
                    ),
                )
                .with_channel(channel_name)
            }),
        }
    }

    /// The value as JSON (for logging and serde).
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        match &self.repr {
            Repr::Typed(v) => v.to_json(),
            Repr::Raw(v) => Ok(v.clone()),
        }
    }
}

impl fmt::Debug for ChannelData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ChannelData");
        d.field("channel", &self.channel);
        match &self.repr {
            Repr::Typed(v) => d.field("value", v),
            Repr::Raw(v) => d.field("raw", v),
        };
        d.finish()
    }
}

impl PartialEq for ChannelData {
    fn eq(&self, other: &Self) -> bool {
        self.channel == other.channel
            && match (self.to_json(), other.to_json()) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            }
    }
}

impl Serialize for ChannelData {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let mut object = match self.to_json().map_err(S::Error::custom)? {
            serde_json::Value::Object(o) => o,
            other => {
                let mut o = serde_json::Map::new();
                o.insert("payload".into(), other);
                o
            }
        };
        object.insert("channel".into(), self.channel.to_string().into());
        object.serialize(s)
    }
}

impl<'de> Deserialize<'de> for ChannelData {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut object = serde_json::Map::deserialize(d)?;
        let channel = match object.remove("channel") {
            Some(serde_json::Value::String(c)) => c,
            Some(_) => return Err(D::Error::custom("`channel` must be a string")),
            None => return Err(D::Error::missing_field("channel")),
        };
        Ok(ChannelData::raw(channel, serde_json::Value::Object(object)))
    }
}

/// Content only one channel understands (see [`ChannelPayload`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChannelContent(ChannelData);

impl ChannelContent {
    /// Wraps a channel crate's typed content.
    pub fn new<T: ChannelPayload>(value: T) -> Self {
        ChannelContent(ChannelData::new(value))
    }

    /// Content of `channel` in its JSON form: the raw escape hatch.
    pub fn raw(channel: impl Into<String>, payload: serde_json::Value) -> Self {
        ChannelContent(ChannelData::raw(channel, payload))
    }

    /// The channel the content belongs to.
    pub fn channel(&self) -> &str {
        self.0.channel()
    }

    /// What the content is, for messages.
    pub fn describe(&self) -> &str {
        self.0.describe()
    }

    /// The content as the channel's type `T` (see [`ChannelData::decode`]);
    /// `channel_name` names the sending channel in errors.
    pub fn decode<T: ChannelPayload>(&self, channel_name: &str) -> Result<Cow<'_, T>, Error> {
        self.0.decode(channel_name)
    }

    /// The data itself.
    pub fn data(&self) -> &ChannelData {
        &self.0
    }
}

impl From<ChannelContent> for super::content::Content {
    fn from(c: ChannelContent) -> Self {
        super::content::Content::Channel(c)
    }
}

/// Channel-specific options of a message: at most one value per channel.
///
/// Serialized as a map from channel to its value's JSON form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extensions(BTreeMap<String, ChannelData>);

impl Extensions {
    /// Adds or replaces the value of `T`'s channel.
    pub fn insert<T: ChannelPayload>(&mut self, value: T) {
        self.0
            .insert(T::CHANNEL.to_string(), ChannelData::new(value));
    }

    /// Adds or replaces a value in its JSON form (the raw escape hatch).
    pub fn insert_data(&mut self, data: ChannelData) {
        self.0.insert(data.channel().to_string(), data);
    }

    /// The `T` set on this message, if any (decoded when it arrived as JSON);
    /// `channel_name` names the sending channel in errors.
    pub fn get<T: ChannelPayload>(&self, channel_name: &str) -> Result<Option<Cow<'_, T>>, Error> {
        // Most messages carry no extension: nothing to look up then.
        if self.0.is_empty() {
            return Ok(None);
        }
        self.0
            .get(T::CHANNEL)
            .map(|d| d.decode::<T>(channel_name))
            .transpose()
    }

    /// All values, for channels that want to refuse options of other channels.
    pub fn iter(&self) -> impl Iterator<Item = &ChannelData> {
        self.0.values()
    }

    /// Whether no extension is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
