//! Graph webhooks: the `hub.*` subscription handshake, `X-Hub-Signature-256`
//! (HMAC-SHA256 of the raw body with the app secret, compared in constant
//! time), and the typed envelope every Graph webhook shares:
//! `{"object", "entry": [{"id", "time", "changes": [{"field", "value"}],
//! "messaging": [...]}]}` (api-contract §6).

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::sync::Arc;

use switchboard::plugin::{ConfigKey, WebhookSecrets};
use switchboard::webhook::{constant_time_eq, Headers, WebhookAuth, WebhookError};
use switchboard::{Error, Secret};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

/// Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app_secret, body)>`
/// over the raw body bytes, in constant time. An empty secret verifies
/// nothing.
///
/// ```
/// use switchboard::Secret;
/// use switchboard_graph::webhook::{sign, verify_signature};
/// let secret = Secret::new("app-secret");
/// let body = br#"{"object":"page","entry":[]}"#;
/// let header = sign(&secret, body);
/// assert!(verify_signature(&secret, body, Some(&header)).is_ok());
/// assert!(verify_signature(&secret, b"tampered", Some(&header)).is_err());
/// ```
pub fn verify_signature(
    app_secret: &Secret,
    body: &[u8],
    header: Option<&str>,
) -> Result<(), WebhookError> {
    if app_secret.is_empty() {
        return Err(WebhookError::InvalidSignature);
    }
    let header = header.ok_or(WebhookError::MissingSignature)?;
    let hex_sig = header
        .trim()
        .strip_prefix("sha256=")
        .ok_or(WebhookError::MalformedSignature)?;
    if hex_sig.len() != 64 {
        return Err(WebhookError::MalformedSignature);
    }
    let expected = hex::decode(hex_sig).map_err(|_| WebhookError::MalformedSignature)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.expose().as_bytes())
        .map_err(|_| WebhookError::InvalidSignature)?;
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&expected)
        .map_err(|_| WebhookError::InvalidSignature)
}

