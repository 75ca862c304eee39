//! Composing channels: a [`Route`] tries channels in turn (failover), sends
//! what a closed window refuses as a template, degrades what a channel
//! cannot express, reaches a [`Customer`] wherever they are known and
//! prefers the channel whose window is open; [`broadcast`] sends one
//! message over several channels at once; [`Tenants`] builds the channels
//! of many accounts lazily.
//!
//! A route is itself a [`Channel`], so it composes with the delivery layers
//! and everything else that takes one. Each of its channels keeps its own
//! delivery stack: temporary failures are retried there first, and the
//! route moves on only when they are exhausted.
//!
//! ```no_run
//! # async fn demo(whatsapp: std::sync::Arc<dyn switchboard::Channel>,
//! #               messenger: std::sync::Arc<dyn switchboard::Channel>) -> Result<(), switchboard::Error> {
//! use std::sync::Arc;
//! use switchboard::compose::{Customer, MemoryDirectory, Directory, OnClosedWindow, Route};
//! use switchboard::{Message, Recipient, Text};
//!
//! let customers = Arc::new(MemoryDirectory::new());
//! customers.link("ann", "whatsapp", Recipient::phone_number("+16505551234"))?;
//! customers.link("ann", "messenger", Recipient::user_id("6123456789012345"))?;
//! let support = Route::new("support", [whatsapp, messenger])
//!     .on_closed_window(OnClosedWindow::NextChannel)
//!     .directory(customers);
//! let sent = support.send_to_customer("ann", Text::new("Your table is ready").into()).await?;
//! println!("delivered by {} after {} attempt(s)", sent.receipt.channel, sent.attempts.len());
//! # Ok(()) }
//! ```

mod degrade;
mod directory;
mod tenants;

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::channel::{Capabilities, Channel, ChannelInfo, Receipt};
use crate::error::{Error, ErrorKind, Violations};
use crate::message::content::{Content, ContentKind};
use crate::message::extension::ChannelContent;
use crate::message::Message;
use crate::webhook::WindowTracker;

pub use degrade::{choice_ids, degrade};
pub use directory::{Address, Customer, Directory, MemoryDirectory};
pub use tenants::{TenantConfigs, Tenants};

/// Which route a message takes: the first rule that matches it.
///
/// ```
/// use switchboard::compose::Rule;
/// use switchboard::{Message, Recipient, RecipientKind};
/// let rules = [
///     Rule::phone_prefix("+49", "germany"),
///     Rule::tag("vip", "concierge"),
///     Rule::recipient_kind(RecipientKind::PhoneNumber, "whatsapp_first"),
///     Rule::always("everyone"),
/// ];
/// let berlin = Message::text(Recipient::phone_number("+4930901820"), "Hallo");
/// assert_eq!(Rule::pick(&rules, &berlin, None), Some("germany"));
/// let ny = Message::text(Recipient::phone_number("+12125550100"), "Hi");
/// assert_eq!(Rule::pick(&rules, &ny, Some("vip")), Some("concierge"));
/// assert_eq!(Rule::pick(&rules, &ny, None), Some("whatsapp_first"));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// What the message must match.
    pub when: When,
    /// The route it then takes.
    pub route: String,
}

/// What a [`Rule`] matches.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// A phone number recipient starting with this prefix (`+49`).
    PhonePrefix(String),
    /// A recipient of this kind.
    RecipientKind(crate::RecipientKind),
    /// The tag the caller gives with the send (a tenant, a campaign, a tier).
    Tag(String),
    /// Every message.
    Always,
}

impl Rule {
    /// Phone numbers starting with `prefix` take `route`.
    pub fn phone_prefix(prefix: impl Into<String>, route: impl Into<String>) -> Self {
        Rule {
            when: When::PhonePrefix(prefix.into()),
            route: route.into(),
        }
    }

    /// Recipients of `kind` take `route`.
    pub fn recipient_kind(kind: crate::RecipientKind, route: impl Into<String>) -> Self {
        Rule {
            when: When::RecipientKind(kind),
            route: route.into(),
        }
    }

    /// Sends tagged `tag` take `route`.
    pub fn tag(tag: impl Into<String>, route: impl Into<String>) -> Self {
        Rule {
            when: When::Tag(tag.into()),
            route: route.into(),
        }
    }

