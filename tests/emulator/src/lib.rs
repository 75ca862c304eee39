//! # switchboard-emulator
//!
//! The emulator harness: serves every registered platform emulator on
//! 127.0.0.1, records what they accepted and injects scripted failures.
//!
//! Each channel crate ships the emulator of its platform (feature `emulator`)
//! and registers it with [`register_emulator!`];
//! [`Emulator::start`] serves them all, each under `/{platform}`.

pub mod canned;
pub mod pipeline;

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use switchboard::plugin::ChannelConfig;
use switchboard::server::ServerLimits;
use switchboard::{Error, Recipient};

/// The access token every platform emulator accepts.
pub const EMULATOR_ACCESS_TOKEN: &str = "switchboard-emulator-token";

/// One platform's emulator, served by the harness under `/{platform}`.
pub trait PlatformEmulator: Send + Sync + 'static {
    /// The platform name; the same as the channel plugin's name.
    fn platform(&self) -> &'static str;

    /// The HTTP routes of the platform, relative to `/{platform}`.
    fn router(self: Arc<Self>) -> axum::Router;

    /// Settings for a channel of this platform that sends to this emulator,
    /// given the emulator's base URL for the platform (`http://127.0.0.1:port/{platform}`).
    fn channel_settings(&self, base_url: &str) -> toml::Table;

    /// A recipient the emulator accepts.
    fn sample_recipient(&self) -> Recipient;

    /// Human-readable lines describing endpoints and accepted credentials.
    fn describe(&self, base_url: &str) -> Vec<String>;

    /// The status webhook bodies for an accepted request, in the order the
    /// platform sends them: sent, delivered, read — or sent, failed with the
    /// error `failed_code` when given. Empty when the request has no statuses.
    fn status_webhooks(&self, record: &Record, failed_code: Option<i64>) -> Vec<Vec<u8>>;

    /// The webhook body of an inbound text message from `from`, and its message id.
    fn inbound_text_webhook(&self, from: &str, text: &str) -> (String, Vec<u8>);

    /// The error code the platform answers when an account's rate is exceeded.
    fn rate_limit_code(&self) -> i64;

    /// How the platform authenticates its webhook deliveries: the headers
    /// to add to a delivery of `body` signed with `secret`.
    fn webhook_signer(&self) -> WebhookSigner;
}

/// The headers that authenticate a webhook delivery of a body with a secret.
pub type WebhookSigner = fn(&switchboard::Secret, &[u8]) -> Vec<(&'static str, String)>;

/// A platform's account rate limit in the emulator.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in any one second.
    pub per_second: u32,
    /// The platform error code answered past it.
    pub error_code: i64,
}

impl RateLimit {
    /// `per_second` requests per second, then `error_code`.
    pub fn new(per_second: u32, error_code: i64) -> Self {
        RateLimit {
            per_second,
            error_code,
        }
    }
}

/// A limit of messages to one recipient in the emulator (WhatsApp's pair limit).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairLimit {
    /// Messages allowed to one recipient…
    pub max: u32,
    /// …within this long.
    pub per: std::time::Duration,
}

impl PairLimit {
    /// `max` messages to one recipient per `per`.
    pub fn new(max: u32, per: std::time::Duration) -> Self {
        PairLimit { max, per }
    }
}

/// A share of requests the emulator fails at random.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct FailureRate {
    /// The probability of a failure, 0 to 1.
    pub probability: f64,
    /// The failure answered.
    pub failure: Failure,
}

impl FailureRate {
    /// Fails with `failure` with `probability` (clamped to 0..=1).
    pub fn new(probability: f64, failure: Failure) -> Self {
        FailureRate {
            probability,
            failure,
        }
    }
}

/// How a platform emulator is created.
pub type EmulatorBuildFn = fn(EmulatorContext) -> Arc<dyn PlatformEmulator>;

/// A platform emulator registered with `inventory`.
pub struct EmulatorPlugin {
    platform: &'static str,
    build: EmulatorBuildFn,
}

impl EmulatorPlugin {
    /// An emulator plugin for `platform`.
    pub const fn new(platform: &'static str, build: EmulatorBuildFn) -> Self {
        EmulatorPlugin { platform, build }
    }

