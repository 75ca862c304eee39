//! The one error type of Switchboard, classified so that callers and delivery
//! layers can decide what to do: fix the message, retry later, or give up.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What went wrong, from the point of view of someone sending a message.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The message breaks a documented rule (see [`Error::violations`]).
    InvalidMessage,
    /// The channel cannot express this content or recipient kind.
    Unsupported,
    /// The channel or switchboard is misconfigured.
    Config,
    /// The access token is missing, invalid or expired.
    Unauthorized,
    /// The token is valid but lacks a permission, or the account is restricted.
    PermissionDenied,
    /// The recipient does not exist, cannot be reached or blocked the sender.
    InvalidRecipient,
    /// Free-form content to a recipient outside the customer-service window.
    OutsideWindow,
    /// A rate limit was hit; see [`Error::retry_after`].
    RateLimited,
    /// The platform refused the message for a reason of its own (policy,
    /// template state, quality), not fixable by retrying.
    Rejected,
    /// The platform is temporarily unavailable or failed internally.
    PlatformUnavailable,
    /// The request could not be delivered to the platform (connect, TLS, I/O).
    Network,
    /// The platform did not answer in time; the message may or may not have
    /// been accepted.
    Timeout,
    /// The message was already sent (idempotency).
    Duplicate,
    /// The platform answered with something we could not understand.
    UnexpectedResponse,
}

impl ErrorKind {
    /// A short lower-case name, stable for logs and for Python's exception mapping.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidMessage => "invalid_message",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Config => "config",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::InvalidRecipient => "invalid_recipient",
            ErrorKind::OutsideWindow => "outside_window",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Rejected => "rejected",
            ErrorKind::PlatformUnavailable => "platform_unavailable",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Duplicate => "duplicate",
            ErrorKind::UnexpectedResponse => "unexpected_response",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The platform's own description of an error, as it answered it.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformError {
    /// The HTTP status of the response, when there was one.
    pub http_status: Option<u16>,
    /// The platform error code (e.g. Graph `code`).
    pub code: i64,
    /// The platform's error subcode, when present.
    pub subcode: Option<i64>,
    /// The platform's error type or title.
    pub error_type: Option<String>,
    /// The platform's message.
    pub message: Option<String>,
    /// Further details the platform gave.
    pub details: Option<String>,
    /// The platform's trace id for the request, to quote to its support.
    pub trace_id: Option<String>,
    /// Whether the platform itself called the error transient.
    pub is_transient: Option<bool>,
}

impl PlatformError {
    /// The platform's error `code`, answered with `http_status`; set the
    /// other fields directly.
    pub fn new(http_status: Option<u16>, code: i64) -> Self {
        PlatformError {
            http_status,
            code,
            ..PlatformError::default()
        }
    }
}

/// What is wrong with one field of a message.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// The value is longer than the platform allows (in characters).
    TooLong {
        /// The documented maximum length.
        limit: usize,
        /// The value's length.
        actual: usize,
    },
    /// The value is shorter than the platform allows.
    TooShort {
        /// The documented minimum length.
        min: usize,
        /// The value's length.
        actual: usize,
    },
    /// The list has more items than allowed.
    TooMany {
        /// The documented maximum count.
        limit: usize,
        /// The list's length.
        actual: usize,
    },
    /// The list has fewer items than required.
    TooFew {
        /// The documented minimum count.
        min: usize,
        /// The list's length.
        actual: usize,
    },
    /// A required value is missing or empty.
    Required,
    /// A value is present where the platform forbids it.
    NotAllowed {
        /// Why it is not allowed.
        reason: String,
    },
    /// A value must be unique within its list but is repeated.
    Duplicate {
        /// The repeated value.
        value: String,
    },
    /// The value is not valid for another reason.
    Invalid {
        /// Why it is invalid.
        reason: String,
    },
}

/// One broken rule of a message: which field, and what is wrong with it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The field path in the platform's terms, e.g. `interactive.action.buttons[1].reply.title`.
    pub field: String,
    /// What is wrong.
    #[serde(flatten)]
    pub problem: Problem,
}