    /// Every message takes `route`.
    pub fn always(route: impl Into<String>) -> Self {
        Rule {
            when: When::Always,
            route: route.into(),
        }
    }

    /// Whether `message`, sent with `tag`, matches.
    pub fn matches(&self, message: &Message, tag: Option<&str>) -> bool {
        match &self.when {
            When::PhonePrefix(prefix) => {
                message.to.kind == crate::RecipientKind::PhoneNumber
                    && message.to.id.starts_with(prefix.as_str())
            }
            When::RecipientKind(kind) => message.to.kind == *kind,
            When::Tag(t) => tag == Some(t.as_str()),
            When::Always => true,
        }
    }

    /// The route of the first rule of `rules` that `message` matches.
    pub fn pick<'a>(rules: &'a [Rule], message: &Message, tag: Option<&str>) -> Option<&'a str> {
        rules
            .iter()
            .find(|r| r.matches(message, tag))
            .map(|r| r.route.as_str())
    }
}

/// Makes the content sent instead of an original message (a template with
/// its text, say); `None` when it has none.
pub type Instead = Arc<dyn Fn(&Message) -> Option<Content> + Send + Sync>;

/// What a route does when a channel refuses content outside the
/// customer-service window ([`ErrorKind::OutsideWindow`]).
#[non_exhaustive]
#[derive(Clone)]
pub enum OnClosedWindow {
    /// Sends the content this function makes of the original message on the
    /// same channel (a template, say); `None` moves on to the next channel.
    Send(Instead),
    /// Moves on to the next channel.
    NextChannel,
    /// Stops with the refusal.
    Stop,
}

impl OnClosedWindow {
    /// Sends `template` instead, on the same channel: channel content in its
    /// JSON form (`{"kind": …, "payload": …}` of `channel`'s crate) in which
    /// every string `"{text}"` is replaced by the original text (or the
    /// caption or body of the original content).
    ///
    /// ```
    /// use switchboard::compose::OnClosedWindow;
    /// let fallback = OnClosedWindow::template("whatsapp", serde_json::json!({
    ///     "kind": "template",
    ///     "payload": {"name": "missed_you", "language": {"code": "en_US"},
    ///                 "components": [{"type": "body", "parameters": [{"type": "text", "text": "{text}"}]}]}
    /// }));
    /// # let _ = fallback;
    /// ```
    pub fn template(channel: impl Into<String>, template: serde_json::Value) -> Self {
        let channel = channel.into();
        OnClosedWindow::Send(Arc::new(move |original: &Message| {
            let text = text_of(&original.content)?;
            let mut filled = template.clone();
            fill(&mut filled, text);
            Some(Content::Channel(ChannelContent::raw(
                channel.clone(),
                filled,
            )))
        }))
    }
}

impl fmt::Debug for OnClosedWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OnClosedWindow::Send(_) => "Send(..)",
            OnClosedWindow::NextChannel => "NextChannel",
            OnClosedWindow::Stop => "Stop",
        })
    }
}

/// The text a template stands in for: the text, caption or body.
fn text_of(content: &Content) -> Option<&str> {
    match content {
        Content::Text(t) => Some(&t.body),
        Content::Media(m) => m.caption.as_deref(),
        Content::ReplyButtons(b) => Some(&b.body),
        Content::ChoiceList(l) => Some(&l.body),
        _ => None,
    }
}

fn fill(value: &mut serde_json::Value, text: &str) {
    match value {
        serde_json::Value::String(s) if s.contains("{text}") => *s = s.replace("{text}", text),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| fill(v, text)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| fill(v, text)),
        _ => {}
    }
}

/// What a route does with content a channel cannot express
/// ([`ErrorKind::Unsupported`]).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnUnsupported {
    /// Sends the documented plain-text form ([`degrade`]) on the same
    /// channel when there is one, else moves on.
    #[default]
    Degrade,
    /// Moves on to the next channel.
    NextChannel,
    /// Stops with the refusal.
    Stop,
}

