//! HTTP helpers shared by channel crates (feature `http`): one reqwest client
//! setup, bearer headers that never print, and transport errors classified
//! the same way everywhere.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};

use crate::error::{Error, ErrorKind};
use crate::secret::Secret;

/// The default time allowed for one request, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Checks a channel's `base_url` and access token: the URL must be http(s)
/// (its trailing `/` is dropped), the token non-empty.
pub fn check_endpoint<'a>(
    channel: &str,
    base_url: &'a str,
    token: &Secret,
) -> Result<&'a str, Error> {
    if token.is_empty() {
        return Err(Error::config("access_token is empty").with_channel(channel));
    }
    let base = base_url.trim_end_matches('/');
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        // The value is not repeated: a URL may carry a token.
        return Err(
            Error::config("base_url must be an http(s) URL (https://… or http://…)")
                .with_channel(channel),
        );
    }
    Ok(base)
}

/// A response read to the end.
#[non_exhaustive]
#[derive(Debug)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The `Retry-After` header in seconds, when present and numeric.
    pub retry_after: Option<Duration>,
    /// The body.
    pub body: Bytes,
}

impl HttpResponse {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The largest response body read from a platform: 4 MiB, far above any
/// documented answer; a larger one is an error, not a memory sink.
pub const MAX_RESPONSE_BYTES: usize = 4 << 20;

/// A plain reqwest client with the given request timeout, rustls TLS and
/// connection pooling. Redirects are never followed: no platform redirects
/// an API call, and following one would re-send a message elsewhere.
/// Channels use [`HttpClient`], which adds fork safety on top.
pub fn client(timeout: Duration) -> Result<reqwest::Client, Error> {
    build_client(timeout)
}

fn build_client(timeout: Duration) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .pool_idle_timeout(Duration::from_secs(90))
        .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))
}

/// A pooled HTTP client that stays usable after `fork()`.
///
/// A child process must never touch the connections it inherited: they are
/// the parent's sockets, driven by the parent's runtime (which has no
/// threads in the child), registered in an epoll instance the parent still
/// waits on. In a forked child, [`HttpClient::get`] therefore builds a fresh
/// client for that process and leaves the inherited one untouched (it is
/// leaked, never dropped: dropping could deregister the parent's sockets).
/// Clones share one pool per process.
#[derive(Clone)]
pub struct HttpClient {
    shared: Arc<PerProcess>,
}

struct PerProcess {
    /// The process that built `client`.
    pid: u32,
    timeout: Duration,
    /// Always present until dropped.
    client: Option<reqwest::Client>,
    /// The client of a forked child: (its pid, its client).
    forked: Mutex<Option<(u32, reqwest::Client)>>,
}

impl HttpClient {
    /// A client with the given request timeout (see [`client`]).
    pub fn new(timeout: Duration) -> Result<Self, Error> {
        Ok(HttpClient {
            shared: Arc::new(PerProcess {
                pid: std::process::id(),
                timeout,
                client: Some(build_client(timeout)?),
                forked: Mutex::new(None),
            }),
        })
    }

    /// The client to use in this process.
    pub fn get(&self) -> Result<Cow<'_, reqwest::Client>, Error> {
        let shared = &*self.shared;
        let pid = std::process::id();
        if let (true, Some(client)) = (pid == shared.pid, &shared.client) {
            return Ok(Cow::Borrowed(client));
        }
        let mut forked = shared
            .forked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match forked.as_ref() {
            Some((owner, client)) if *owner == pid => Ok(Cow::Owned(client.clone())),
            _ => {
                let client = build_client(shared.timeout)?;
                // A grandchild: the previous child's client is inherited too.
                if let Some(inherited) = forked.replace((pid, client.clone())) {
                    std::mem::forget(inherited);
                }
                Ok(Cow::Owned(client))
            }
        }
    }
}