impl Violation {
    /// A violation of `field`.
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Violation {
            field: field.into(),
            problem,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = &self.field;
        match &self.problem {
            Problem::TooLong { limit, actual } => write!(
                f,
                "{field} is {actual} characters long, over the limit of {limit}"
            ),
            Problem::TooShort { min, actual } => write!(
                f,
                "{field} is {actual} characters long, under the minimum of {min}"
            ),
            Problem::TooMany { limit, actual } => {
                write!(f, "{field} has {actual} items, over the limit of {limit}")
            }
            Problem::TooFew { min, actual } => {
                write!(f, "{field} has {actual} items, under the minimum of {min}")
            }
            Problem::Required => write!(f, "{field} is required"),
            Problem::NotAllowed { reason } => write!(f, "{field} is not allowed: {reason}"),
            Problem::Duplicate { value } => write!(f, "{field} repeats the value {value:?}"),
            Problem::Invalid { reason } => write!(f, "{field} is invalid: {reason}"),
        }
    }
}

/// A Switchboard error: its [`ErrorKind`], whether it is worth retrying, the
/// platform's own details and, for invalid messages, every violation at once.
///
/// Errors never contain access tokens or app secrets.
///
/// ```
/// use switchboard::{Error, ErrorKind};
/// let err = Error::new(ErrorKind::RateLimited, "slow down")
///     .with_retry_after(std::time::Duration::from_secs(6));
/// assert!(err.is_temporary());
/// assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(6)));
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    channel: Option<String>,
    temporary: bool,
    retry_after: Option<Duration>,
    platform: Option<PlatformError>,
    violations: Vec<Violation>,
    ambiguous: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// A new error of `kind`. It is temporary when the kind usually is
    /// (rate limited, platform unavailable, network, timeout); use
    /// [`Error::with_temporary`] to override.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let temporary = matches!(
            kind,
            ErrorKind::RateLimited
                | ErrorKind::PlatformUnavailable
                | ErrorKind::Network
                | ErrorKind::Timeout
        );
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                channel: None,
                temporary,
                retry_after: None,
                platform: None,
                violations: Vec::new(),
                ambiguous: false,
                source: None,
            }),
        }
    }

    /// An [`ErrorKind::InvalidMessage`] error listing every violation.
    pub fn invalid(violations: Vec<Violation>) -> Self {
        let message = match violations.len() {
            1 => "the message breaks 1 rule".to_string(),
            n => format!("the message breaks {n} rules"),
        };
        let mut e = Error::new(ErrorKind::InvalidMessage, message);
        e.inner.violations = violations;
        e
    }

    /// An [`ErrorKind::Unsupported`] error: `channel` cannot express `what`.
    pub fn unsupported(channel: &str, what: impl fmt::Display) -> Self {
        Error::new(
            ErrorKind::Unsupported,
            format!("channel {channel} does not support {what}"),
        )
        .with_channel(channel)
    }

    /// An [`ErrorKind::Config`] error.
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }

    /// Names the channel instance the error comes from.
    #[must_use]
    pub fn with_channel(mut self, channel: impl Into<String>) -> Self {
        self.inner.channel = Some(channel.into());
        self
    }

    /// Overrides whether the error is temporary (worth retrying unchanged).
    #[must_use]
    pub fn with_temporary(mut self, temporary: bool) -> Self {
        self.inner.temporary = temporary;
        self
    }

    /// Sets how long to wait before retrying; implies temporary.
    #[must_use]
    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.inner.retry_after = Some(after);
        self.inner.temporary = true;
        self
    }

    /// Marks the failure as ambiguous: the request may have reached the
    /// platform (a timeout or a connection lost after sending), so sending
    /// again may deliver the message twice.
    #[must_use]
    pub fn with_ambiguous(mut self, ambiguous: bool) -> Self {
        self.inner.ambiguous = ambiguous;
        self
    }

    /// Whether the platform may have accepted the message despite the error.
    pub fn is_ambiguous(&self) -> bool {
        self.inner.ambiguous
    }

    /// Attaches the platform's own error details.
    #[must_use]
    pub fn with_platform(mut self, platform: PlatformError) -> Self {
        self.inner.platform = Some(platform);
        self
    }

    /// Attaches the underlying cause.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Removes `secret` wherever the error could show it: its message, the
    /// platform's texts, its source (replaced by its redacted text). Channels
    /// call it with their tokens on every error: platforms and proxies echo
    /// tokens back ("Malformed access token EAA…").
    #[must_use]
    pub fn redact(mut self, secret: &crate::Secret) -> Self {
        let value = secret.expose();
        // Very short values would redact ordinary words; tokens are long.
        if value.len() < 4 {
            return self;
        }
        let scrub = |text: &mut String| {
            if text.contains(value) {
                *text = text.replace(value, "[redacted]");
            }
        };
        scrub(&mut self.inner.message);
        if let Some(p) = &mut self.inner.platform {
            for text in [&mut p.message, &mut p.details, &mut p.error_type]
                .into_iter()
                .flatten()
            {
                scrub(text);
            }
        }
        if let Some(source) = &self.inner.source {
            let text = source.to_string();
            if text.contains(value) {
                let redacted = text.replace(value, "[redacted]");
                self.inner.source = Some(Box::new(RedactedSource(redacted)));
            }
        }
        self
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The human-readable message (without the channel prefix).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The channel instance the error comes from, when known.
    pub fn channel(&self) -> Option<&str> {
        self.inner.channel.as_deref()
    }

    /// Whether sending the same message again later may succeed.
    pub fn is_temporary(&self) -> bool {
        self.inner.temporary
    }

    /// How long to wait before retrying, when the platform or the error says.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// The platform's error details, when the error came from the platform.
    pub fn platform(&self) -> Option<&PlatformError> {
        self.inner.platform.as_ref()
    }

    /// The platform error code, when the error came from the platform.
    pub fn code(&self) -> Option<i64> {
        self.inner.platform.as_ref().map(|p| p.code)
    }

    /// The platform error subcode, when there was one.
    pub fn subcode(&self) -> Option<i64> {
        self.inner.platform.as_ref().and_then(|p| p.subcode)
    }

    /// The platform's trace id for the request, when there was one.
    pub fn trace_id(&self) -> Option<&str> {
        self.inner
            .platform
            .as_ref()
            .and_then(|p| p.trace_id.as_deref())
    }

    /// Every rule the message breaks (empty unless the kind is `InvalidMessage`).
    pub fn violations(&self) -> &[Violation] {
        &self.inner.violations
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind)
            .field("message", &self.inner.message);
        if let Some(c) = &self.inner.channel {
            d.field("channel", c);
        }
        d.field("temporary", &self.inner.temporary);
        if self.inner.ambiguous {
            d.field("ambiguous", &true);
        }
        if let Some(r) = &self.inner.retry_after {
            d.field("retry_after", r);
        }
        if let Some(p) = &self.inner.platform {
            d.field("platform", p);
        }
        if !self.inner.violations.is_empty() {
            d.field("violations", &self.inner.violations);
        }
        if let Some(s) = &self.inner.source {
            d.field("source", s);
        }
        d.finish()
    }
}