/// How a route fails over.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct FailoverPolicy {
    /// On a closed window (default: the next channel).
    pub closed_window: OnClosedWindow,
    /// On content the channel cannot express (default: degrade).
    pub unsupported: OnUnsupported,
    /// Move on after a failure that is not temporary (recipient blocked or
    /// unknown, message refused, channel misconfigured). Default: yes.
    pub after_permanent: bool,
    /// Move on after a temporary failure the channel's own retries did not
    /// overcome. Default: yes.
    pub after_temporary: bool,
    /// Move on after an ambiguous failure (the platform may have accepted
    /// the message: the customer may get it twice). Default: no.
    pub after_ambiguous: bool,
}

impl Default for FailoverPolicy {
    fn default() -> Self {
        FailoverPolicy {
            closed_window: OnClosedWindow::NextChannel,
            unsupported: OnUnsupported::Degrade,
            after_permanent: true,
            after_temporary: true,
            after_ambiguous: false,
        }
    }
}

/// What a route did on one channel.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    /// The channel's name.
    pub channel: String,
    /// The channel's account.
    pub account: String,
    /// What was sent: `original`, `template` (closed window), `degraded`
    /// (unsupported content), or `skipped` (no address for the customer).
    pub action: &'static str,
    /// Why it did not deliver; `None` for the attempt that did.
    pub error: Option<String>,
    /// The error's kind.
    pub error_kind: Option<ErrorKind>,
}

/// The outcome of a routed send: the receipt of the channel that delivered
/// (its `channel` names it) and every attempt on the way, that one last.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct RoutedReceipt {
    /// The delivering channel's receipt.
    pub receipt: Receipt,
    /// The account that delivered.
    pub account: String,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
}

/// Channels tried in turn, with a failover policy; a [`Channel`] itself.
pub struct Route {
    info: ChannelInfo,
    channels: Vec<Arc<dyn Channel>>,
    policy: FailoverPolicy,
    directory: Option<Arc<dyn Directory>>,
    windows: Option<Windows>,
}