    /// The platform name.
    pub fn platform(&self) -> &'static str {
        self.platform
    }
}

impl fmt::Debug for EmulatorPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorPlugin")
            .field("platform", &self.platform)
            .finish()
    }
}

inventory::collect!(EmulatorPlugin);

/// Registers an [`EmulatorPlugin`] so that [`Emulator::start`] serves it.
#[macro_export]
macro_rules! register_emulator {
    ($plugin:expr) => {
        $crate::__private::inventory::submit! { $plugin }
    };
}

/// A request a platform emulator accepted.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The platform (`whatsapp`, `messenger`).
    pub platform: String,
    /// The account addressed (phone number id, page id).
    pub account: String,
    /// The recipient as written in the request.
    pub recipient: String,
    /// The message id the emulator answered with (empty for requests that return none).
    pub message_id: String,
    /// The request body as received.
    pub body: serde_json::Value,
}

impl Record {
    /// What `platform` accepted for `account`: the request `body` to
    /// `recipient`, answered with `message_id`.
    pub fn new(
        platform: impl Into<String>,
        account: impl Into<String>,
        recipient: impl Into<String>,
        message_id: impl Into<String>,
        body: serde_json::Value,
    ) -> Self {
        Record {
            platform: platform.into(),
            account: account.into(),
            recipient: recipient.into(),
            message_id: message_id.into(),
            body,
        }
    }
}

/// A failure the emulator answers instead of processing a request.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The platform's error body for `code` (and `subcode`), with the HTTP status the platform uses.
    Platform {
        /// The platform error code.
        code: i64,
        /// The platform's error subcode.
        subcode: Option<i64>,
    },
    /// A bare HTTP status with an empty body (a proxy or load balancer failure).
    Status(u16),
    /// The request is accepted, then its status webhook says `failed` with this error code.
    DeliveryFailed {
        /// The platform error code in the failed status's `errors[]`.
        code: i64,
    },
    /// The emulator waits this long before processing the request normally
    /// (past a client timeout, the message is accepted all the same).
    Hang(std::time::Duration),
}

/// Why the emulator refuses a request that is otherwise valid.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The account's rate limit is exceeded; answer with this code.
    RateLimited(i64),
    /// Too many messages to the same recipient (WhatsApp pair limit).
    PairLimited,
    /// Free-form content outside the recipient's 24-hour window.
    OutsideWindow,
}

#[derive(Default)]
struct Behaviour {
    /// Per platform: (messages per second, error code), and the send times in the last second.
    rate: HashMap<String, (u32, i64, VecDeque<u64>)>,
    /// Per platform: (max messages, per duration) to one recipient.
    pair: HashMap<String, (u32, u64)>,
    pair_log: HashMap<String, VecDeque<u64>>,
    /// Platforms enforcing the 24-hour window.
    window: HashSet<String>,
    last_inbound: HashMap<String, u64>,
    latency: HashMap<String, std::time::Duration>,
    /// Per platform: the probability of a failure and which.
    random_failure: HashMap<String, (f64, Failure)>,
    rng: u64,
    requests: HashMap<String, u64>,
}

/// Where the emulator posts a platform's webhooks.
#[derive(Clone)]
struct WebhookTarget {
    url: String,
    app_secret: switchboard::Secret,
    signer: WebhookSigner,
}

/// The records an emulator keeps unless told otherwise.
pub const DEFAULT_RECORD_LIMIT: usize = 100_000;

/// State shared by the harness and every platform emulator: records,
/// scripted failures and webhook targets.
#[derive(Clone, Default)]
pub struct EmulatorContext {
    records: Arc<Mutex<VecDeque<Record>>>,
    /// The most records kept (the oldest go first).
    record_limit: Arc<std::sync::atomic::AtomicUsize>,
    failures: Arc<Mutex<HashMap<String, VecDeque<Failure>>>>,
    webhooks: Arc<Mutex<HashMap<String, WebhookTarget>>>,
    webhook_log: Arc<Mutex<Vec<WebhookDelivery>>>,
    behaviour: Arc<Mutex<Behaviour>>,
    clock_offset_ms: Arc<AtomicU64>,
}

