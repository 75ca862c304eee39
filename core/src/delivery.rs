//! Delivery policies as `tower` layers over any [`Channel`], with
//! Switchboard's [`Error`] end to end (feature `delivery`).
//!
//! A send is a `Service<Arc<Message>, Response = Receipt, Error = Error>`.
//! [`ChannelService`] turns a channel into one; the layers add:
//!
//! - [`IdempotencyLayer`]: a caller-supplied key maps to the first receipt; a
//!   second send with the same key returns it without a request.
//! - [`RetryLayer`]: retries only temporary errors, with exponential backoff
//!   and full jitter, honouring retry-after, within a bounded budget; never
//!   after the platform accepted the message, and never after an ambiguous
//!   failure (a timeout after the request went out) unless opted in.
//! - [`RateLimitLayer`]: per account (a sliding one-second window, never
//!   exceeded) and per recipient (a burst, then one message per interval),
//!   without a busy recipient holding up the others.
//! - [`TimeoutLayer`] and [`ConcurrencyLimitLayer`].
//! - [`TraceLayer`]: a `tracing` span per send with channel, masked
//!   recipient, attempt, message id and outcome.
//!
//! [`Delivery::for_channel`] composes them with defaults from the channel's
//! documented limits and gives back a [`Channel`].

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;
use tower::util::BoxCloneSyncService as BoxCloneService;
use tower::{Layer, Service, ServiceExt};
use tracing::Instrument;

use crate::channel::{Channel, ChannelInfo, Receipt};
use crate::error::{Error, ErrorKind, Violations};
use crate::message::Message;
use crate::webhook::WindowGuard;

/// The future of every delivery service.
pub type SendFuture = Pin<Box<dyn Future<Output = Result<Receipt, Error>> + Send>>;

/// A type-erased delivery stack.
pub type DeliveryService = BoxCloneService<Arc<Message>, Receipt, Error>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A [`Channel`] as a tower service: sends messages the stack above has
/// validated ([`Channel::send_validated`]).
#[derive(Clone)]
pub struct ChannelService(pub Arc<dyn Channel>);

impl Service<Arc<Message>> for ChannelService {
    type Response = Receipt;
    type Error = Error;
    type Future = SendFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, message: Arc<Message>) -> SendFuture {
        let channel = self.0.clone();
        Box::pin(async move { channel.send_validated(&message).await })
    }
}

// ------------------------------------------------------------------ idempotency

/// Where idempotency keys and their outcomes are kept.
#[async_trait::async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// The receipt of the first send with `key`, if it succeeded.
    async fn load(&self, key: &str) -> Result<Option<Receipt>, Error>;
    /// Records the receipt of the first successful send with `key`.
    async fn store(&self, key: &str, receipt: &Receipt) -> Result<(), Error>;
    /// Records that a send with `key` ended without knowing whether the
    /// platform took it (a timeout, a lost connection, a cancelled send).
    async fn store_unknown(&self, key: &str) -> Result<(), Error>;
    /// Whether a send with `key` ended without a known outcome.
    async fn is_unknown(&self, key: &str) -> Result<bool, Error>;
}

/// What is known of the first send with a key.
#[derive(Clone)]
enum Outcome {
    Sent(Receipt),
    Unknown,
}

/// An in-memory [`IdempotencyStore`] keeping the most recent `capacity` keys.
pub struct MemoryIdempotencyStore {
    capacity: usize,
    inner: Mutex<(HashMap<String, Outcome>, VecDeque<String>)>,
}

impl MemoryIdempotencyStore {
    /// Keeps the last `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        MemoryIdempotencyStore {
            capacity: capacity.max(1),
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    fn put(&self, key: &str, outcome: Outcome) {
        let mut g = lock(&self.inner);
        let (map, order) = &mut *g;
        if map.insert(key.to_string(), outcome).is_none() {
            order.push_back(key.to_string());
            while order.len() > self.capacity {
                if let Some(old) = order.pop_front() {
                    map.remove(&old);
                }
            }
        }
    }
}

impl Default for MemoryIdempotencyStore {
    /// Keeps the last 100,000 keys.
    fn default() -> Self {
        MemoryIdempotencyStore::new(100_000)
    }
}

#[async_trait::async_trait]
impl IdempotencyStore for MemoryIdempotencyStore {
    async fn load(&self, key: &str) -> Result<Option<Receipt>, Error> {
        Ok(match lock(&self.inner).0.get(key) {
            Some(Outcome::Sent(r)) => Some(r.clone()),
            _ => None,
        })
    }

    async fn store(&self, key: &str, receipt: &Receipt) -> Result<(), Error> {
        self.put(key, Outcome::Sent(receipt.clone()));
        Ok(())
    }

    async fn store_unknown(&self, key: &str) -> Result<(), Error> {
        self.put(key, Outcome::Unknown);
        Ok(())
    }

    async fn is_unknown(&self, key: &str) -> Result<bool, Error> {
        Ok(matches!(
            lock(&self.inner).0.get(key),
            Some(Outcome::Unknown)
        ))
    }
}

/// Coalesces sends with the same idempotency key (see the module docs).
#[derive(Clone)]
pub struct IdempotencyLayer {
    store: Arc<dyn IdempotencyStore>,
    namespace: String,
}