/// When customers last wrote, and each channel's window rule, looked up
/// once when the route is built rather than per send.
struct Windows {
    tracker: Arc<WindowTracker>,
    rules: Vec<Option<&'static dyn crate::webhook::WindowRule>>,
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("name", &self.info.name)
            .field(
                "channels",
                &self
                    .channels
                    .iter()
                    .map(|c| c.info().name.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// What a route can send: what any of its channels can (degradable kinds
/// included when the policy degrades).
fn union(channels: &[Arc<dyn Channel>], degrading: bool) -> Capabilities {
    let mut content = Vec::new();
    let mut recipients = Vec::new();
    for c in channels {
        let caps = &c.info().capabilities;
        content.extend(caps.content_kinds.iter().copied());
        recipients.extend(caps.recipient_kinds.iter().copied());
    }
    if degrading && content.contains(&ContentKind::Text) {
        content.extend([
            ContentKind::ReplyButtons,
            ContentKind::ChoiceList,
            ContentKind::Location,
        ]);
    }
    content.sort_by_key(|k| k.as_str());
    content.dedup();
    recipients.sort_by_key(|k| k.as_str());
    recipients.dedup();
    Capabilities::new()
        .content_kinds(content)
        .recipient_kinds(recipients)
}

impl Route {
    /// A route called `name` over `channels`, tried in order, with the
    /// default [`FailoverPolicy`].
    pub fn new(
        name: impl Into<String>,
        channels: impl IntoIterator<Item = Arc<dyn Channel>>,
    ) -> Self {
        let channels: Vec<_> = channels.into_iter().collect();
        let policy = FailoverPolicy::default();
        let caps = union(&channels, true);
        Route {
            info: ChannelInfo::new(name, "route", "").capabilities(caps),
            channels,
            policy,
            directory: None,
            windows: None,
        }
    }

    /// Replaces the whole policy.
    #[must_use]
    pub fn policy(mut self, policy: FailoverPolicy) -> Self {
        self.info.capabilities =
            union(&self.channels, policy.unsupported == OnUnsupported::Degrade);
        self.policy = policy;
        self
    }

    /// What to do on a closed window.
    #[must_use]
    pub fn on_closed_window(mut self, action: OnClosedWindow) -> Self {
        self.policy.closed_window = action;
        self
    }

    /// What to do with content a channel cannot express.
    #[must_use]
    pub fn on_unsupported(mut self, action: OnUnsupported) -> Self {
        self.policy.unsupported = action;
        self.info.capabilities = union(&self.channels, action == OnUnsupported::Degrade);
        self
    }

    /// Moves on after an ambiguous failure too (a customer may get the
    /// message twice).
    #[must_use]
    pub fn move_on_after_ambiguous(mut self, move_on: bool) -> Self {
        self.policy.after_ambiguous = move_on;
        self
    }

    /// Where customers' addresses are found ([`Route::send_to_customer`]).
    #[must_use]
    pub fn directory(mut self, directory: Arc<dyn Directory>) -> Self {
        self.directory = Some(directory);
        self
    }

    /// Prefers, for a customer, the channels whose customer-service window
    /// is open according to `tracker` and each platform's window rule.
    #[must_use]
    pub fn windows(mut self, tracker: Arc<WindowTracker>) -> Self {
        let registry = crate::Registry::discover().ok();
        let rules = self
            .channels
            .iter()
            .map(|c| {
                let plugin = registry.as_ref()?.get(&c.info().platform).ok()?;
                plugin.window_rule()
            })
            .collect();
        self.windows = Some(Windows { tracker, rules });
        self
    }

    /// The channels, in the order they are tried.
    pub fn channels(&self) -> &[Arc<dyn Channel>] {
        &self.channels
    }

    /// Sends `message` through the first channel that delivers it, by the
    /// policy; channels that cannot address its recipient are skipped.
    pub async fn send_routed(&self, message: &Message) -> Result<RoutedReceipt, Error> {
        let plan: Vec<(Arc<dyn Channel>, Option<Message>)> = self
            .channels
            .iter()
            .map(|c| {
                let addressable = c.info().capabilities.supports_recipient(message.to.kind);
                (c.clone(), addressable.then(|| message.clone()))
            })
            .collect();
        self.run(plan).await
    }

    /// Sends `content` to the customer `customer` of the route's directory:
    /// through each channel on which the customer has an address, channels
    /// with an open window first.
    pub async fn send_to_customer(
        &self,
        customer: &str,
        content: Content,
    ) -> Result<RoutedReceipt, Error> {
        let directory = self.directory.as_ref().ok_or_else(|| {
            Error::config(format!(
                "route `{}` has no customer directory",
                self.info.name
            ))
        })?;
        let found = directory.customer(customer)?.ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidRecipient,
                format!("no customer `{customer}` in the directory"),
            )
            .with_channel(&self.info.name)
        })?;
        let mut plan: Vec<(Arc<dyn Channel>, Option<Message>, bool)> = self
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let message = found
                    .address_on(&c.info().platform)
                    .map(|to| Message::new(to.clone(), content.clone()));
                let open = message.as_ref().is_some_and(|m| self.window_open(i, c, m));
                (c.clone(), message, open)
            })
            .collect();
        // Open windows first; the configured order otherwise.
        plan.sort_by_key(|(_, _, open)| !open);
        self.run(plan.into_iter().map(|(c, m, _)| (c, m)).collect())
            .await
    }

    /// Whether the platform's window lets `message` go now (no tracker or
    /// no rule: assumed open).
    fn window_open(&self, index: usize, channel: &Arc<dyn Channel>, message: &Message) -> bool {
        let Some(windows) = &self.windows else {
            return true;
        };
        let Some(rule) = windows.rules.get(index).copied().flatten() else {
            return true;
        };
        let since = windows
            .tracker
            .since_last_inbound(&channel.info().platform, &message.to.id);
        rule.check(message, since).is_ok()
    }

    async fn run(
        &self,
        plan: Vec<(Arc<dyn Channel>, Option<Message>)>,
    ) -> Result<RoutedReceipt, Error> {
        let mut attempts = Vec::new();
        let mut last: Option<Error> = None;
        for (channel, message) in plan {
            let Some(message) = message else {
                attempts.push(attempt(&channel, "skipped", None));
                continue;
            };
            match self.on_channel(&channel, message, &mut attempts).await {
                Step::Delivered(receipt) => {
                    return Ok(RoutedReceipt {
                        receipt,
                        account: channel.info().account.clone(),
                        attempts,
                    })
                }
                Step::Next(e) => last = Some(e),
                Step::Stop(e) => return Err(self.failed(e, &attempts)),
            }
        }
        let e = last.unwrap_or_else(|| {
            Error::new(
                ErrorKind::Unsupported,
                "no channel of the route can address this recipient",
            )
        });
        Err(self.failed(e, &attempts))
    }

    /// One channel: the original, then what the policy sends instead.
    async fn on_channel(
        &self,
        channel: &Arc<dyn Channel>,
        message: Message,
        attempts: &mut Vec<Attempt>,
    ) -> Step {
        let mut action = "original";
        let mut message = message;
        if !channel
            .info()
            .capabilities
            .supports_content(message.content.kind())
        {
            match self.instead_of_unsupported(&message) {
                Some(degraded) => {
                    message = degraded;
                    action = "degraded";
                }
                None => {
                    let e = Error::unsupported(
                        &channel.info().name,
                        format!("{} content", message.content.kind()),
                    );
                    attempts.push(attempt(channel, action, Some(&e)));
                    return self.after(e, true);
                }
            }
        }
        let error = match channel.send(&message).await {
            Ok(receipt) => {
                attempts.push(attempt(channel, action, None));
                return Step::Delivered(receipt);
            }
            Err(e) => e,
        };
        attempts.push(attempt(channel, action, Some(&error)));
        match error.kind() {
            ErrorKind::OutsideWindow => {
                self.closed_window(channel, &message, error, attempts).await
            }
            ErrorKind::Unsupported if action == "original" => {
                match self.instead_of_unsupported(&message) {
                    Some(degraded) => self.retry_as(channel, degraded, "degraded", attempts).await,
                    None => self.after(error, true),
                }
            }
            _ => self.after(error, false),
        }
    }

    async fn closed_window(
        &self,
        channel: &Arc<dyn Channel>,
        message: &Message,
        error: Error,
        attempts: &mut Vec<Attempt>,
    ) -> Step {
        match &self.policy.closed_window {
            OnClosedWindow::Stop => Step::Stop(error),
            OnClosedWindow::NextChannel => Step::Next(error),
            OnClosedWindow::Send(make) => match make(message) {
                Some(content) => {
                    let mut instead = message.clone();
                    instead.content = content;
                    self.retry_as(channel, instead, "template", attempts).await
                }
                None => Step::Next(error),
            },
        }
    }

    async fn retry_as(
        &self,
        channel: &Arc<dyn Channel>,
        message: Message,
        action: &'static str,
        attempts: &mut Vec<Attempt>,
    ) -> Step {
        match channel.send(&message).await {
            Ok(receipt) => {
                attempts.push(attempt(channel, action, None));
                Step::Delivered(receipt)
            }
            Err(e) => {
                attempts.push(attempt(channel, action, Some(&e)));
                self.after(e, false)
            }
        }
    }

    fn instead_of_unsupported(&self, message: &Message) -> Option<Message> {
        match self.policy.unsupported {
            OnUnsupported::Degrade => degrade(&message.content).map(|content| {
                let mut m = message.clone();
                m.content = content;
                m
            }),
            _ => None,
        }
    }

    /// Moves on, or stops, after `error` by the policy.
    fn after(&self, error: Error, unsupported: bool) -> Step {
        let p = &self.policy;
        let go = if unsupported {
            p.unsupported != OnUnsupported::Stop
        } else if error.is_ambiguous() {
            p.after_ambiguous
        } else if error.is_temporary() {
            p.after_temporary
        } else {
            p.after_permanent
        };
        if go {
            Step::Next(error)
        } else {
            Step::Stop(error)
        }
    }

    /// The route's error: the last channel's, naming every attempt.
    fn failed(&self, error: Error, attempts: &[Attempt]) -> Error {
        let tried: Vec<String> = attempts
            .iter()
            .map(|a| match &a.error {
                Some(e) => format!("{} ({}): {e}", a.channel, a.action),
                None => format!("{} ({})", a.channel, a.action),
            })
            .collect();
        let message = format!(
            "{} [route {}: {}]",
            error.message(),
            self.info.name,
            tried.join("; ")
        );
        let mut out = Error::new(error.kind(), message)
            .with_temporary(error.is_temporary())
            .with_ambiguous(error.is_ambiguous());
        if let Some(c) = error.channel() {
            out = out.with_channel(c);
        }
        if let Some(after) = error.retry_after() {
            out = out.with_retry_after(after);
        }
        if let Some(p) = error.platform() {
            out = out.with_platform(p.clone());
        }
        out
    }
}