/// A webhook the emulator posted, and how the receiver answered.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// The platform.
    pub platform: String,
    /// The URL posted to.
    pub url: String,
    /// The HTTP status answered, or `None` when the post failed.
    pub status: Option<u16>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave these collections invalid.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl EmulatorContext {
    /// Stores an accepted request.
    pub fn record(&self, record: Record) {
        let limit = match self.record_limit.load(Ordering::Relaxed) {
            0 => DEFAULT_RECORD_LIMIT,
            n => n,
        };
        let mut records = lock(&self.records);
        records.push_back(record);
        while records.len() > limit {
            records.pop_front();
        }
    }

    /// Counts a request and takes the next scripted failure for `platform`,
    /// if any: first those queued by [`Emulator::fail_next`], then the random
    /// ones of [`Emulator::set_failure_rate`].
    pub fn next_failure(&self, platform: &str) -> Option<Failure> {
        {
            let mut b = lock(&self.behaviour);
            *b.requests.entry(platform.to_string()).or_default() += 1;
        }
        if let Some(f) = lock(&self.failures)
            .get_mut(platform)
            .and_then(VecDeque::pop_front)
        {
            return Some(f);
        }
        let mut b = lock(&self.behaviour);
        let (p, failure) = b.random_failure.get(platform).cloned()?;
        if b.rng == 0 {
            b.rng = 0x2545_F491_4F6C_DD1D;
        }
        b.rng ^= b.rng << 13;
        b.rng ^= b.rng >> 7;
        b.rng ^= b.rng << 17;
        let draw = (b.rng >> 11) as f64 / (1u64 << 53) as f64;
        (draw < p).then_some(failure)
    }

    /// The token requests must carry.
    pub fn access_token(&self) -> &'static str {
        EMULATOR_ACCESS_TOKEN
    }

    /// The emulator's clock (system time moved by [`Emulator::advance_clock`]), in ms.
    pub fn now_ms(&self) -> u64 {
        switchboard::webhook::Clock::now_ms(&switchboard::webhook::SystemClock)
            + self.clock_offset_ms.load(Ordering::SeqCst)
    }

    /// The added latency of `platform`, if any.
    pub fn latency(&self, platform: &str) -> Option<std::time::Duration> {
        lock(&self.behaviour).latency.get(platform).copied()
    }

    /// Records that `user` wrote to the business on `platform` now (opens the window).
    pub fn record_inbound(&self, platform: &str, user: &str) {
        let now = self.now_ms();
        lock(&self.behaviour)
            .last_inbound
            .insert(switchboard::webhook::window_key(platform, user), now);
    }

    /// Checks the configured rate limits and the window for one request to
    /// `recipient`; `window` is how long after the customer's last message
    /// the content may go (`None`: any time, e.g. templates). A request that
    /// passes is counted.
    pub fn gate(
        &self,
        platform: &str,
        recipient: &str,
        window: Option<std::time::Duration>,
    ) -> Option<Gate> {
        let now = self.now_ms();
        let mut b = lock(&self.behaviour);
        let key = switchboard::webhook::window_key(platform, recipient);
        if let (Some(window), true) = (window, b.window.contains(platform)) {
            let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
            let open = b
                .last_inbound
                .get(&key)
                .is_some_and(|at| now.saturating_sub(*at) <= window_ms);
            if !open {
                return Some(Gate::OutsideWindow);
            }
        }
        if let Some((per_second, code, log)) = b.rate.get_mut(platform) {
            while log.front().is_some_and(|t| now.saturating_sub(*t) >= 1000) {
                log.pop_front();
            }
            if log.len() as u32 >= *per_second {
                return Some(Gate::RateLimited(*code));
            }
            log.push_back(now);
        }
        if let Some((max, per_ms)) = b.pair.get(platform).copied() {
            let log = b.pair_log.entry(key).or_default();
            while log
                .front()
                .is_some_and(|t| now.saturating_sub(*t) >= per_ms)
            {
                log.pop_front();
            }
            if log.len() as u32 >= max {
                return Some(Gate::PairLimited);
            }
            log.push_back(now);
        }
        None
    }

    /// Whether webhooks of `platform` go somewhere.
    pub fn has_webhook(&self, platform: &str) -> bool {
        lock(&self.webhooks).contains_key(platform)
    }

    /// Posts `bodies` in order to `platform`'s webhook URL, signed the
    /// platform's way, in the background (no-op without a target).
    pub fn post_webhooks(&self, platform: &str, bodies: Vec<Vec<u8>>) {
        let Some(target) = lock(&self.webhooks).get(platform).cloned() else {
            return;
        };
        if bodies.is_empty() {
            return;
        }
        let log = self.webhook_log.clone();
        let platform = platform.to_string();
        tokio::spawn(async move {
            let client = match switchboard::plugin::http::client(std::time::Duration::from_secs(10))
            {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "emulator cannot post webhooks");
                    return;
                }
            };
            for body in bodies {
                let mut request = client
                    .post(&target.url)
                    .header("content-type", "application/json");
                for (name, value) in (target.signer)(&target.app_secret, &body) {
                    request = request.header(name, value);
                }
                let result = request.body(body).send().await;
                let status = match result {
                    Ok(r) => Some(r.status().as_u16()),
                    Err(e) => {
                        tracing::warn!(error = %e.without_url(), "emulator webhook post failed");
                        None
                    }
                };
                lock(&log).push(WebhookDelivery {
                    platform: platform.clone(),
                    url: target.url.clone(),
                    status,
                });
            }
        });
    }
}