impl IdempotencyLayer {
    /// Keys live in `store`, prefixed with `namespace` (the channel name).
    pub fn new(store: Arc<dyn IdempotencyStore>, namespace: impl Into<String>) -> Self {
        IdempotencyLayer {
            store,
            namespace: namespace.into(),
        }
    }
}

impl<S> Layer<S> for IdempotencyLayer {
    type Service = Idempotency<S>;

    fn layer(&self, inner: S) -> Idempotency<S> {
        Idempotency {
            inner,
            store: self.store.clone(),
            namespace: Arc::from(self.namespace.as_str()),
            in_flight: Arc::default(),
        }
    }
}

/// A key's send in progress, or one whose outcome is unknown in this process.
enum InFlight {
    Sending(Arc<Notify>),
    Unknown,
}

type InFlightMap = Arc<Mutex<HashMap<String, InFlight>>>;

/// The service of [`IdempotencyLayer`].
#[derive(Clone)]
pub struct Idempotency<S> {
    inner: S,
    store: Arc<dyn IdempotencyStore>,
    namespace: Arc<str>,
    in_flight: InFlightMap,
}

/// The error for a key whose first send ended without a known outcome: it
/// is not sent again, so that no one gets the message twice.
fn unknown_outcome(key: &str) -> Error {
    Error::new(
        ErrorKind::Duplicate,
        format!(
            "an earlier send with idempotency key `{key}` ended without knowing whether the \
             platform took it (timeout, lost connection or cancelled); it is not sent again: \
             check whether it arrived, then send with a new key if it did not"
        ),
    )
    .with_ambiguous(true)
    .with_temporary(false)
}

/// Releases a key when its send ends, however it ends: dropped before an
/// outcome (the caller gave up, a timeout above cancelled it), the key is
/// marked unknown, in this process at once and in the store soon after.
struct KeyGuard {
    key: String,
    in_flight: InFlightMap,
    store: Arc<dyn IdempotencyStore>,
    settled: bool,
}

impl KeyGuard {
    fn settle(mut self, unknown: bool) {
        self.settled = true;
        self.release(unknown);
    }

    fn release(&self, unknown: bool) {
        let previous = {
            let mut map = lock(&self.in_flight);
            if unknown {
                map.insert(self.key.clone(), InFlight::Unknown)
            } else {
                map.remove(&self.key)
            }
        };
        if let Some(InFlight::Sending(n)) = previous {
            n.notify_waiters();
        }
    }
}

impl Drop for KeyGuard {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        self.release(true);
        let (store, key) = (self.store.clone(), self.key.clone());
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Err(e) = store.store_unknown(&key).await {
                    tracing::warn!(error = %e, "idempotency store failed");
                }
            });
        }
    }
}

impl<S> Idempotency<S> {
    /// Waits until no send with `key` is in progress; `Ok(Some(receipt))`
    /// when an earlier one succeeded, an error when its outcome is unknown,
    /// `Ok(None)` when this send may go (the key is then held).
    async fn claim(&self, key: &str) -> Result<Option<Receipt>, Error> {
        loop {
            if let Some(receipt) = self.store.load(key).await? {
                tracing::debug!(key = %key, "idempotency key seen: returning the first receipt");
                return Ok(Some(receipt));
            }
            if self.store.is_unknown(key).await? {
                return Err(unknown_outcome(key));
            }
            // Only one send per key at a time; the others wait for its outcome.
            let wait = {
                let mut map = lock(&self.in_flight);
                match map.get(key) {
                    Some(InFlight::Unknown) => return Err(unknown_outcome(key)),
                    Some(InFlight::Sending(n)) => n.clone(),
                    None => {
                        map.insert(key.to_string(), InFlight::Sending(Arc::new(Notify::new())));
                        return Ok(None);
                    }
                }
            };
            let notified = wait.notified();
            if matches!(lock(&self.in_flight).get(key), Some(InFlight::Sending(_))) {
                notified.await;
            }
        }
    }
}

impl<S> Service<Arc<Message>> for Idempotency<S>
where
    S: Service<Arc<Message>, Response = Receipt, Error = Error> + Clone + Send + Sync + 'static,
    S::Future: Send,
{
    type Response = Receipt;
    type Error = Error;
    type Future = SendFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, message: Arc<Message>) -> SendFuture {
        let Some(key) = message.options.idempotency_key.clone() else {
            return Box::pin(self.inner.call(message));
        };
        let key = format!("{}:{key}", self.namespace);
        let this = self.clone();
        Box::pin(async move {
            if let Some(receipt) = this.claim(&key).await? {
                return Ok(receipt);
            }
            let guard = KeyGuard {
                key: key.clone(),
                in_flight: this.in_flight.clone(),
                store: this.store.clone(),
                settled: false,
            };
            let result = this.inner.clone().oneshot(message).await;
            match &result {
                Ok(receipt) => {
                    if let Err(e) = this.store.store(&key, receipt).await {
                        tracing::warn!(error = %e, "idempotency store failed");
                    }
                    guard.settle(false);
                }
                Err(e) if e.is_ambiguous() => {
                    if let Err(e) = this.store.store_unknown(&key).await {
                        tracing::warn!(error = %e, "idempotency store failed");
                    }
                    guard.settle(true);
                }
                // Refused for sure: the key stays free for a later attempt.
                Err(_) => guard.settle(false),
            }
            result
        })
    }
}