/// The `X-Hub-Signature-256` value for `body` (what the platform sends; the
/// emulator signs with it).
pub fn sign(app_secret: &Secret, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.expose().as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The headers of a signed delivery (the emulator's webhook signer).
pub fn signature_headers(app_secret: &Secret, body: &[u8]) -> Vec<(&'static str, String)> {
    vec![(SIGNATURE_HEADER, sign(app_secret, body))]
}

/// Answers the subscription handshake: with `hub.mode=subscribe` and the
/// right `hub.verify_token` (compared in constant time), returns
/// `hub.challenge` (to send back with 200). An empty verify token answers
/// nothing.
pub fn handshake(
    query: &HashMap<String, String>,
    verify_token: &Secret,
) -> Result<String, WebhookError> {
    if verify_token.is_empty() {
        return Err(WebhookError::HandshakeRefused(
            "no verify token is configured".into(),
        ));
    }
    match query.get("hub.mode").map(String::as_str) {
        Some("subscribe") => {}
        Some(other) => {
            return Err(WebhookError::HandshakeRefused(format!(
                "hub.mode is {other:?}, expected subscribe"
            )))
        }
        None => return Err(WebhookError::HandshakeRefused("hub.mode is missing".into())),
    }
    let given = query
        .get("hub.verify_token")
        .ok_or_else(|| WebhookError::HandshakeRefused("hub.verify_token is missing".into()))?;
    if !constant_time_eq(given.as_bytes(), verify_token.expose().as_bytes()) {
        return Err(WebhookError::HandshakeRefused(
            "hub.verify_token does not match".into(),
        ));
    }
    query
        .get("hub.challenge")
        .cloned()
        .ok_or_else(|| WebhookError::HandshakeRefused("hub.challenge is missing".into()))
}

/// How Graph platforms authenticate webhooks: `X-Hub-Signature-256` with the
/// app secret, and the `hub.*` handshake with the verify token.
///
/// ```
/// use std::sync::Arc;
/// use switchboard::Secret;
/// use switchboard::webhook::WebhookAuth;
/// use switchboard_graph::webhook::{sign, HubAuth};
///
/// let auth = HubAuth::new(Secret::new("app-secret"), Secret::new("verify-me")).unwrap();
/// let body = b"{}";
/// let headers = std::collections::HashMap::from([(
///     "X-Hub-Signature-256".to_string(),
///     sign(&Secret::new("app-secret"), body),
/// )]);
/// assert!(auth.verify(&headers, body).is_ok());
/// assert!(HubAuth::new(Secret::new(""), Secret::new("verify-me")).is_err());
/// // `Secret` redacts itself, so the derived Debug shows no secret.
/// assert!(!format!("{auth:?}").contains("app-secret"));
/// assert!(!format!("{auth:?}").contains("verify-me"));
/// ```
#[derive(Debug, Clone)]
pub struct HubAuth {
    app_secret: Option<Secret>,
    verify_token: Secret,
}

impl HubAuth {
    /// Signed deliveries (Cloud API, Messenger). Empty secrets are refused.
    pub fn new(app_secret: Secret, verify_token: Secret) -> Result<Self, Error> {
        if app_secret.is_empty() {
            return Err(Error::config(
                "the app secret is empty: every delivery would be accepted",
            ));
        }
        Self::checked_token(Some(app_secret), verify_token)
    }

    /// Unsigned deliveries: only for the WhatsApp On-Premises API, which
    /// does not sign its webhooks.
    pub fn unsigned(verify_token: Secret) -> Result<Self, Error> {
        Self::checked_token(None, verify_token)
    }

    fn checked_token(app_secret: Option<Secret>, verify_token: Secret) -> Result<Self, Error> {
        if verify_token.is_empty() {
            return Err(Error::config("the webhook verify token is empty"));
        }
        Ok(HubAuth {
            app_secret,
            verify_token,
        })
    }
}

impl WebhookAuth for HubAuth {
    fn verify(&self, headers: &dyn Headers, body: &[u8]) -> Result<(), WebhookError> {
        match &self.app_secret {
            Some(secret) => verify_signature(secret, body, headers.header(SIGNATURE_HEADER)),
            None => Ok(()),
        }
    }

    fn handshake(&self, query: &HashMap<String, String>) -> Result<String, WebhookError> {
        handshake(query, &self.verify_token)
    }
}

/// The webhook secrets of a Graph platform: the app secret that signs each
/// delivery and the token that answers the subscription handshake.
pub const HUB_KEYS: &[ConfigKey] = &[
    ConfigKey::required("app_secret", "the app secret that signs each delivery").secret(),
    ConfigKey::required("verify_token", "the token of the subscription handshake").secret(),
];

/// Builds [`HubAuth`] from `app_secret` and `verify_token` (a plugin's
/// [`WebhookAuthFn`](switchboard::plugin::WebhookAuthFn)).
pub fn hub_auth(secrets: &WebhookSecrets) -> Result<Arc<dyn WebhookAuth>, Error> {
    let auth = HubAuth::new(
        secrets.get("app_secret")?.clone(),
        secrets.get("verify_token")?.clone(),
    )?;
    Ok(Arc::new(auth))
}

/// A Graph webhook body: `object` and its entries. Entries that are not
/// objects are skipped; everything else comes through.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// What the webhook is about (`page`, `whatsapp_business_account`, …).
    pub object: String,
    /// The entries, in order.
    pub entries: Vec<Entry>,
}

/// One `entry[]` of an [`Envelope`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// The object's id (page id, WhatsApp Business Account id), as text.
    pub id: String,
    /// When the entry was sent, as the platform gave it.
    pub time: Option<u64>,
    /// Field changes (`changes[]`: WhatsApp, page feed).
    pub changes: Vec<Change>,
    /// Messaging events (`messaging[]`: Messenger), each as it came.
    pub messaging: Vec<Value>,
}

/// One `changes[]` item: a field and its new value.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The field that changed (`messages`, …); empty when absent.
    pub field: String,
    /// Its value (`null` when absent).
    pub value: Value,
    /// The change as it came, for events nobody models.
    pub raw: Value,
}

/// The JSON object of a webhook body, or why it is not one.
pub fn json_object(body: &[u8]) -> Result<Value, WebhookError> {
    let root: Value = serde_json::from_slice(body)
        .map_err(|e| WebhookError::InvalidPayload(format!("not JSON: {e}")))?;
    if !root.is_object() {
        return Err(WebhookError::InvalidPayload("not a JSON object".into()));
    }
    Ok(root)
}

impl Envelope {
    /// Parses a body whose `object` must be `expected`.
    pub fn parse(body: &[u8], expected: &str) -> Result<Envelope, WebhookError> {
        Envelope::from_value(&json_object(body)?, expected)
    }

    /// The envelope of a parsed body whose `object` must be `expected`.
    pub fn from_value(root: &Value, expected: &str) -> Result<Envelope, WebhookError> {
        match root.get("object").and_then(Value::as_str) {
            Some(object) if object == expected => Ok(Envelope {
                object: object.to_string(),
                entries: array(root, "entry")
                    .iter()
                    .filter_map(Entry::from_value)
                    .collect(),
            }),
            Some(other) => Err(WebhookError::InvalidPayload(format!(
                "object is {other:?}, not {expected}"
            ))),
            None => Err(WebhookError::InvalidPayload("object is missing".into())),
        }
    }
}

