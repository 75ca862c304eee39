//! One Graph API endpoint: URL, bearer header and client in one place.

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderValue;
use switchboard::plugin::http;
use switchboard::Error;

use crate::errors::ErrorTable;
use crate::GraphConfig;

/// A POST endpoint of a Graph platform: sends a JSON body with the bearer
/// token and returns the success body, or the error classified by the
/// channel's [`ErrorTable`].
///
/// ```
/// use switchboard::Secret;
/// use switchboard_graph::errors::ErrorTable;
/// use switchboard_graph::{GraphConfig, GraphEndpoint};
///
/// const ERRORS: ErrorTable = ErrorTable::new("Example", |_, _| None);
/// let config = GraphConfig::new(Secret::new("EAAG-token")).base_url("http://127.0.0.1:9/");
/// let endpoint = GraphEndpoint::new("shop", &config, "1234/messages", ERRORS).unwrap();
/// assert_eq!(endpoint.url(), "http://127.0.0.1:9/v26.0/1234/messages");
/// assert!(!format!("{endpoint:?}").contains("EAAG"));
/// ```
#[derive(Clone)]
pub struct GraphEndpoint {
    channel: String,
    url: String,
    auth: HeaderValue,
    client: http::HttpClient,
    errors: ErrorTable,
    token: switchboard::Secret,
}

impl GraphEndpoint {
    /// `{base_url}/{api_version}/{path}` for channel `channel`.
    pub fn new(
        channel: &str,
        config: &GraphConfig,
        path: &str,
        errors: ErrorTable,
    ) -> Result<Self, Error> {
        let version = config.api_version.trim_matches('/');
        Self::at(channel, config, &format!("{version}/{path}"), errors)
    }

    /// `{base_url}/{path}`, without the API version (On-Premises clients).
    pub fn at(
        channel: &str,
        config: &GraphConfig,
        path: &str,
        errors: ErrorTable,
    ) -> Result<Self, Error> {
        let base = http::check_endpoint(channel, &config.base_url, &config.access_token)?;
        let timeout = config.timeout.unwrap_or(http::DEFAULT_TIMEOUT);
        Ok(GraphEndpoint {
            channel: channel.to_string(),
            url: format!("{base}/{}", path.trim_start_matches('/')),
            auth: http::bearer(&config.access_token)?,
            client: http::HttpClient::new(timeout)?,
            errors,
            token: config.access_token.clone(),
        })
    }

    /// The full URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The channel's error table.
    pub fn errors(&self) -> &ErrorTable {
        &self.errors
    }

    /// POSTs `body` (JSON) and returns the 2xx body, or the classified
    /// error, with the token removed from anything the platform echoed.
    pub async fn post(&self, body: Vec<u8>) -> Result<Bytes, Error> {
        let response = http::post_json(&self.client, &self.url, &self.auth, body, &self.channel)
            .await
            .map_err(|e| e.redact(&self.token))?;
        if response.is_success() {
            Ok(response.body)
        } else {
            Err(self
                .errors
                .error_from_response(
                    &self.channel,
                    response.status,
                    response.retry_after,
                    &response.body,
                )
                .redact(&self.token))
        }
    }

    /// Removes the token from an error built from this endpoint's answers.
    pub fn redact(&self, error: Error) -> Error {
        error.redact(&self.token)
    }
}

impl fmt::Debug for GraphEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphEndpoint")
            .field("channel", &self.channel)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}