// ------------------------------------------------------------------------ retry

/// When and how often to retry.
///
/// ```
/// use std::time::Duration;
/// use switchboard::delivery::RetryPolicy;
/// let patient = RetryPolicy::default()
///     .max_attempts(8)
///     .backoff(Duration::from_millis(100), Duration::from_secs(5));
/// assert_eq!(patient.max_attempts, 8);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (≥ 1).
    pub max_attempts: u32,
    /// The first backoff; it doubles each attempt.
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
    /// The most time spent waiting between attempts, in all.
    pub max_total_delay: Duration,
    /// Retry ambiguous failures too (a duplicate may reach a real person).
    pub retry_ambiguous: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_total_delay: Duration::from_secs(60),
            retry_ambiguous: false,
        }
    }
}

impl RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff (doubling each attempt) and the longest one.
    #[must_use]
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max;
        self
    }

    /// The most time spent waiting between attempts, in all.
    #[must_use]
    pub fn max_total_delay(mut self, total: Duration) -> Self {
        self.max_total_delay = total;
        self
    }

    /// Retries ambiguous failures too: a duplicate may reach a real person.
    #[must_use]
    pub fn retry_ambiguous(mut self, retry: bool) -> Self {
        self.retry_ambiguous = retry;
        self
    }

    /// Whether `error` may be retried at all.
    pub fn retryable(&self, error: &Error) -> bool {
        error.is_temporary() && (self.retry_ambiguous || !error.is_ambiguous())
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1): full
    /// jitter over the exponential backoff, and never less than retry-after.
    pub fn delay(&self, attempt: u32, error: &Error) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.max_delay);
        let jittered = exp.mul_f64(jitter());
        match error.retry_after() {
            Some(after) => after.max(jittered),
            None => jittered,
        }
    }
}

/// A number in [0, 1) from a small xorshift generator (jitter needs no crypto).
fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let mut x = STATE.load(Ordering::Relaxed);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Retries temporary failures (see [`RetryPolicy`]).
#[derive(Clone, Default)]
pub struct RetryLayer {
    policy: Arc<RetryPolicy>,
}

impl RetryLayer {
    /// A retry layer with `policy`.
    pub fn new(policy: RetryPolicy) -> Self {
        RetryLayer {
            policy: Arc::new(policy),
        }
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;

    fn layer(&self, inner: S) -> Retry<S> {
        Retry {
            inner,
            policy: self.policy.clone(),
        }
    }
}

/// The service of [`RetryLayer`].
#[derive(Clone)]
pub struct Retry<S> {
    inner: S,
    policy: Arc<RetryPolicy>,
}

tokio::task_local! {
    /// The attempt number of the current send, for tracing.
    static ATTEMPT: u32;
}

/// The attempt number of the send in progress (1 outside a retry layer).
pub fn current_attempt() -> u32 {
    ATTEMPT.try_with(|a| *a).unwrap_or(1)
}

impl<S> Service<Arc<Message>> for Retry<S>
where
    S: Service<Arc<Message>, Response = Receipt, Error = Error> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Receipt;
    type Error = Error;
    type Future = SendFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, message: Arc<Message>) -> SendFuture {
        let inner = self.inner.clone();
        let policy = self.policy.clone();
        Box::pin(async move {
            let mut waited = Duration::ZERO;
            let mut attempt = 1;
            loop {
                let result = ATTEMPT
                    .scope(attempt, inner.clone().oneshot(message.clone()))
                    .await;
                let error = match result {
                    Ok(receipt) => return Ok(receipt),
                    Err(e) => e,
                };
                if attempt >= policy.max_attempts.max(1) || !policy.retryable(&error) {
                    return Err(error);
                }
                let delay = policy.delay(attempt, &error);
                // Saturating: a platform may answer any Retry-After at all.
                if waited.saturating_add(delay) > policy.max_total_delay {
                    return Err(error);
                }
                tracing::debug!(attempt, ?delay, error = %error, "retrying");
                tokio::time::sleep(delay).await;
                waited = waited.saturating_add(delay);
                attempt += 1;
            }
        })
    }
}

// ------------------------------------------------------------------- rate limit

/// How fast to send.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct RateLimits {
    /// Messages per second for the whole account; never more in any
    /// one-second window.
    pub per_account: Option<u32>,
    /// Pacing per recipient.
    pub per_recipient: Option<RecipientPacing>,
    /// Pacing per group recipient ([`crate::RecipientKind::Group`]), when
    /// the platform paces groups apart (a cap per group per minute, say);
    /// else groups are paced as any recipient.
    pub per_group: Option<RecipientPacing>,
    /// Refuse with [`ErrorKind::RateLimited`] rather than wait longer than this.
    pub max_wait: Option<Duration>,
}

impl RateLimits {
    /// No limits; add them with the setters.
    pub fn new() -> Self {
        RateLimits::default()
    }

    /// At most `per_second` messages for the account in any one second.
    #[must_use]
    pub fn per_account(mut self, per_second: u32) -> Self {
        self.per_account = Some(per_second);
        self
    }

    /// Paces each recipient.
    #[must_use]
    pub fn per_recipient(mut self, pacing: RecipientPacing) -> Self {
        self.per_recipient = Some(pacing);
        self
    }