impl Entry {
    fn from_value(v: &Value) -> Option<Entry> {
        v.as_object()?;
        Some(Entry {
            id: id(v.get("id")).unwrap_or_default(),
            time: v.get("time").and_then(Value::as_u64),
            changes: array(v, "changes")
                .iter()
                .map(|c| Change {
                    field: text(c, "field").unwrap_or_default(),
                    value: c.get("value").cloned().unwrap_or(Value::Null),
                    raw: c.clone(),
                })
                .collect(),
            messaging: array(v, "messaging").to_vec(),
        })
    }
}

/// The string at `key`, when it is one.
pub fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(String::from)
}

/// The array at `key`; empty when absent or not an array.
pub fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// An id given as a string or a number, as text.
pub fn id(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        let secret = Secret::new("s3cr3t");
        let body = br#"{"a":"\u00e9"}"#;
        let good = sign(&secret, body);
        assert!(verify_signature(&secret, body, Some(&good)).is_ok());
        assert_eq!(
            verify_signature(&secret, b"{\"a\":\"x\"}", Some(&good)),
            Err(WebhookError::InvalidSignature)
        );
        assert_eq!(
            verify_signature(&Secret::new("other"), body, Some(&good)),
            Err(WebhookError::InvalidSignature)
        );
        assert_eq!(
            verify_signature(&secret, body, None),
            Err(WebhookError::MissingSignature)
        );
        for bad in [
            "",
            "sha1=abc",
            "sha256=",
            "sha256=zz",
            &good[..70],
            &good.replace("sha256=", "md5="),
        ] {
            assert_eq!(
                verify_signature(&secret, body, Some(bad)),
                Err(WebhookError::MalformedSignature),
                "{bad}"
            );
        }
        let non_hex = format!("sha256={}", "g".repeat(64));
        assert_eq!(
            verify_signature(&secret, body, Some(&non_hex)),
            Err(WebhookError::MalformedSignature)
        );
    }

    #[test]
    fn an_empty_secret_verifies_nothing() {
        let empty = Secret::new("");
        let body = b"{}";
        assert_eq!(
            verify_signature(&empty, body, Some(&sign(&empty, body))),
            Err(WebhookError::InvalidSignature)
        );
        assert!(HubAuth::new(empty.clone(), Secret::new("t")).is_err());
        assert!(HubAuth::unsigned(empty.clone()).is_err());
        let mut q = HashMap::new();
        q.insert("hub.mode".to_string(), "subscribe".to_string());
        q.insert("hub.verify_token".to_string(), String::new());
        q.insert("hub.challenge".to_string(), "1".to_string());
        assert!(handshake(&q, &empty).is_err());
    }

    #[test]
    fn handshake_rules() {
        let token = Secret::new("tok");
        let q = |m: &str, t: &str, c: Option<&str>| {
            let mut h = HashMap::new();
            h.insert("hub.mode".to_string(), m.to_string());
            h.insert("hub.verify_token".to_string(), t.to_string());
            if let Some(c) = c {
                h.insert("hub.challenge".to_string(), c.to_string());
            }
            h
        };
        assert_eq!(
            handshake(&q("subscribe", "tok", Some("123")), &token).unwrap(),
            "123"
        );
        assert!(handshake(&q("subscribe", "nope", Some("1")), &token).is_err());
        assert!(handshake(&q("unsubscribe", "tok", Some("1")), &token).is_err());
        assert!(handshake(&q("subscribe", "tok", None), &token).is_err());
        assert!(handshake(&HashMap::new(), &token).is_err());
    }

    #[test]
    fn envelopes_keep_every_entry_and_skip_garbage() {
        let body = br#"{"object":"page","entry":[{"id":42,"time":7,"messaging":[{},5]},5,null,
            {"id":"9","changes":[{"field":"feed","value":{"x":1}},3]}]}"#;
        let env = Envelope::parse(body, "page").unwrap();
        assert_eq!(env.entries.len(), 2);
        assert_eq!(env.entries[0].id, "42");
        assert_eq!(env.entries[0].time, Some(7));
        assert_eq!(env.entries[0].messaging.len(), 2);
        assert_eq!(env.entries[1].changes[0].field, "feed");
        assert_eq!(env.entries[1].changes[1].field, "");
        assert!(Envelope::parse(body, "whatsapp_business_account").is_err());
        for bad in [&b""[..], b"[]", b"{}", b"\xff", b"{\"object\":5}"] {
            assert!(Envelope::parse(bad, "page").is_err());
        }
    }
}
