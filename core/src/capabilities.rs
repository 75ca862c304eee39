//! What core enforces for every channel, first- or third-party, before the
//! channel's own rules run: the content and recipient kinds its capabilities
//! declare, channel-specific content addressed to it, and its text length.

use crate::channel::ChannelInfo;
use crate::error::{Error, Violations};
use crate::message::content::Content;
use crate::message::Message;

/// Checks `message` against the capabilities of the channel described by
/// `info`: an unsupported content or recipient kind, or content of another
/// platform, is an [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported)
/// error; a text body over [`Capabilities::max_text_chars`](crate::Capabilities::max_text_chars)
/// (or an empty one) is a violation of `text.body` added to `violations`.
///
/// [`Channel::validate`](crate::Channel::validate) calls it before the
/// channel's own rules; channel authors need not.
///
/// ```
/// use switchboard::plugin::check_capabilities;
/// use switchboard::{Capabilities, ChannelInfo, ContentKind, Message, Recipient, RecipientKind};
/// use switchboard::plugin::Violations;
///
/// let info = ChannelInfo::new("sms", "sms-gateway", "+15550001111")
///     .capabilities(Capabilities::new()
///         .content_kinds([ContentKind::Text])
///         .recipient_kinds([RecipientKind::PhoneNumber])
///         .max_text_chars(160));
/// let mut v = Violations::new();
/// let ok = Message::text(Recipient::phone_number("+16505551234"), "hi");
/// assert!(check_capabilities(&info, &ok, &mut v).is_ok() && v.is_empty());
/// let psid = Message::text(Recipient::user_id("42"), "hi");
/// assert!(check_capabilities(&info, &psid, &mut v).is_err());
/// ```
pub fn check_capabilities(
    info: &ChannelInfo,
    message: &Message,
    violations: &mut Violations,
) -> Result<(), Error> {
    let caps = &info.capabilities;
    let kind = message.content.kind();
    if !caps.supports_content(kind) {
        return Err(Error::unsupported(
            &info.name,
            format!("{kind} content ({} cannot express it)", info.platform),
        ));
    }
    if !caps.supports_recipient(message.to.kind) {
        return Err(Error::unsupported(
            &info.name,
            format!("{} recipients", message.to.kind),
        ));
    }
    match &message.content {
        Content::Channel(content) if content.channel() != info.platform => Err(Error::unsupported(
            &info.name,
            format!(
                "{} content of the {} platform on a {} channel",
                content.describe(),
                content.channel(),
                info.platform
            ),
        )),
        Content::Text(text) => {
            match caps.max_text_chars {
                Some(limit) => {
                    violations.required_max_chars(|| "text.body".into(), &text.body, limit)
                }
                None => {
                    violations.required(|| "text.body".into(), &text.body);
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