impl Drop for PerProcess {
    fn drop(&mut self) {
        let pid = std::process::id();
        if pid != self.pid {
            // Inherited from the parent: leave its connections alone.
            std::mem::forget(self.client.take());
        }
        let forked = self
            .forked
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if forked.as_ref().is_some_and(|(owner, _)| *owner != pid) {
            std::mem::forget(forked.take());
        }
    }
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("timeout", &self.shared.timeout)
            .finish_non_exhaustive()
    }
}

/// `Authorization: Bearer <token>`, marked sensitive so that it never prints.
pub fn bearer(token: &Secret) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
        Error::config("the access token contains characters not allowed in an HTTP header")
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// POSTs a JSON body with a bearer header and reads the whole response.
///
/// Transport failures are classified: a failure to connect is
/// [`ErrorKind::Network`] (temporary; nothing reached the platform), a
/// timeout is [`ErrorKind::Timeout`] (temporary but ambiguous: the platform
/// may have accepted the message).
pub async fn post_json(
    client: &HttpClient,
    url: &str,
    auth: &HeaderValue,
    body: Vec<u8>,
    channel: &str,
) -> Result<HttpResponse, Error> {
    post_json_with(client, url, Some(auth), body, channel).await
}

/// POSTs a JSON body with an optional `Authorization` header, for
/// platforms whose credential travels elsewhere (in the URL path, say);
/// otherwise as [`post_json`]. Transport errors never carry the URL, but
/// the caller redacts its own credential from platform answers
/// ([`Error::redact`]).
pub async fn post_json_with(
    client: &HttpClient,
    url: &str,
    auth: Option<&HeaderValue>,
    body: Vec<u8>,
    channel: &str,
) -> Result<HttpResponse, Error> {
    let mut request = client
        .get()?
        .post(url)
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .body(body);
    if let Some(auth) = auth {
        request = request.header(AUTHORIZATION, auth.clone());
    }
    let response = request
        .send()
        .await
        .map_err(|e| transport_error(e, channel))?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = read_bounded(response, channel).await?;
    Ok(HttpResponse {
        status,
        retry_after,
        body,
    })
}

/// Reads a response body of at most [`MAX_RESPONSE_BYTES`].
pub async fn read_bounded(mut response: reqwest::Response, channel: &str) -> Result<Bytes, Error> {
    let too_large = || {
        Error::new(
            ErrorKind::UnexpectedResponse,
            format!(
                "the platform's answer is larger than {MAX_RESPONSE_BYTES} bytes; the message may have been accepted"
            ),
        )
        .with_channel(channel)
        .with_ambiguous(true)
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
    {
        return Err(too_large());
    }
    // Most answers arrive in one chunk: keep it as it is, copy only when
    // there are several.
    let mut first: Option<Bytes> = None;
    let mut rest = bytes::BytesMut::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(e, channel))?
    {
        let had = first.as_ref().map_or(0, Bytes::len) + rest.len();
        if had + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(too_large());
        }
        match first.take() {
            None if rest.is_empty() => first = Some(chunk),
            Some(f) => {
                rest.extend_from_slice(&f);
                rest.extend_from_slice(&chunk);
            }
            None => rest.extend_from_slice(&chunk),
        }
    }
    Ok(first.unwrap_or_else(|| rest.freeze()))
}

/// Classifies a reqwest failure: connect failures are [`ErrorKind::Network`]
/// (nothing reached the platform), timeouts and broken connections are
/// temporary but ambiguous. The URL is dropped from the source (URLs may
/// carry tokens).
pub fn transport_error(e: reqwest::Error, channel: &str) -> Error {
    // reqwest's messages name the URL, and some platforms put tokens in it.
    let e = e.without_url();
    let (kind, what, ambiguous) = if e.is_connect() {
        (ErrorKind::Network, "cannot connect to the platform", false)
    } else if e.is_timeout() {
        (
            ErrorKind::Timeout,
            "the platform did not answer in time; the message may have been accepted",
            true,
        )
    } else {
        (
            ErrorKind::Network,
            "the connection to the platform failed; the message may have been accepted",
            true,
        )
    };
    Error::new(kind, what)
        .with_channel(channel)
        .with_ambiguous(ambiguous)
        .with_source(e)
}
