//! Fuzz: hostile platform answers (statuses, `Retry-After` values that
//! overflow, bodies that are not what they claim) through every channel
//! behind the delivery stack, and hostile delivery settings. Nothing may
//! panic; every outcome is a receipt or a classified error.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use switchboard::delivery::{DeliverySettings, RateLimits, RecipientPacing, RetryPolicy};
use switchboard::{Channel, Error, ErrorKind, Message, Recipient, Registry};
use switchboard_emulator::canned::read_request;
use switchboard_emulator::Emulator;
use switchboard_tests as _;
use tokio::io::AsyncWriteExt;

/// `Retry-After` values, the overflowing ones of the hostile test first.
/// (No value of whole seconds above 0: each would make the run wait.)
const RETRY_AFTER: &[&str] = &[
    "18446744073709551615",
    "99999999999999999999999",
    "1e19",
    "-1",
    "0",
    "",
    "abc",
    "Wed, 21 Oct 2015 07:28:00 GMT",
];

const STATUSES: &[u16] = &[
    200, 201, 204, 301, 302, 307, 400, 401, 403, 404, 413, 429, 500, 502, 503, 504, 599,
];

const BODIES: &[&str] = &[
    r#"{"messaging_product":"whatsapp","messages":[{"id":"wamid.1"}]}"#,
    r#"{"recipient_id":"1","message_id":"m_1"}"#,
    r#"{"id":"sms-1"}"#,
    r#"{"error":{"message":"x","code":4,"error_subcode":2494055}}"#,
    r#"{"error":{"message":"x","code":131056}}"#,
    r#"{"error":{"message":"x","code":18446744073709551615}}"#,
    r#"{"error":{"message":"x","code":-1,"error_data":{"details":null}}}"#,
    r#"{"error":null}"#,
    r#"{"errors":[{"code":1,"title":"x"}]}"#,
    r#"{"messages":[]}"#,
    r#"{"message_id":null}"#,
    "[]",
    "null",
    "",
    "{",
    "<html>bad gateway</html>",
    "\u{0}\u{1}\r\n",
];

/// A tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        &items[(self.0 % items.len() as u64) as usize]
    }
}

/// Serves a random answer from the corpora to every request.
async fn hostile_server(seed: u64) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let rng = Arc::new(Mutex::new(Rng(seed)));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let rng = rng.clone();
            tokio::spawn(async move {
                if read_request(&mut socket).await.is_none() {
                    return;
                }
                let answer = {
                    let mut rng = rng.lock().unwrap();
                    let status = *rng.pick(STATUSES);
                    let retry_after = *rng.pick(RETRY_AFTER);
                    let body = *rng.pick(BODIES);
                    format!(
                        "HTTP/1.1 {status} X\r\nRetry-After: {retry_after}\r\n\
                         Location: http://127.0.0.1:9/elsewhere\r\n\
                         Content-Type: application/json\r\nContent-Length: {}\r\n\
                         Connection: close\r\n\r\n{body}",
                        body.len()
                    )
                };
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    url
}

/// A new recipient for each message: the per-recipient pacing of the
/// delivery stack is not what is tested here.
fn recipient(platform: &str, n: usize) -> Recipient {
    match platform {
        "messenger" => Recipient::user_id(format!("12544777{n:08}")),
        _ => Recipient::phone_number(format!("+1650{n:07}")),
    }
}

/// Every kind an error may have is one the library defines; retries are
/// bounded, so every send ends.
fn classified(outcome: &Result<switchboard::Receipt, Error>) {
    if let Err(e) = outcome {
        assert_ne!(e.kind(), ErrorKind::InvalidMessage, "{e}");
        let shown = e.to_string();
        assert!(!shown.contains("EAAG-fuzz-token"), "{shown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_answers_never_panic() {
    let emulator = Emulator::start().await.unwrap();
    let registry = Registry::discover().unwrap();
    for (i, platform) in ["whatsapp", "messenger", "smsgate"].into_iter().enumerate() {
        let url = hostile_server(0x9E37_79B9_7F4A_7C15 ^ i as u64).await;
        let config = emulator
            .channel_config(platform, platform)
            .unwrap()
            .set("base_url", url);
        let config = match platform {
            "smsgate" => config.set("api_key", "EAAG-fuzz-token"),
            _ => config.set("access_token", "EAAG-fuzz-token"),
        };
        let channel: Arc<dyn Channel> = registry.build(&config).unwrap();
        // Without rate limits, every answer reaches the retry layer; with
        // rate limits that refuse rather than wait, a rate-limit answer
        // pauses the account (its Retry-After read, overflowing or not)
        // without slowing the run. Documented retry waits end a send too.
        let refusing = RateLimits::new()
            .per_account(100_000)
            .per_recipient(RecipientPacing::new(1, Duration::from_secs(24 * 3600)))
            .max_wait(Duration::from_millis(50));
        for (limits, sends) in [(RateLimits::new(), 150), (refusing, 30)] {
            let reliable = switchboard::delivery::Delivery::for_channel(channel.clone())
                .rate_limits(limits)
                .retry(Some(
                    RetryPolicy::default()
                        .max_attempts(3)
                        .retry_ambiguous(true)
                        .backoff(Duration::from_millis(1), Duration::from_millis(5))
                        .max_total_delay(Duration::from_millis(50)),
                ))
                .build();
            for n in 0..sends {
                let message = Message::text(recipient(platform, n), format!("fuzz {n}"));
                let sent = tokio::time::timeout(Duration::from_secs(20), reliable.send(&message));
                let outcome = sent
                    .await
                    .unwrap_or_else(|_| panic!("{platform}: send {n} never ended"));
                classified(&outcome);
            }
        }
    }
}

#[test]
fn hostile_delivery_settings_are_config_errors_not_panics() {
    let emulator_less = Arc::new(NoChannel {
        info: switchboard::ChannelInfo::new("none", "test", "-"),
    });
    let numbers = [
        1e19,
        f64::MAX,
        f64::MIN,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        0.0,
        -0.0,
        1e-300,
        5e-324,
        0.3,
        86_400.0 * 365.0 * 1000.0,
    ];
    for &a in &numbers {
        for &b in &numbers {
            let mut settings = DeliverySettings::default();
            settings.per_recipient_interval_secs = Some(a);
            settings.timeout_secs = Some(b);
            settings.messages_per_second = Some(u32::MAX);
            settings.per_recipient_burst = Some(u32::MAX);
            settings.max_attempts = Some(u32::MAX);
            match settings.apply(emulator_less.clone()) {
                Ok(_) => assert!(a.is_finite() && a > 0.0 && b.is_finite() && b > 0.0),
                Err(e) => assert_eq!(e.kind(), ErrorKind::Config, "{e}"),
            }
        }
    }
}

/// A channel that is never sent through.
struct NoChannel {
    info: switchboard::ChannelInfo,
}

#[switchboard::async_trait]
impl Channel for NoChannel {
    fn info(&self) -> &switchboard::ChannelInfo {
        &self.info
    }
    fn check_rules(
        &self,
        _: &Message,
        _: &mut switchboard::plugin::Violations,
    ) -> Result<(), Error> {
        Ok(())
    }
    async fn send_validated(&self, _: &Message) -> Result<switchboard::Receipt, Error> {
        Err(Error::new(ErrorKind::Unsupported, "never sent"))
    }
}
