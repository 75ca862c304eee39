//! What a channel crate needs to implement a platform: the plugin registration,
//! configuration decoding, the violations collector, the platform-error
//! composition and (feature `http`) the HTTP helpers.
//!
//! Applications rarely need this module; channel authors start here.
//!
//! ```
//! use std::sync::Arc;
//! use switchboard::plugin::{ChannelConfig, ChannelPlugin};
//! use switchboard::{register_channel, Channel, Error};
//!
//! fn build(config: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
//!     Err(Error::config(format!("{} is only an example", config.name())))
//! }
//! register_channel!(ChannelPlugin::new("plugin-doc-example", "an example plugin", build));
//! ```

#[cfg(feature = "http")]
pub mod http;

use std::time::Duration;

pub use crate::capabilities::{
    check_capabilities, check_capabilities_measured, MAX_PHONE_DIGITS, MAX_RECIPIENT_ID_CHARS,
    MAX_UNDOCUMENTED_CHARS, MAX_URL_CHARS,
};
pub use crate::error::{is_http_url, PlatformError, Problem, Violations};
pub use crate::message::extension::{ChannelData, ChannelPayload};
pub use crate::registry::{
    build_channel, BuildFn, ChannelConfig, ChannelPlugin, ConfigKey, FromChannelConfig, Sample,
    SamplesFn, WebhookAuthFn, WebhookSecrets, WebhookSupport,
};
/// The `async_trait` attribute, re-exported so channel crates implement
/// [`Channel`](crate::Channel) with the same version.
pub use async_trait::async_trait;

use crate::error::{Error, ErrorKind};

/// A channel's `timeout_secs` setting: a positive, finite number of seconds
/// (fractions honoured), or `None` when not set.
pub fn timeout_setting(channel: &str, secs: Option<f64>) -> Result<Option<Duration>, Error> {
    secs.map(|secs| {
        Duration::try_from_secs_f64(secs)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                Error::config(format!(
                    "timeout_secs must be a positive number of seconds, got {secs}"
                ))
                .with_channel(channel)
            })
    })
    .transpose()
}

/// The classification of an HTTP status when the body says nothing the
/// channel understands: (kind, temporary, description).
pub fn classify_status(status: u16) -> (ErrorKind, bool, &'static str) {
    match status {
        401 => (ErrorKind::Unauthorized, false, "unauthorized"),
        403 => (ErrorKind::PermissionDenied, false, "forbidden"),
        429 => (ErrorKind::RateLimited, true, "too many requests"),
        408 => (ErrorKind::Timeout, true, "request timeout"),
        500..=599 => (ErrorKind::PlatformUnavailable, true, "platform error"),
        _ => (ErrorKind::Rejected, false, "request refused"),
    }
}

/// The error for a non-success response whose body is not an error the
/// platform documents: temporary statuses keep their kind, the others are
/// an [`ErrorKind::UnexpectedResponse`].
pub fn unparsed_error(
    channel: &str,
    platform: &str,
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Error {
    let (kind, temporary, _) = classify_status(status);
    let mut e = Error::new(
        if temporary {
            kind
        } else {
            ErrorKind::UnexpectedResponse
        },
        format!(
            "HTTP {status} with a body that is not a {platform} error: {}",
            snippet(body)
        ),
    )
    .with_channel(channel)
    .with_temporary(temporary);
    if let Some(after) = retry_after {
        e = e.with_retry_after(after);
    }
    e
}

/// How a channel classifies one platform error code: the neutral kind,
/// whether a retry may succeed, a wait the code implies, and a description.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorClass {
    /// The neutral kind.
    pub kind: ErrorKind,
    /// Whether retrying the same request later may succeed.
    pub temporary: bool,
    /// The wait the code itself implies, when the platform documents one.
    pub retry_after: Option<Duration>,
    /// What the code means, for the error message.
    pub what: &'static str,
}

impl ErrorClass {
    /// A class with no implied wait.
    pub const fn new(kind: ErrorKind, temporary: bool, what: &'static str) -> Self {
        ErrorClass {
            kind,
            temporary,
            retry_after: None,
            what,
        }
    }

    /// The same class with a wait the code implies.
    #[must_use]
    pub const fn retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// The class of an HTTP status, for codes nobody documents.
    pub fn of_status(status: u16) -> Self {
        let (kind, temporary, what) = classify_status(status);
        ErrorClass::new(kind, temporary, what)
    }

