//! Helpers of the behaviour suite: linking every shipped channel crate,
//! building channels against the emulator, and finding the official examples.

pub mod behaviour;

use std::sync::Arc;

use switchboard::{Channel, Error, Registry};
use switchboard_emulator::Emulator;

// The linking caveat: reference every channel crate so their plugins register.
pub use switchboard_example_sms;
pub use switchboard_messenger;
pub use switchboard_telegram;
pub use switchboard_whatsapp;

/// Every registered channel, built against `emulator` under its platform name.
pub fn channels_on(emulator: &Emulator) -> Result<Vec<Arc<dyn Channel>>, Error> {
    let registry = Registry::discover()?;
    registry
        .plugins()
        .map(|p| registry.build(&emulator.channel_config(p.name(), p.name())?))
        .collect()
}

pub use switchboard_emulator::canned::{golden_dir, serve_once};