    /// Paces each group recipient with `pacing` instead.
    #[must_use]
    pub fn per_group(mut self, pacing: RecipientPacing) -> Self {
        self.per_group = Some(pacing);
        self
    }

    /// Refuses rather than waits longer than `max_wait`.
    #[must_use]
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = Some(max_wait);
        self
    }
}

/// How fast one recipient gets messages: `burst` at once, then one per `interval`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecipientPacing {
    /// Messages sent at once before the pacing applies.
    pub burst: u32,
    /// Then one message per this long.
    pub interval: Duration,
}

impl RecipientPacing {
    /// `burst` messages at once, then one per `interval`.
    pub fn new(burst: u32, interval: Duration) -> Self {
        RecipientPacing { burst, interval }
    }
}

/// The documented pacing of group recipients, when the channel declares one.
fn group_pacing(caps: &crate::Capabilities) -> Option<RecipientPacing> {
    caps.per_group_interval
        .map(|i| RecipientPacing::new(caps.per_group_burst.unwrap_or(1), i))
}

/// The longest per-recipient interval taken from configuration: a day.
pub const MAX_PACING_INTERVAL: Duration = Duration::from_secs(24 * 3600);

/// The longest per-attempt timeout taken from configuration: an hour.
pub const MAX_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3600);

/// A safety margin added to the one-second window.
const WINDOW_MARGIN: Duration = Duration::from_millis(2);

/// The account's send slots: `rate` of them; a slot is free again one second
/// after the send that used it completed. A request arrives at the platform
/// before its answer leaves, so no one-second window at the platform ever
/// holds more than `rate` requests, whatever the network latency. The price
/// is a cycle of one second plus the latency per slot.
struct AccountSlots {
    free_at: VecDeque<Instant>,
    issued: usize,
}

/// Paces sends (see [`RateLimits`]).
#[derive(Clone)]
pub struct RateLimitLayer {
    limits: Arc<RateLimits>,
    slots: Arc<Mutex<AccountSlots>>,
    returned: Arc<Notify>,
    recipients: Arc<Mutex<HashMap<String, Instant>>>,
}

impl RateLimitLayer {
    /// A rate limiter with `limits`, shared by every service it wraps.
    pub fn new(limits: RateLimits) -> Self {
        RateLimitLayer {
            limits: Arc::new(limits),
            slots: Arc::new(Mutex::new(AccountSlots {
                free_at: VecDeque::new(),
                issued: 0,
            })),
            returned: Arc::new(Notify::new()),
            recipients: Arc::default(),
        }
    }
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimit<S>;

    fn layer(&self, inner: S) -> RateLimit<S> {
        RateLimit {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service of [`RateLimitLayer`].
#[derive(Clone)]
pub struct RateLimit<S> {
    inner: S,
    layer: RateLimitLayer,
}

/// An account slot in use; returned when dropped (after the send completed).
struct Slot {
    slots: Arc<Mutex<AccountSlots>>,
    returned: Arc<Notify>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let free = Instant::now() + Duration::from_secs(1) + WINDOW_MARGIN;
        lock(&self.slots).free_at.push_back(free);
        self.returned.notify_one();
    }
}

impl RateLimitLayer {
    /// Reserves the recipient's next slot (GCRA: a burst, then one per
    /// interval) and returns when it starts.
    fn recipient_slot(&self, to: &crate::Recipient, now: Instant) -> Option<Instant> {
        let pacing = match to.kind {
            crate::RecipientKind::Group => self.limits.per_group.or(self.limits.per_recipient),
            _ => self.limits.per_recipient,
        };
        let RecipientPacing { burst, interval } = pacing?;
        let key = to.id.as_str();
        let tolerance = interval.saturating_mul(burst.max(1) - 1);
        let mut map = lock(&self.recipients);
        let tat = map.get(key).copied().unwrap_or(now).max(now);
        let start = (tat.checked_sub(tolerance)).unwrap_or(now).max(now);
        // A pacing set in code may be absurdly long: never overflow the clock.
        let next = tat
            .checked_add(interval)
            .or_else(|| tat.checked_add(MAX_PACING_INTERVAL))
            .unwrap_or(tat);
        map.insert(key.to_string(), next);
        // Keep the map from growing without end: forget recipients that are idle.
        if map.len() > 100_000 {
            map.retain(|_, t| *t > now);
        }
        Some(start)
    }

    fn too_long(&self, wait: Duration, what: &str) -> Result<(), Error> {
        match self.limits.max_wait {
            Some(max) if wait > max => {
                Err(Error::new(ErrorKind::RateLimited, what.to_string()).with_retry_after(wait))
            }
            _ => Ok(()),
        }
    }

    async fn account_slot(&self, rate: u32) -> Result<Slot, Error> {
        loop {
            let notified = self.returned.notified();
            let next = {
                let mut s = lock(&self.slots);
                if s.issued < rate as usize {
                    s.issued += 1;
                    Some(Instant::now())
                } else {
                    s.free_at.pop_front()
                }
            };
            match next {
                Some(at) => {
                    if let Err(e) = self.too_long(
                        at.saturating_duration_since(Instant::now()),
                        "the account's send rate is reached",
                    ) {
                        lock(&self.slots).free_at.push_front(at);
                        self.returned.notify_one();
                        return Err(e);
                    }
                    tokio::time::sleep_until(at).await;
                    return Ok(Slot {
                        slots: self.slots.clone(),
                        returned: self.returned.clone(),
                    });
                }
                // Every slot is in use: wait for one to come back.
                None => notified.await,
            }
        }
    }

    async fn wait(&self, message: &Message) -> Result<Option<Slot>, Error> {
        let now = Instant::now();
        if let Some(start) = self.recipient_slot(&message.to, now) {
            self.too_long(
                start.saturating_duration_since(now),
                "too many messages to this recipient: its next slot is too far away",
            )?;
            tokio::time::sleep_until(start).await;
        }
        match self.limits.per_account {
            Some(rate) => self.account_slot(rate.max(1)).await.map(Some),
            None => Ok(None),
        }
    }
}

impl<S> Service<Arc<Message>> for RateLimit<S>
where
    S: Service<Arc<Message>, Response = Receipt, Error = Error> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Receipt;
    type Error = Error;
    type Future = SendFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, message: Arc<Message>) -> SendFuture {
        let inner = self.inner.clone();
        let layer = self.layer.clone();
        Box::pin(async move {
            let started = Instant::now();
            let slot = layer.wait(&message).await?;
            let waited = started.elapsed();
            let result = PACED.scope(Some(waited), inner.oneshot(message)).await;
            drop(slot);
            result
        })
    }
}

