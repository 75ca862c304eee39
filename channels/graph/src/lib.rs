//! # switchboard-graph
//!
//! What Meta's Graph platforms share, for the WhatsApp and Messenger
//! channel crates of [Switchboard](switchboard) (and any other Graph
//! platform):
//!
//! - [`GraphConfig`]: base URL, API version, access token and timeout, read
//!   from a channel's TOML settings; the token never prints.
//! - [`GraphEndpoint`]: one POST endpoint that owns its URL, bearer header
//!   and client: post → classify → body.
//! - [`errors`]: the Graph error envelope and the generic code table (1, 2,
//!   4, 10, 17, 32, 100, 190, 200–299, 368, 613) each channel extends.
//! - [`webhook`]: the `hub.*` subscription handshake, `X-Hub-Signature-256`
//!   (constant time) and the typed `entry[]` / `changes[]` / `messaging[]`
//!   envelope.
//! - [`emulator`] (feature `emulator`): Graph error bodies, token checks and
//!   the request pipeline of the platform emulators.

mod config;
mod endpoint;
pub mod errors;
pub mod webhook;

#[cfg(feature = "emulator")]
pub mod emulator;

pub use config::{GraphConfig, DEFAULT_API_VERSION, DEFAULT_BASE_URL};
pub use endpoint::GraphEndpoint;
