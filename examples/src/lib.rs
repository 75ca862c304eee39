//! Examples of Switchboard; run them with
//! `cargo run -p switchboard-examples --example NAME`:
//!
//! - `quickstart`: starts the emulator, builds both channels from
//!   configuration and sends a text through each.
//! - `custom_channel`: a third-party channel plugin registered with
//!   `register_channel!` and built by name.