// ------------------------------------------------------ timeout and concurrency

/// Bounds each attempt's time; a timeout is ambiguous (the request may have gone out).
#[derive(Clone, Copy, Debug)]
pub struct TimeoutLayer(pub Duration);

impl<S> Layer<S> for TimeoutLayer {
    type Service = Timeout<S>;

    fn layer(&self, inner: S) -> Timeout<S> {
        Timeout {
            inner,
            limit: self.0,
        }
    }
}

/// The service of [`TimeoutLayer`].
#[derive(Clone)]
pub struct Timeout<S> {
    inner: S,
    limit: Duration,
}

impl<S> Service<Arc<Message>> for Timeout<S>
where
    S: Service<Arc<Message>, Response = Receipt, Error = Error> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Receipt;
    type Error = Error;
    type Future = SendFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, message: Arc<Message>) -> SendFuture {
        let fut = self.inner.call(message);
        let limit = self.limit;
        Box::pin(async move {
            match tokio::time::timeout(limit, fut).await {
                Ok(result) => result,
                Err(_) => Err(Error::new(
                    ErrorKind::Timeout,
                    format!("no answer within {limit:?}; the message may have been accepted"),
                )
                .with_ambiguous(true)),
            }
        })
    }
}

/// At most `n` sends in flight; the others wait their turn.
#[derive(Clone)]
pub struct ConcurrencyLimitLayer(Arc<Semaphore>);

impl ConcurrencyLimitLayer {
    /// At most `n` (≥ 1) sends at once.
    pub fn new(n: usize) -> Self {
        ConcurrencyLimitLayer(Arc::new(Semaphore::new(n.max(1))))
    }
}

impl<S> Layer<S> for ConcurrencyLimitLayer {
    type Service = ConcurrencyLimit<S>;

    fn layer(&self, inner: S) -> ConcurrencyLimit<S> {
        ConcurrencyLimit {
            inner,
            permits: self.0.clone(),
        }
    }
}

/// The service of [`ConcurrencyLimitLayer`].
#[derive(Clone)]
pub struct ConcurrencyLimit<S> {
    inner: S,
    permits: Arc<Semaphore>,
}

impl<S> Service<Arc<Message>> for ConcurrencyLimit<S>
where
    S: Service<Arc<Message>, Response = Receipt, Error = Error> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Receipt;
    type Error = Error;
    type Future = SendFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, message: Arc<Message>) -> SendFuture {
        let inner = self.inner.clone();
        let permits = self.permits.clone();
        Box::pin(async move {
            let _permit = permits
                .acquire_owned()
                .await
                .map_err(|_| Error::new(ErrorKind::Config, "the concurrency limit was closed"))?;
            inner.oneshot(message).await
        })
    }
}

// ----------------------------------------------------------------------- window

/// Refuses what the customer-service window does not allow, before any
/// waiting or request (see [`WindowGuard`]).
#[derive(Clone)]
pub struct WindowLayer {
    guard: WindowGuard,
    info: Arc<ChannelInfo>,
}

impl WindowLayer {
    /// `guard` for the channel described by `info`.
    pub fn new(guard: WindowGuard, info: ChannelInfo) -> Self {
        WindowLayer {
            guard,
            info: Arc::new(info),
        }
    }
}

impl<S> Layer<S> for WindowLayer {
    type Service = WindowCheck<S>;

    fn layer(&self, inner: S) -> WindowCheck<S> {
        WindowCheck {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service of [`WindowLayer`].
#[derive(Clone)]
pub struct WindowCheck<S> {
    inner: S,
    layer: WindowLayer,
}

impl<S> Service<Arc<Message>> for WindowCheck<S>
where
    S: Service<Arc<Message>, Response = Receipt, Error = Error> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Receipt;
    type Error = Error;
    type Future = SendFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, message: Arc<Message>) -> SendFuture {
        if let Err(refused) = self.layer.guard.check(&self.layer.info, &message) {
            return Box::pin(std::future::ready(Err(refused)));
        }
        Box::pin(self.inner.call(message))
    }
}

// ---------------------------------------------------------------------- tracing

/// `recipient` with all but its last 4 characters masked.
pub fn mask(recipient: &str) -> String {
    let n = recipient.chars().count();
    recipient
        .chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n { '*' } else { c })
        .collect()
}