    /// The classified error for the platform's answer `p`: the class's
    /// description, then the platform's message and details; the platform's
    /// `is_transient` makes it temporary; `retry_after` (a header) wins over
    /// the class's own wait.
    pub fn error(
        &self,
        channel: &str,
        retry_after: Option<Duration>,
        mut platform: PlatformError,
    ) -> Error {
        for text in [
            &mut platform.message,
            &mut platform.details,
            &mut platform.error_type,
        ]
        .into_iter()
        .flatten()
        {
            *text = foreign_text(text);
        }
        let mut message = match &platform.message {
            Some(m) if !m.is_empty() => format!("{}: {m}", self.what),
            _ => self.what.to_string(),
        };
        if let Some(d) = &platform.details {
            message.push_str(" — ");
            message.push_str(d);
        }
        let temporary = self.temporary || platform.is_transient == Some(true);
        let mut e = Error::new(self.kind, message)
            .with_channel(channel)
            .with_platform(platform);
        if let Some(after) = retry_after.or(self.retry_after) {
            e = e.with_retry_after(after);
        }
        e.with_temporary(temporary)
    }
}

/// The longest text taken from a platform into an error: 1,000 characters.
pub const MAX_FOREIGN_TEXT: usize = 1000;

/// A text from a platform or a proxy made safe to show: at most
/// [`MAX_FOREIGN_TEXT`] characters, control characters escaped (no forged
/// log lines), and any `Bearer …` credential redacted.
///
/// ```
/// use switchboard::plugin::foreign_text;
/// let t = foreign_text("bad token\r\nAuthorization: Bearer EAAG123");
/// assert_eq!(t, "bad token\\r\\nAuthorization: Bearer [redacted]");
/// ```
pub fn foreign_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_FOREIGN_TEXT + 16));
    for (i, c) in text.chars().enumerate() {
        if i == MAX_FOREIGN_TEXT {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    redact_bearer(&out)
}

/// `text` with the credential after each `Bearer ` replaced.
fn redact_bearer(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("Bearer ") {
        let (before, after) = rest.split_at(at + "Bearer ".len());
        out.push_str(before);
        let end = after
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
            .unwrap_or(after.len());
        if end > 0 {
            out.push_str("[redacted]");
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Whether `text` is one emoji, as reactions take: a single picture (with
/// its modifiers and joiners), no letters, markup or whitespace.
///
/// ```
/// use switchboard::plugin::is_single_emoji;
/// assert!(is_single_emoji("👍") && is_single_emoji("👍🏽") && is_single_emoji("👩‍💻") && is_single_emoji("❤️"));
/// assert!(!is_single_emoji("abc") && !is_single_emoji("👍👍👍") && !is_single_emoji("<script>") && !is_single_emoji(""));
/// ```
pub fn is_single_emoji(text: &str) -> bool {
    // Zero-width joiner, variation selectors, skin tones, keycap, tags.
    let modifier = |c: char| {
        matches!(c, '\u{200D}' | '\u{FE0E}' | '\u{FE0F}' | '\u{20E3}')
            || ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
            || ('\u{E0020}'..='\u{E007F}').contains(&c)
    };
    let pictograph = |c: char| {
        ('\u{1F000}'..='\u{1FAFF}').contains(&c)
            || ('\u{2190}'..='\u{2BFF}').contains(&c)
            || matches!(
                c,
                '\u{00A9}'
                    | '\u{00AE}'
                    | '\u{203C}'
                    | '\u{2049}'
                    | '\u{2122}'
                    | '\u{2139}'
                    | '\u{3030}'
                    | '\u{303D}'
                    | '\u{3297}'
                    | '\u{3299}'
            )
    };
    let mut pictures = 0;
    let mut previous_joiner = true;
    for c in text.chars() {
        if modifier(c) {
            previous_joiner = c == '\u{200D}';
            continue;
        }
        if pictograph(c) {
            // A new picture not joined to the previous one is a second emoji,
            // except the two halves of a flag (regional indicators).
            let flag_half = ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
            if !(previous_joiner || (flag_half && pictures == 1)) {
                return false;
            }
            pictures += 1;
            previous_joiner = false;
            continue;
        }
        return false;
    }
    pictures >= 1
}

/// The start of a body, for error messages: at most 200 characters, one line.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut s: String = text
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(200).is_some() {
        s.push('…');
    }
    if s.trim().is_empty() {
        "(empty)".to_string()
    } else {
        s
    }
}

/// An [`ErrorKind::UnexpectedResponse`] (not temporary) for `channel`.
pub fn unexpected_response(channel: &str, what: impl Into<String>) -> Error {
    Error::new(ErrorKind::UnexpectedResponse, what)
        .with_channel(channel)
        .with_temporary(false)
}

/// Decodes a success body as `T`, or an [`ErrorKind::UnexpectedResponse`]
/// that quotes the start of the body.
pub fn decode_response<T: serde::de::DeserializeOwned>(
    channel: &str,
    what: &str,
    body: &[u8],
) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| {
        unexpected_response(
            channel,
            format!("the {what} does not parse ({e}): {}", snippet(body)),
        )
    })
}