/// An error source whose text had a secret in it, with the secret removed.
#[derive(Debug)]
struct RedactedSource(String);

impl fmt::Display for RedactedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedactedSource {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(c) = &self.inner.channel {
            write!(f, "{c}: ")?;
        }
        write!(f, "{}", self.inner.message)?;
        if let Some(p) = &self.inner.platform {
            write!(f, " (platform code {}", p.code)?;
            if let Some(s) = p.subcode {
                write!(f, "/{s}")?;
            }
            if let Some(t) = &p.trace_id {
                write!(f, ", trace {t}")?;
            }
            write!(f, ")")?;
        }
        for (i, v) in self.inner.violations.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{v}")?;
        }
        if let Some(s) = &self.inner.source {
            write!(f, ": {s}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// Collects violations while a channel validates a message, so that every
/// broken rule is reported at once.
///
/// Lengths are counted in Unicode characters (scalar values), as the platforms
/// document their limits in characters.
#[derive(Debug, Default)]
pub struct Violations(Vec<Violation>);

impl Violations {
    /// An empty collection.
    pub fn new() -> Self {
        Violations(Vec::new())
    }

    /// Records a violation.
    pub fn push(&mut self, field: impl Into<String>, problem: Problem) {
        self.0.push(Violation::new(field, problem));
    }

    /// Checks that `value` is at most `limit` characters.
    pub fn max_chars(&mut self, field: impl FnOnce() -> String, value: &str, limit: usize) {
        self.max_measured(field, value, limit, |v| v.chars().count());
    }

    /// Checks that `value` is at most `limit` characters as `measure` counts
    /// them (a platform that counts after parsing markup, say). `measure`
    /// never counts more characters than the string has.
    pub fn max_measured(
        &mut self,
        field: impl FnOnce() -> String,
        value: &str,
        limit: usize,
        measure: impl FnOnce(&str) -> usize,
    ) {
        // Fast path: a string of at most `limit` bytes has at most `limit` chars.
        if value.len() <= limit {
            return;
        }
        let actual = measure(value);
        if actual > limit {
            self.push(field(), Problem::TooLong { limit, actual });
        }
    }

    /// Checks that `value` is not empty (after trimming white space).
    pub fn required(&mut self, field: impl FnOnce() -> String, value: &str) -> bool {
        // Stops at the first non-space character: cheaper than `trim()`.
        if value.chars().all(char::is_whitespace) {
            self.push(field(), Problem::Required);
            false
        } else {
            true
        }
    }

    /// Checks that `value` is non-empty and at most `limit` characters.
    pub fn required_max_chars(&mut self, field: impl Fn() -> String, value: &str, limit: usize) {
        if self.required(&field, value) {
            self.max_chars(field, value, limit);
        }
    }

    /// Checks that a list has between `min` and `max` items.
    pub fn count(&mut self, field: impl FnOnce() -> String, actual: usize, min: usize, max: usize) {
        if actual < min {
            self.push(field(), Problem::TooFew { min, actual });
        } else if actual > max {
            self.push(field(), Problem::TooMany { limit: max, actual });
        }
    }

    /// Checks that `url` is an `http://` or `https://` URL with a host.
    pub fn http_url(&mut self, field: impl FnOnce() -> String, url: &str) {
        if !is_http_url(url) {
            self.push(
                field(),
                Problem::Invalid {
                    reason: "must be an http:// or https:// URL".into(),
                },
            );
        }
    }

    /// Whether no violation was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The violations recorded so far.
    pub fn as_slice(&self) -> &[Violation] {
        &self.0
    }

    /// `Ok(())` when nothing was recorded, else an [`ErrorKind::InvalidMessage`] error.
    pub fn into_result(self, channel: &str) -> Result<(), Error> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid(self.0).with_channel(channel))
        }
    }
}