/// A `tracing` span per attempt: channel, masked recipient, attempt, and on
/// completion the message id or the error kind. It also records the
/// attempt in the [`metrics`](https://docs.rs/metrics) facade (a no-op
/// until an application installs a recorder, e.g. a Prometheus exporter),
/// named after OpenTelemetry's messaging conventions:
///
/// - `messaging.client.sent.messages` (counter; `messaging.system`,
///   `switchboard.channel`, `outcome` = `accepted` | `failed`, `error.type`);
/// - `messaging.client.operation.duration` (histogram, seconds);
/// - `switchboard.delivery.retries` (counter: attempts after the first);
/// - `switchboard.delivery.pacing.wait` (histogram, seconds the rate limits
///   held the send).
///
/// The handles are registered when the stack is built: install the
/// recorder before building channels.
#[derive(Clone)]
pub struct TraceLayer {
    channel: Arc<str>,
    platform: Arc<str>,
}

impl TraceLayer {
    /// Spans named after `channel`.
    pub fn new(channel: &str) -> Self {
        TraceLayer {
            channel: Arc::from(channel),
            platform: Arc::from(""),
        }
    }

    /// Labels the metrics with the channel's platform (`messaging.system`).
    #[must_use]
    pub fn platform(mut self, platform: &str) -> Self {
        self.platform = Arc::from(platform);
        self
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Trace<S> {
        Trace {
            inner,
            channel: self.channel.clone(),
            metrics: Arc::new(SendMetrics::new(&self.platform, &self.channel)),
        }
    }
}

/// The service of [`TraceLayer`].
#[derive(Clone)]
pub struct Trace<S> {
    inner: S,
    channel: Arc<str>,
    metrics: Arc<SendMetrics>,
}

/// The metric handles of one channel's stack (see [`TraceLayer`]),
/// registered once so that an attempt allocates nothing for them.
struct SendMetrics {
    labels: [(&'static str, String); 2],
    accepted: metrics::Counter,
    duration: metrics::Histogram,
    retries: metrics::Counter,
    pacing: metrics::Histogram,
}

impl SendMetrics {
    fn new(platform: &str, channel: &str) -> Self {
        let labels = [
            ("messaging.system", platform.to_string()),
            ("switchboard.channel", channel.to_string()),
        ];
        let sent = |outcome: &'static str, error: &'static str| {
            let mut l = labels.to_vec();
            l.push(("outcome", outcome.to_string()));
            l.push(("error.type", error.to_string()));
            metrics::counter!("messaging.client.sent.messages", &l)
        };
        SendMetrics {
            accepted: sent("accepted", ""),
            duration: metrics::histogram!("messaging.client.operation.duration", &labels),
            retries: metrics::counter!("switchboard.delivery.retries", &labels),
            pacing: metrics::histogram!("switchboard.delivery.pacing.wait", &labels),
            labels,
        }
    }

    /// Records one attempt.
    fn record(&self, result: &Result<Receipt, Error>, took: Duration) {
        match result {
            Ok(_) => self.accepted.increment(1),
            Err(e) => {
                let mut l = self.labels.to_vec();
                l.push(("outcome", "failed".to_string()));
                l.push(("error.type", e.kind().as_str().to_string()));
                metrics::counter!("messaging.client.sent.messages", &l).increment(1);
            }
        }
        self.duration.record(took.as_secs_f64());
        if current_attempt() > 1 {
            self.retries.increment(1);
        }
        if let Ok(Some(waited)) = PACED.try_with(|w| *w) {
            self.pacing.record(waited.as_secs_f64());
        }
    }
}

tokio::task_local! {
    /// How long the rate limits held the send in progress.
    static PACED: Option<Duration>;
}

impl<S> Service<Arc<Message>> for Trace<S>
where
    S: Service<Arc<Message>, Response = Receipt, Error = Error> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Receipt;
    type Error = Error;
    type Future = SendFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, message: Arc<Message>) -> SendFuture {
        let span = tracing::info_span!(
            "send",
            channel = %self.channel,
            recipient = %mask(&message.to.id),
            attempt = current_attempt(),
            message_id = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let fut = self.inner.call(message);
        let metrics = self.metrics.clone();
        Box::pin(
            async move {
                let started = Instant::now();
                let result = fut.await;
                metrics.record(&result, started.elapsed());
                let span = tracing::Span::current();
                match &result {
                    Ok(r) => {
                        span.record("message_id", r.message_id.as_str());
                        span.record("outcome", "accepted");
                    }
                    Err(e) => {
                        span.record("outcome", e.kind().as_str());
                    }
                }
                result
            }
            .instrument(span),
        )
    }
}

// --------------------------------------------------------------------- delivery

/// A delivery stack over one channel, itself a [`Channel`].
///
/// ```no_run
/// # async fn demo(channel: std::sync::Arc<dyn switchboard::Channel>) -> Result<(), switchboard::Error> {
/// use switchboard::delivery::Delivery;
/// use switchboard::{Channel, Message, Recipient};
/// let reliable = Delivery::for_channel(channel).build();
/// let msg = Message::text(Recipient::phone_number("+16505551234"), "Shipped")
///     .idempotency_key("order-1042-shipped");
/// reliable.send(&msg).await?; // paced, retried when safe, sent once per key
/// # Ok(()) }
/// ```
pub struct Delivery {
    channel: Arc<dyn Channel>,
    retry: Option<RetryPolicy>,
    limits: RateLimits,
    timeout: Option<Duration>,
    concurrency: Option<usize>,
    idempotency: Option<Arc<dyn IdempotencyStore>>,
    window: Option<WindowGuard>,
}

impl Delivery {
    /// Defaults from the channel's documented limits: its account rate and
    /// per-recipient pacing, retries of temporary failures, an in-memory
    /// idempotency store, 256 sends in flight. No extra timeout: the channels
    /// bound each request themselves (`timeout_secs`); add one with
    /// [`Delivery::timeout`] for channels that do not.
    pub fn for_channel(channel: Arc<dyn Channel>) -> Self {
        let caps = &channel.info().capabilities;
        let per_account = caps.messages_per_second.map(|r| r.floor().max(1.0) as u32);
        let per_recipient = caps
            .per_recipient_interval
            .map(|i| RecipientPacing::new(caps.per_recipient_burst.unwrap_or(1), i));
        let per_group = group_pacing(caps);
        Delivery {
            channel,
            retry: Some(RetryPolicy::default()),
            limits: RateLimits {
                per_account,
                per_recipient,
                per_group,
                max_wait: None,
            },
            timeout: None,
            concurrency: Some(256),
            idempotency: Some(Arc::new(MemoryIdempotencyStore::default())),
            window: None,
        }
    }