/// The local stand-in for the messaging platforms, on 127.0.0.1.
///
/// ```no_run
/// # async fn demo() -> Result<(), switchboard::Error> {
/// use switchboard_emulator::Emulator;
/// let emulator = Emulator::start().await?;
/// println!("serving {:?} at {}", emulator.platforms(), emulator.base_url());
/// # Ok(()) }
/// ```
pub struct Emulator {
    addr: SocketAddr,
    context: EmulatorContext,
    platforms: Vec<Arc<dyn PlatformEmulator>>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Emulator {
    /// Serves every registered platform emulator on 127.0.0.1 on a free port.
    pub async fn start() -> Result<Emulator, Error> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Serves every registered platform emulator on `addr`.
    pub async fn start_on(addr: SocketAddr) -> Result<Emulator, Error> {
        Self::start_with(addr, ServerLimits::default()).await
    }

    /// Serves every registered platform emulator on `addr`, with `limits`
    /// on connections and requests (headers, request time, body size).
    pub async fn start_with(addr: SocketAddr, limits: ServerLimits) -> Result<Emulator, Error> {
        let context = EmulatorContext::default();
        let mut platforms: Vec<Arc<dyn PlatformEmulator>> = Vec::new();
        let mut router = axum::Router::new();
        for plugin in inventory::iter::<EmulatorPlugin> {
            if platforms.iter().any(|p| p.platform() == plugin.platform) {
                return Err(Error::config(format!(
                    "two emulators are registered for platform `{}`",
                    plugin.platform
                )));
            }
            let p = (plugin.build)(context.clone());
            router = router.nest(&format!("/{}", plugin.platform), p.clone().router());
            platforms.push(p);
        }
        if platforms.is_empty() {
            return Err(Error::config(
                "no platform emulator is linked: reference the channel crates with their \
                 `emulator` feature (e.g. `use switchboard_whatsapp as _;`)",
            ));
        }
        platforms.sort_by_key(|p| p.platform());
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::config(format!("emulator cannot listen on {addr}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::config(format!("emulator address: {e}")))?;
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let stopped = async move {
                let _ = rx.await;
            };
            if let Err(e) = switchboard::server::serve(listener, router, limits, stopped).await {
                tracing::error!(error = %e, "emulator stopped");
            }
        });
        tracing::info!(%addr, "emulator listening");
        Ok(Emulator {
            addr,
            context,
            platforms,
            shutdown: Some(tx),
        })
    }

    /// The socket address served.
    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of one platform: `http://127.0.0.1:PORT/{platform}`.
    pub fn platform_base_url(&self, platform: &str) -> String {
        format!("http://{}/{platform}", self.addr)
    }

    /// The platforms served, sorted.
    pub fn platforms(&self) -> Vec<&'static str> {
        self.platforms.iter().map(|p| p.platform()).collect()
    }