/// Whether `url` is an `http://` or `https://` URL with a host and no white space.
pub fn is_http_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    !rest.is_empty()
        && !rest.starts_with('/')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_must_be_http_urls() {
        for ok in ["https://a.example/x.png", "http://a", "HTTPS://A.EXAMPLE"] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "ftp://a",
            "https://",
            "https:///x",
            "a.example",
            "",
            "https://a b",
            "http(s)://x",
            "é",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn too_long_names_field_limit_and_length() {
        let mut v = Violations::new();
        v.max_chars(|| "text.body".into(), &"é".repeat(4097), 4096);
        let err = v.into_result("whatsapp").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidMessage);
        let text = err.to_string();
        assert!(text.contains("text.body"), "{text}");
        assert!(text.contains("4096"), "{text}");
        assert!(text.contains("4097"), "{text}");
    }

    #[test]
    fn multibyte_characters_count_as_one() {
        let mut v = Violations::new();
        v.max_chars(|| "f".into(), &"é".repeat(10), 10);
        assert!(v.is_empty());
    }

    #[test]
    fn classification_defaults() {
        assert!(Error::new(ErrorKind::Network, "x").is_temporary());
        assert!(!Error::new(ErrorKind::InvalidMessage, "x").is_temporary());
        assert!(Error::new(ErrorKind::Rejected, "x")
            .with_retry_after(Duration::from_secs(1))
            .is_temporary());
    }
}