enum Step {
    Delivered(Receipt),
    Next(Error),
    Stop(Error),
}

fn attempt(channel: &Arc<dyn Channel>, action: &'static str, error: Option<&Error>) -> Attempt {
    Attempt {
        channel: channel.info().name.clone(),
        account: channel.info().account.clone(),
        action,
        error: error.map(ToString::to_string),
        error_kind: error.map(Error::kind),
    }
}

#[crate::async_trait]
impl Channel for Route {
    fn info(&self) -> &ChannelInfo {
        &self.info
    }

    /// Each channel checks its own rules when the route reaches it.
    fn check_rules(&self, _: &Message, _: &mut Violations) -> Result<(), Error> {
        Ok(())
    }

    /// Valid when any channel that can address the recipient accepts it
    /// (or its degraded form); else the first channel's violations.
    fn validate(&self, message: &Message) -> Result<(), Error> {
        let mut first = None;
        for c in &self.channels {
            if !c.info().capabilities.supports_recipient(message.to.kind) {
                continue;
            }
            let result = match c.validate(message) {
                Err(e) if e.kind() == ErrorKind::Unsupported => {
                    match self.instead_of_unsupported(message) {
                        Some(degraded) => c.validate(&degraded),
                        None => Err(e),
                    }
                }
                other => other,
            };
            match result {
                Ok(()) => return Ok(()),
                Err(e) => {
                    first.get_or_insert(e);
                }
            }
        }
        Err(first.unwrap_or_else(|| {
            Error::unsupported(&self.info.name, format!("{} recipients", message.to.kind))
        }))
    }