    /// Sets or removes the customer-service window check (first in the
    /// stack: a refused message waits for nothing).
    #[must_use]
    pub fn window(mut self, guard: Option<WindowGuard>) -> Self {
        self.window = guard;
        self
    }

    /// Sets or removes the retry policy.
    #[must_use]
    pub fn retry(mut self, policy: Option<RetryPolicy>) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the rate limits.
    #[must_use]
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets or removes the per-attempt timeout.
    #[must_use]
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets or removes the concurrency limit.
    #[must_use]
    pub fn concurrency(mut self, n: Option<usize>) -> Self {
        self.concurrency = n;
        self
    }

    /// Sets or removes the idempotency store.
    #[must_use]
    pub fn idempotency(mut self, store: Option<Arc<dyn IdempotencyStore>>) -> Self {
        self.idempotency = store;
        self
    }

    /// The concrete stack: window → idempotency → retry → rate limit →
    /// trace → timeout → concurrency limit → channel. Cloning it (once per send and
    /// per attempt) clones `Arc`s only.
    fn stack(
        &self,
    ) -> impl Service<Arc<Message>, Response = Receipt, Error = Error, Future: Send>
           + Clone
           + Send
           + Sync
           + 'static {
        let name = self.channel.info().name.clone();
        let limited = self.limits.per_account.is_some()
            || self.limits.per_recipient.is_some()
            || self.limits.per_group.is_some();
        let info = self.channel.info();
        tower::ServiceBuilder::new()
            .option_layer(
                self.window
                    .clone()
                    .map(|guard| WindowLayer::new(guard, info.clone())),
            )
            .option_layer(
                self.idempotency
                    .clone()
                    .map(|store| IdempotencyLayer::new(store, name.clone())),
            )
            .option_layer(self.retry.clone().map(RetryLayer::new))
            .option_layer(limited.then(|| RateLimitLayer::new(self.limits.clone())))
            .layer(TraceLayer::new(&name).platform(&info.platform))
            .option_layer(self.timeout.map(TimeoutLayer))
            .option_layer(self.concurrency.map(ConcurrencyLimitLayer::new))
            .service(ChannelService(self.channel.clone()))
    }

    /// The tower service (type-erased): window → idempotency → retry →
    /// rate limit → trace → timeout → concurrency limit → channel.
    pub fn service(&self) -> DeliveryService {
        BoxCloneService::new(self.stack())
    }

    /// The stack as a [`Channel`].
    pub fn build(self) -> Arc<dyn Channel> {
        let service = self.stack();
        Arc::new(Delivered {
            keys: self.idempotency.is_some(),
            channel: self.channel,
            service,
        })
    }
}

/// Adjustments of the default stack, as read from a
/// `[channels.NAME.delivery]` table or given by the Python bindings; every
/// field is optional and defaults to the channel's documented limits. Read
/// it from TOML or JSON, or start from `default()` and set its fields.
#[non_exhaustive]
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    /// `false` sends straight through the channel.
    pub enabled: Option<bool>,
    /// The account rate.
    pub messages_per_second: Option<u32>,
    /// Messages one recipient may get at once.
    pub per_recipient_burst: Option<u32>,
    /// One message per this many seconds to a recipient, after the burst.
    pub per_recipient_interval_secs: Option<f64>,
    /// Attempts in all.
    pub max_attempts: Option<u32>,
    /// Retry ambiguous failures too.
    pub retry_ambiguous: Option<bool>,
    /// Time allowed for one attempt, in seconds.
    pub timeout_secs: Option<f64>,
    /// Sends in flight at most.
    pub concurrency: Option<usize>,
    /// The customer-service window check, where the platform has one.
    pub window: Option<WindowSetting>,
}

