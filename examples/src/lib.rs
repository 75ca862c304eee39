//! Examples of Switchboard; run them with
//! `cargo run -p switchboard-examples --example NAME`:
//!
//! - `quickstart`: starts the emulator, builds both channels from
//!   configuration and sends a text through each.
//! - `custom_channel`: a third-party channel plugin registered with
//!   `register_channel!` and built by name.
//! - `webhook_receiver`: the webhook service mounted in an axum app, fed by
//!   the emulator's signed webhooks, with the customer-service window policy.
//!
//! Python twins live next to them: `examples/quickstart.py`.