    async fn send_validated(&self, message: &Message) -> Result<Receipt, Error> {
        self.send_routed(message).await.map(|r| r.receipt)
    }
}

/// Sends each message through its channel at once; one result per send,
/// in order, named by channel.
async fn send_all(
    sends: Vec<(Arc<dyn Channel>, Message)>,
) -> Vec<(String, Result<Receipt, Error>)> {
    let names: Vec<String> = sends.iter().map(|(c, _)| c.info().name.clone()).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (channel, message)) in sends.into_iter().enumerate() {
        tasks.spawn(async move { (i, channel.send(&message).await) });
    }
    let mut results: Vec<Option<Result<Receipt, Error>>> = names.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((i, result)) = joined {
            results[i] = Some(result);
        }
    }
    names
        .into_iter()
        .zip(results)
        .map(|(name, r)| {
            let r = r.unwrap_or_else(|| {
                Err(Error::new(ErrorKind::Network, "the send task panicked").with_channel(&name))
            });
            (name, r)
        })
        .collect()
}

/// Sends `message` over every channel of `channels` at once; one result per
/// channel, in the same order. A channel that cannot address the recipient
/// answers `Unsupported` without a request.
pub async fn broadcast(
    channels: &[Arc<dyn Channel>],
    message: &Message,
) -> Vec<(String, Result<Receipt, Error>)> {
    send_all(
        channels
            .iter()
            .map(|c| (c.clone(), message.clone()))
            .collect(),
    )
    .await
}

/// Sends `content` to the customer over every channel on which `directory`
/// knows an address, at once; one result per such channel, in order.
pub async fn broadcast_to_customer(
    channels: &[Arc<dyn Channel>],
    directory: &dyn Directory,
    customer: &str,
    content: &Content,
) -> Result<Vec<(String, Result<Receipt, Error>)>, Error> {
    let found = directory.customer(customer)?.ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidRecipient,
            format!("no customer `{customer}` in the directory"),
        )
    })?;
    let sends = channels
        .iter()
        .filter_map(|c| {
            let to = found.address_on(&c.info().platform)?;
            Some((c.clone(), Message::new(to.clone(), content.clone())))
        })
        .collect();
    Ok(send_all(sends).await)
}