/// How the delivery stack checks the customer-service window.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowSetting {
    /// Refuse for customers the tracker knows to be outside the window; let
    /// the platform decide for the others (the default).
    #[default]
    Known,
    /// Refuse for every customer not heard from within the window.
    Strict,
    /// No local check.
    Off,
}

impl DeliverySettings {
    /// `channel` behind the default stack with these adjustments.
    pub fn apply(&self, channel: Arc<dyn Channel>) -> Result<Arc<dyn Channel>, Error> {
        self.apply_with_window(channel, None)
    }

    /// `channel` behind the default stack with these adjustments, checking
    /// the customer-service window with `guard` unless `window` is `off`.
    pub fn apply_with_window(
        &self,
        channel: Arc<dyn Channel>,
        guard: Option<WindowGuard>,
    ) -> Result<Arc<dyn Channel>, Error> {
        if self.enabled == Some(false) {
            return Ok(channel);
        }
        let secs = |v: f64, what: &str, max: Duration| {
            Duration::try_from_secs_f64(v)
                .ok()
                .filter(|d| !d.is_zero() && *d <= max)
                .ok_or_else(|| {
                    Error::config(format!(
                        "delivery.{what} must be a positive number of seconds, at most {}, got {v}",
                        max.as_secs()
                    ))
                })
        };
        let caps = channel.info().capabilities.clone();
        let interval = match self.per_recipient_interval_secs {
            Some(v) => Some(secs(v, "per_recipient_interval_secs", MAX_PACING_INTERVAL)?),
            None => caps.per_recipient_interval,
        };
        let mut policy = RetryPolicy::default();
        if let Some(n) = self.max_attempts {
            policy.max_attempts = n.max(1);
        }
        if let Some(a) = self.retry_ambiguous {
            policy.retry_ambiguous = a;
        }
        let mut delivery = Delivery::for_channel(channel)
            .rate_limits(RateLimits {
                per_account: self
                    .messages_per_second
                    .or(caps.messages_per_second.map(|r| r.floor().max(1.0) as u32)),
                per_recipient: interval.map(|i| {
                    RecipientPacing::new(
                        self.per_recipient_burst
                            .or(caps.per_recipient_burst)
                            .unwrap_or(1),
                        i,
                    )
                }),
                per_group: group_pacing(&caps),
                max_wait: None,
            })
            .retry(Some(policy));
        if let Some(t) = self.timeout_secs {
            delivery = delivery.timeout(Some(secs(t, "timeout_secs", MAX_ATTEMPT_TIMEOUT)?));
        }
        if let Some(c) = self.concurrency {
            delivery = delivery.concurrency(Some(c));
        }
        let guard = match self.window.unwrap_or_default() {
            WindowSetting::Off => None,
            WindowSetting::Known => guard,
            WindowSetting::Strict => {
                guard.map(|g| g.unknown_customers(crate::webhook::UnknownCustomers::Refuse))
            }
        };
        Ok(delivery.window(guard).build())
    }
}

/// A channel behind a delivery stack.
struct Delivered<S> {
    channel: Arc<dyn Channel>,
    /// Whether the stack has the idempotency layer.
    keys: bool,
    service: S,
}

#[async_trait::async_trait]
impl<S> Channel for Delivered<S>
where
    S: Service<Arc<Message>, Response = Receipt, Error = Error> + Clone + Send + Sync + 'static,
    S::Future: Send,
{
    fn info(&self) -> &ChannelInfo {
        self.channel.info()
    }

    fn check_rules(&self, message: &Message, violations: &mut Violations) -> Result<(), Error> {
        self.channel.check_rules(message, violations)
    }

    fn validate(&self, message: &Message) -> Result<(), Error> {
        self.channel.validate(message)
    }

    fn text_length(&self, message: &Message, text: &str) -> usize {
        self.channel.text_length(message, text)
    }

    fn honours_idempotency_keys(&self) -> bool {
        self.keys
    }

    /// The stack below sends what [`Channel::send`] validated once, before
    /// any waiting in a rate limiter.
    async fn send_validated(&self, message: &Message) -> Result<Receipt, Error> {
        self.service
            .clone()
            .oneshot(Arc::new(message.clone()))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_the_last_four() {
        assert_eq!(mask("+16505551234"), "********1234");
        assert_eq!(mask("123"), "123");
    }

    #[test]
    fn delays_grow_with_jitter_and_honour_retry_after() {
        let p = RetryPolicy::default();
        let e = Error::new(ErrorKind::PlatformUnavailable, "x");
        for attempt in 1..6 {
            let d = p.delay(attempt, &e);
            assert!(d <= p.base_delay * (1 << (attempt - 1)).min(p.max_delay.as_millis() as u32));
        }
        let e = e.with_retry_after(Duration::from_secs(6));
        assert!(p.delay(1, &e) >= Duration::from_secs(6));
        let amb = Error::new(ErrorKind::Timeout, "t").with_ambiguous(true);
        assert!(!p.retryable(&amb));
        assert!(RetryPolicy::default().retry_ambiguous(true).retryable(&amb));
        assert!(!p.retryable(&Error::new(ErrorKind::InvalidMessage, "x")));
    }
}