    fn platform(&self, platform: &str) -> Result<&Arc<dyn PlatformEmulator>, Error> {
        self.platforms
            .iter()
            .find(|p| p.platform() == platform)
            .ok_or_else(|| {
                Error::config(format!(
                    "the emulator serves no platform `{platform}`; it serves: {}",
                    self.platforms().join(", ")
                ))
            })
    }

    /// A configuration for a channel instance `name` of `platform` that sends to this emulator.
    pub fn channel_config(&self, platform: &str, name: &str) -> Result<ChannelConfig, Error> {
        let p = self.platform(platform)?;
        Ok(ChannelConfig::new(
            name,
            platform,
            p.channel_settings(&self.platform_base_url(platform)),
        ))
    }

    /// A Switchboard configuration (TOML) with one channel per served
    /// platform, named after it, that sends to this emulator.
    pub fn config_toml(&self) -> String {
        let mut channels = toml::Table::new();
        for p in &self.platforms {
            let mut settings = p.channel_settings(&self.platform_base_url(p.platform()));
            settings.insert("type".into(), p.platform().into());
            channels.insert(p.platform().to_string(), toml::Value::Table(settings));
        }
        let mut root = toml::Table::new();
        root.insert("channels".into(), toml::Value::Table(channels));
        root.to_string()
    }

    /// A recipient the platform emulator accepts.
    pub fn sample_recipient(&self, platform: &str) -> Result<Recipient, Error> {
        Ok(self.platform(platform)?.sample_recipient())
    }

    /// What a standalone emulator prints when it starts: its address, every
    /// endpoint with the credentials it accepts, and a ready configuration.
    pub fn banner(&self) -> String {
        let mut out = format!("Switchboard emulator listening on {}\n", self.base_url());
        for line in self.describe() {
            out.push_str("  ");
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str("\nA Switchboard configuration for it:\n\n");
        out.push_str(&self.config_toml());
        out
    }

    /// Lines describing every endpoint and the credentials it accepts.
    pub fn describe(&self) -> Vec<String> {
        self.platforms
            .iter()
            .flat_map(|p| p.describe(&self.platform_base_url(p.platform())))
            .collect()
    }

    /// Everything accepted so far, in order.
    pub fn records(&self) -> Vec<Record> {
        lock(&self.context.records).iter().cloned().collect()
    }

    /// Keeps at most `limit` records (100,000 by default), the oldest going
    /// first, so that a long run does not grow without end.
    pub fn set_record_limit(&self, limit: usize) {
        self.context
            .record_limit
            .store(limit.max(1), Ordering::Relaxed);
    }

    /// What was accepted for `platform`, optionally only for `recipient`.
    pub fn records_for(&self, platform: &str, recipient: Option<&str>) -> Vec<Record> {
        lock(&self.context.records)
            .iter()
            .filter(|r| r.platform == platform && recipient.is_none_or(|x| r.recipient == x))
            .cloned()
            .collect()
    }

    /// Makes the next `count` requests to `platform` fail with `failure`.
    pub fn fail_next(&self, platform: &str, count: usize, failure: Failure) {
        let mut f = lock(&self.context.failures);
        let q = f.entry(platform.to_string()).or_default();
        q.extend(std::iter::repeat_n(failure, count));
    }

    /// The access token the emulator accepts.
    pub fn access_token(&self) -> &'static str {
        EMULATOR_ACCESS_TOKEN
    }

    /// Posts `platform`'s webhooks (statuses of accepted messages, inbound
    /// messages) to `url`, signed with `app_secret` the platform's way.
    pub fn set_webhook(
        &self,
        platform: &str,
        url: impl Into<String>,
        app_secret: switchboard::Secret,
    ) -> Result<(), Error> {
        let signer = self.platform(platform)?.webhook_signer();
        lock(&self.context.webhooks).insert(
            platform.to_string(),
            WebhookTarget {
                url: url.into(),
                app_secret,
                signer,
            },
        );
        Ok(())
    }

    /// The error code `platform` answers past its rate limit.
    pub fn rate_limit_code(&self, platform: &str) -> Result<i64, Error> {
        Ok(self.platform(platform)?.rate_limit_code())
    }

