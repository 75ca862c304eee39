//! Delivery layers against the emulator with injected failures: exactly-once
//! delivery under transient failures, no retry of permanent or ambiguous
//! failures, retry-after honoured, rate never exceeded, idempotency keys.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard::delivery::{Delivery, RateLimits, RecipientPacing, RetryPolicy};
use switchboard::plugin::Violations;
use switchboard::{
    Capabilities, Channel, ChannelInfo, ContentKind, Error, ErrorKind, Message, Receipt, Recipient,
    RecipientKind, Registry, Switchboard,
};
use switchboard_emulator::{Emulator, Failure, FailureRate, RateLimit};
use switchboard_tests as _;

fn raw(emulator: &Emulator, platform: &str) -> Arc<dyn Channel> {
    Registry::discover()
        .unwrap()
        .build(
            &emulator
                .channel_config(platform, platform)
                .unwrap()
                .set("timeout_secs", 2),
        )
        .unwrap()
}

fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(max_attempts)
        .backoff(Duration::from_millis(1), Duration::from_millis(20))
}

fn to(i: usize) -> Recipient {
    Recipient::phone_number(format!("+1650{i:07}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_sends_with_20_percent_transient_failures_arrive_exactly_once() {
    let emulator = Emulator::start().await.unwrap();
    emulator.set_failure_rate(
        "whatsapp",
        Some(FailureRate::new(
            0.2,
            Failure::Platform {
                code: 131000,
                subcode: None,
            },
        )),
    );
    let channel = Delivery::for_channel(raw(&emulator, "whatsapp"))
        .retry(Some(fast_retries(12)))
        .rate_limits(RateLimits::default())
        .concurrency(Some(64))
        .build();
    let sends = (0..1000).map(|i| {
        let channel = channel.clone();
        async move {
            channel
                .send(&Message::text(to(i), format!("message {i}")))
                .await
        }
    });
    let results = futures_join_all(sends).await;
    assert!(
        results.iter().all(Result::is_ok),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    let records = emulator.records_for("whatsapp", None);
    assert_eq!(records.len(), 1000);
    let bodies: HashSet<_> = records
        .iter()
        .map(|r| r.body["text"]["body"].to_string())
        .collect();
    assert_eq!(bodies.len(), 1000, "no duplicate reached the platform");
    let requests = emulator.request_count("whatsapp");
    assert!(
        requests > 1150,
        "about 20 % of attempts failed and were retried: {requests}"
    );
}

/// Joins futures without an extra dependency.
async fn futures_join_all<F, T>(futures: impl IntoIterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn permanent_errors_are_never_retried() {
    let emulator = Emulator::start().await.unwrap();
    let channel = Delivery::for_channel(raw(&emulator, "whatsapp"))
        .retry(Some(fast_retries(5)))
        .build();
    for code in [131009, 131047, 190, 131026, 132001] {
        let before = emulator.request_count("whatsapp");
        emulator.fail_next(
            "whatsapp",
            1,
            Failure::Platform {
                code,
                subcode: None,
            },
        );
        let err = channel.send(&Message::text(to(1), "x")).await.unwrap_err();
        assert!(!err.is_temporary(), "{code}");
        assert_eq!(
            emulator.request_count("whatsapp") - before,
            1,
            "code {code} was retried"
        );
    }
}

#[tokio::test]
async fn temporary_errors_are_retried_within_the_budget() {
    let emulator = Emulator::start().await.unwrap();
    let channel = Delivery::for_channel(raw(&emulator, "whatsapp"))
        .retry(Some(fast_retries(3)))
        .build();
    emulator.fail_next("whatsapp", 2, Failure::Status(503));
    channel.send(&Message::text(to(1), "x")).await.unwrap();
    assert_eq!(emulator.request_count("whatsapp"), 3);
    emulator.fail_next(
        "whatsapp",
        3,
        Failure::Platform {
            code: 131000,
            subcode: None,
        },
    );
    let err = channel.send(&Message::text(to(2), "y")).await.unwrap_err();
    assert_eq!(err.code(), Some(131000));
    assert_eq!(emulator.request_count("whatsapp"), 6, "3 attempts, no more");
}

#[tokio::test]
async fn an_ambiguous_timeout_is_not_retried_unless_opted_in() {
    let emulator = Emulator::start().await.unwrap();
    let inner = Registry::discover()
        .unwrap()
        .build(
            &emulator
                .channel_config("whatsapp", "wa")
                .unwrap()
                .set("timeout_secs", 1),
        )
        .unwrap();
    let safe = Delivery::for_channel(inner.clone())
        .retry(Some(fast_retries(3)))
        .build();
    emulator.fail_next("whatsapp", 1, Failure::Hang(Duration::from_millis(1300)));
    let err = safe.send(&Message::text(to(1), "once")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_ambiguous());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(emulator.request_count("whatsapp"), 1);
    assert_eq!(emulator.records().len(), 1, "the platform did accept it");

    let eager = Delivery::for_channel(inner)
        .retry(Some(fast_retries(3).retry_ambiguous(true)))
        .build();
    emulator.fail_next("whatsapp", 1, Failure::Hang(Duration::from_millis(1300)));
    eager.send(&Message::text(to(2), "twice")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let twice = emulator
        .records()
        .iter()
        .filter(|r| r.body["text"]["body"] == "twice")
        .count();
    assert_eq!(
        twice, 2,
        "opting in can duplicate: that is why it is off by default"
    );
}

/// A channel failing with retry-after the first `fail` times.
struct Flaky {
    info: ChannelInfo,
    calls: AtomicU32,
    fail: u32,
    after: Duration,
}

#[switchboard::async_trait]
impl Channel for Flaky {
    fn info(&self) -> &ChannelInfo {
        &self.info
    }
    fn check_rules(&self, _: &Message, _: &mut Violations) -> Result<(), Error> {
        Ok(())
    }
    async fn send_validated(&self, _: &Message) -> Result<Receipt, Error> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if n < self.fail {
            return Err(
                Error::new(ErrorKind::RateLimited, "slow down").with_retry_after(self.after)
            );
        }
        Ok(Receipt::new("flaky", format!("m{n}")))
    }
}

fn flaky(fail: u32, after: Duration) -> Arc<Flaky> {
    Arc::new(Flaky {
        info: ChannelInfo::new("flaky", "test", "-").capabilities(
            Capabilities::new()
                .content_kinds(ContentKind::ALL)
                .recipient_kinds(RecipientKind::ALL),
        ),
        calls: AtomicU32::new(0),
        fail,
        after,
    })
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let f = flaky(2, Duration::from_millis(250));
    let channel = Delivery::for_channel(f.clone())
        .retry(Some(fast_retries(5)))
        .build();
    let started = Instant::now();
    channel.send(&Message::text(to(1), "x")).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(f.calls.load(Ordering::SeqCst), 3);
    // A retry-after beyond the total budget is not waited for.
    let f = flaky(1, Duration::from_secs(120));
    let channel = Delivery::for_channel(f.clone())
        .retry(Some(fast_retries(5)))
        .build();
    let started = Instant::now();
    assert_eq!(
        channel
            .send(&Message::text(to(1), "x"))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::RateLimited
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_rate_is_never_exceeded() {
    let emulator = Emulator::start().await.unwrap();
    // The emulator refuses the 51st message in any one-second window with 130429.
    emulator.set_rate_limit("whatsapp", Some(RateLimit::new(50, 130429)));
    let channel = Delivery::for_channel(raw(&emulator, "whatsapp"))
        .retry(None)
        .rate_limits(RateLimits::new().per_account(50))
        .build();
    let started = Instant::now();
    let sends = (0..150).map(|i| {
        let channel = channel.clone();
        async move { channel.send(&Message::text(to(i), "x")).await }
    });
    let results = futures_join_all(sends).await;
    let refused: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        refused.is_empty(),
        "{} refused, e.g. {:?}",
        refused.len(),
        refused.first()
    );
    // 150 messages at 50/s: the first 50 at once, then two more seconds.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_busy_recipient_does_not_hold_up_the_others() {
    let emulator = Emulator::start().await.unwrap();
    let channel = Delivery::for_channel(raw(&emulator, "whatsapp"))
        .rate_limits(
            RateLimits::new().per_recipient(RecipientPacing::new(1, Duration::from_millis(400))),
        )
        .build();
    let busy = to(1);
    let started = Instant::now();
    let a: Vec<_> = (0..3)
        .map(|i| {
            let (c, r) = (channel.clone(), busy.clone());
            async move {
                c.send(&Message::text(r, format!("a{i}")))
                    .await
                    .map(|_| Instant::now())
            }
        })
        .collect();
    let a = tokio::spawn(futures_join_all(a));
    tokio::time::sleep(Duration::from_millis(20)).await;
    channel.send(&Message::text(to(2), "b")).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "the other recipient waited"
    );
    let done = a.await.unwrap();
    let last = done.iter().map(|r| *r.as_ref().unwrap()).max().unwrap();
    assert!(last.duration_since(started) >= Duration::from_millis(800));
    // With a maximum wait, a send refused rather than queued says when to retry.
    let strict = Delivery::for_channel(raw(&emulator, "whatsapp"))
        .rate_limits(
            RateLimits::new()
                .per_recipient(RecipientPacing::new(1, Duration::from_secs(6)))
                .max_wait(Duration::from_secs(1)),
        )
        .retry(None)
        .build();
    strict.send(&Message::text(to(3), "1")).await.unwrap();
    let err = strict.send(&Message::text(to(3), "2")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(err.retry_after().unwrap() > Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_sent_twice_makes_one_request() {
    let emulator = Emulator::start().await.unwrap();
    let channel = Delivery::for_channel(raw(&emulator, "whatsapp")).build();
    let msg = Message::text(to(1), "Your order shipped").idempotency_key("order-1042-shipped");
    let first = channel.send(&msg).await.unwrap();
    let second = channel.send(&msg).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(emulator.request_count("whatsapp"), 1);
    // Concurrent duplicates coalesce too.
    let msg = Message::text(to(2), "Booking confirmed").idempotency_key("booking-7");
    let (a, b) = tokio::join!(channel.send(&msg), channel.send(&msg));
    assert_eq!(a.unwrap(), b.unwrap());
    assert_eq!(emulator.request_count("whatsapp"), 2);
    // A failed first send leaves the key free for a later attempt.
    emulator.fail_next(
        "whatsapp",
        1,
        Failure::Platform {
            code: 131009,
            subcode: None,
        },
    );
    let msg = Message::text(to(3), "Retry me").idempotency_key("k-3");
    channel.send(&msg).await.unwrap_err();
    channel.send(&msg).await.unwrap();
    assert_eq!(emulator.records_for("whatsapp", None).len(), 3);
}

#[tokio::test]
async fn switchboard_applies_the_documented_defaults() {
    let emulator = Emulator::start().await.unwrap();
    let config = emulator.config_toml();
    let board = switchboard::Switchboard::from_toml_str(&config).unwrap();
    // Idempotency and retries are on by default.
    emulator.fail_next("messenger", 1, Failure::Status(503));
    let msg = Message::text(Recipient::user_id("6123456789012345"), "x").idempotency_key("k");
    let r1 = board.send("messenger", &msg).await.unwrap();
    let r2 = board.send("messenger", &msg).await.unwrap();
    assert_eq!(r1, r2);
    assert_eq!(
        emulator.request_count("messenger"),
        2,
        "one retry, then the key answered"
    );
    let custom = format!("{config}\n[channels.whatsapp.delivery]\nenabled = false\n");
    let board = switchboard::Switchboard::from_toml_str(&custom).unwrap();
    emulator.fail_next("whatsapp", 1, Failure::Status(503));
    assert!(
        board
            .send("whatsapp", &Message::text(to(1), "x"))
            .await
            .is_err(),
        "no retries when disabled"
    );
    let bad = format!("{config}\n[channels.whatsapp.delivery]\nretries = 3\n");
    assert!(switchboard::Switchboard::from_toml_str(&bad)
        .unwrap_err()
        .to_string()
        .contains("retries"));
}

/// A channel that counts how often its rules run.
struct Counting {
    info: ChannelInfo,
    checks: AtomicU32,
    sends: AtomicU32,
}

#[switchboard::async_trait]
impl Channel for Counting {
    fn info(&self) -> &ChannelInfo {
        &self.info
    }
    fn check_rules(&self, _: &Message, _: &mut Violations) -> Result<(), Error> {
        self.checks.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
    async fn send_validated(&self, _: &Message) -> Result<Receipt, Error> {
        let n = self.sends.fetch_add(1, Ordering::SeqCst);
        Ok(Receipt::new("counting", format!("m{n}")))
    }
}

#[tokio::test]
async fn a_send_through_the_full_stack_validates_exactly_once() {
    use switchboard::delivery::DeliverySettings;
    use switchboard::webhook::{WindowPolicy, WindowRule, WindowTracker};

    struct Always;
    impl WindowRule for Always {
        fn check(&self, _: &Message, _: Option<Duration>) -> Result<(), String> {
            Ok(())
        }
    }

    let counting = Arc::new(Counting {
        info: ChannelInfo::new("counting", "test", "-").capabilities(
            Capabilities::new()
                .content_kinds([ContentKind::Text])
                .recipient_kinds(RecipientKind::ALL)
                .max_text_chars(10)
                .messages_per_second(100.0),
        ),
        checks: AtomicU32::new(0),
        sends: AtomicU32::new(0),
    });
    let delivered = DeliverySettings::default().apply(counting.clone()).unwrap();
    let stack: Arc<dyn Channel> = Arc::new(WindowPolicy::new(
        delivered,
        Arc::new(WindowTracker::new()),
        Arc::new(Always),
    ));
    stack
        .send(&Message::text(to(1), "hi").idempotency_key("once"))
        .await
        .unwrap();
    assert_eq!(counting.checks.load(Ordering::SeqCst), 1, "one validation");
    assert_eq!(counting.sends.load(Ordering::SeqCst), 1);

    // Core enforces the declared capabilities before the channel's rules
    // run or anything is sent: text length, content and recipient kinds.
    let too_long = stack.send(&Message::text(to(1), "x".repeat(11))).await;
    assert_eq!(too_long.unwrap_err().violations()[0].field, "text.body");
    let media = stack
        .send(&Message::new(
            to(1),
            switchboard::Media::image_url("https://x.example/a.png"),
        ))
        .await;
    assert_eq!(media.unwrap_err().kind(), ErrorKind::Unsupported);
    assert_eq!(
        counting.sends.load(Ordering::SeqCst),
        1,
        "nothing else sent"
    );
}

/// A channel that fails with the given retry-after waits, one per attempt.
struct Scripted {
    info: ChannelInfo,
    afters: std::sync::Mutex<Vec<Duration>>,
}

#[switchboard::async_trait]
impl Channel for Scripted {
    fn info(&self) -> &ChannelInfo {
        &self.info
    }
    fn check_rules(&self, _: &Message, _: &mut Violations) -> Result<(), Error> {
        Ok(())
    }
    async fn send_validated(&self, _: &Message) -> Result<Receipt, Error> {
        let after = self.afters.lock().unwrap().remove(0);
        Err(Error::new(ErrorKind::RateLimited, "slow down").with_retry_after(after))
    }
}

#[tokio::test]
async fn an_absurd_retry_after_is_a_refusal_not_a_panic() {
    let scripted = Arc::new(Scripted {
        info: ChannelInfo::new("scripted", "test", "-").capabilities(
            Capabilities::new()
                .content_kinds([ContentKind::Text])
                .recipient_kinds(RecipientKind::ALL),
        ),
        afters: std::sync::Mutex::new(vec![
            Duration::from_millis(2),
            Duration::from_secs(u64::MAX),
            Duration::ZERO,
        ]),
    });
    let channel = Delivery::for_channel(scripted)
        .retry(Some(fast_retries(5)))
        .build();
    let err = channel.send(&Message::text(to(1), "x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(u64::MAX)));
}

#[test]
fn intervals_and_timeouts_out_of_range_are_configuration_errors() {
    use switchboard::delivery::DeliverySettings;
    let channel: Arc<dyn Channel> = flaky(0, Duration::ZERO);
    for (interval, timeout) in [
        (Some(1e19), None),
        (Some(0.0), None),
        (Some(-1.0), None),
        (None, Some(1e19)),
        (None, Some(f64::NAN)),
    ] {
        let mut settings = DeliverySettings::default();
        settings.per_recipient_interval_secs = interval;
        settings.timeout_secs = timeout;
        let err = settings.apply(channel.clone()).expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
        assert!(
            err.to_string().contains("positive number of seconds"),
            "{err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_send_never_poisons_its_key_nor_sends_twice() {
    let emulator = Emulator::start().await.unwrap();
    let channel = Delivery::for_channel(raw(&emulator, "whatsapp")).build();
    // The platform takes a second to answer; the caller gives up after 100 ms.
    emulator.fail_next("whatsapp", 1, Failure::Hang(Duration::from_millis(1000)));
    let msg = Message::text(to(1), "Your order shipped").idempotency_key("cancelled-1");
    let gave_up = tokio::time::timeout(Duration::from_millis(100), channel.send(&msg)).await;
    assert!(gave_up.is_err(), "the caller gave up");
    // The same key again: answered at once, not left waiting forever, and
    // not sent a second time (the first may well reach the person).
    let again = tokio::time::timeout(Duration::from_secs(2), channel.send(&msg))
        .await
        .expect("the key is not poisoned");
    let err = again.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Duplicate, "{err}");
    assert!(err.is_ambiguous());
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(emulator.records_for("whatsapp", None).len(), 1, "sent once");
    // Another key goes through.
    channel
        .send(&Message::text(to(1), "x").idempotency_key("cancelled-2"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_whose_send_timed_out_is_not_sent_again_silently() {
    let emulator = Emulator::start().await.unwrap();
    let inner = Registry::discover()
        .unwrap()
        .build(
            &emulator
                .channel_config("whatsapp", "wa")
                .unwrap()
                .set("timeout_secs", 0.3),
        )
        .unwrap();
    let channel = Delivery::for_channel(inner).build();
    emulator.fail_next("whatsapp", 1, Failure::Hang(Duration::from_millis(800)));
    let msg = Message::text(to(2), "Booking confirmed").idempotency_key("timed-out");
    let first = channel.send(&msg).await.unwrap_err();
    assert_eq!(first.kind(), ErrorKind::Timeout);
    assert!(first.is_ambiguous());
    let second = channel.send(&msg).await.unwrap_err();
    assert_eq!(second.kind(), ErrorKind::Duplicate, "{second}");
    assert!(second.to_string().contains("timed-out"), "{second}");
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(emulator.records_for("whatsapp", None).len(), 1, "sent once");
}

#[tokio::test]
async fn which_channels_honour_idempotency_keys_is_plain() {
    let emulator = Emulator::start().await.unwrap();
    let bare = raw(&emulator, "whatsapp");
    assert!(
        !bare.honours_idempotency_keys(),
        "a bare channel says it does not"
    );
    assert!(Delivery::for_channel(bare.clone())
        .build()
        .honours_idempotency_keys());
    assert!(!Delivery::for_channel(bare.clone())
        .idempotency(None)
        .build()
        .honours_idempotency_keys());
    let board = Switchboard::from_toml_str(&emulator.config_toml()).unwrap();
    assert!(board
        .channel("whatsapp")
        .unwrap()
        .honours_idempotency_keys());
}