    /// Limits `platform` to `per_second` requests per second; past it the
    /// platform's rate-limit error `code` is answered (WhatsApp 130429 or
    /// 80007, Messenger 613 or 4). `None` removes the limit.
    pub fn set_rate_limit(&self, platform: &str, limit: Option<RateLimit>) {
        let mut b = lock(&self.context.behaviour);
        match limit {
            Some(RateLimit {
                per_second,
                error_code: code,
            }) => {
                b.rate.insert(
                    platform.to_string(),
                    (per_second.max(1), code, VecDeque::new()),
                );
            }
            None => {
                b.rate.remove(platform);
            }
        }
    }

    /// Limits messages to one recipient to `max` per `per` (WhatsApp pair
    /// limit, answered with 131056). `None` removes the limit.
    pub fn set_pair_limit(&self, platform: &str, limit: Option<PairLimit>) {
        let mut b = lock(&self.context.behaviour);
        match limit {
            Some(PairLimit { max, per }) => {
                b.pair
                    .insert(platform.to_string(), (max.max(1), per.as_millis() as u64));
            }
            None => {
                b.pair.remove(platform);
            }
        }
    }

    /// Enforces the 24-hour customer-service window on `platform`: free-form
    /// content to a recipient not heard from in 24 hours is refused
    /// (WhatsApp 131047 / On-Premises 470, Messenger 10/2018278).
    pub fn enforce_window(&self, platform: &str, enforce: bool) {
        let mut b = lock(&self.context.behaviour);
        if enforce {
            b.window.insert(platform.to_string());
        } else {
            b.window.remove(platform);
        }
    }

    /// Opens `user`'s window on `platform` now, as if they had written.
    pub fn open_window(&self, platform: &str, user: &str) {
        self.context.record_inbound(platform, user);
    }

    /// Moves the emulator's clock forward (windows close, rate windows pass).
    pub fn advance_clock(&self, by: std::time::Duration) {
        self.context
            .clock_offset_ms
            .fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }

    /// Makes each request to `platform` fail with `failure` with probability
    /// `rate` (0 to 1; a seeded generator, so runs repeat). `None` stops it.
    pub fn set_failure_rate(&self, platform: &str, rate: Option<FailureRate>) {
        let mut b = lock(&self.context.behaviour);
        match rate {
            Some(FailureRate {
                probability: p,
                failure: f,
            }) => {
                b.random_failure
                    .insert(platform.to_string(), (p.clamp(0.0, 1.0), f));
            }
            None => {
                b.random_failure.remove(platform);
            }
        }
    }

    /// How many requests `platform` received, valid or not.
    pub fn request_count(&self, platform: &str) -> u64 {
        lock(&self.context.behaviour)
            .requests
            .get(platform)
            .copied()
            .unwrap_or(0)
    }

    /// Adds `latency` before every answer of `platform` (`None` removes it).
    pub fn set_latency(&self, platform: &str, latency: Option<std::time::Duration>) {
        let mut b = lock(&self.context.behaviour);
        match latency {
            Some(l) => {
                b.latency.insert(platform.to_string(), l);
            }
            None => {
                b.latency.remove(platform);
            }
        }
    }

    /// Posts an inbound text message from `from` to `platform`'s webhook;
    /// returns its message id. It opens `from`'s window.
    pub fn send_inbound_text(
        &self,
        platform: &str,
        from: &str,
        text: &str,
    ) -> Result<String, Error> {
        let p = self.platform(platform)?;
        if !self.context.has_webhook(platform) {
            return Err(Error::config(format!(
                "no webhook URL is set for {platform}: call set_webhook first"
            )));
        }
        let (id, body) = p.inbound_text_webhook(from, text);
        self.context.record_inbound(platform, from);
        self.context.post_webhooks(platform, vec![body]);
        Ok(id)
    }

    /// The webhooks posted so far and how they were answered.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        lock(&self.context.webhook_log).clone()
    }

    /// Stops serving.
    pub fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("platforms", &self.platforms())
            .finish()
    }
}

/// Runs a request's processing to completion even when the client goes away
/// (as the platform does: a client timeout does not cancel a send).
pub async fn detached<F>(processing: F) -> axum::response::Response
where
    F: std::future::Future<Output = axum::response::Response> + Send + 'static,
{
    use axum::response::IntoResponse;
    match tokio::spawn(processing).await {
        Ok(response) => response,
        Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[doc(hidden)]
pub mod __private {
    pub use inventory;
}
