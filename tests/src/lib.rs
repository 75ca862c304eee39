//! Helpers of the behaviour suite: linking every shipped channel crate,
//! building channels against the emulator, and finding the official examples.

use std::path::PathBuf;
use std::sync::Arc;

use switchboard::emulator::Emulator;
use switchboard::{Channel, Error, Registry};

// The linking caveat: reference every channel crate so their plugins register.
pub use switchboard_messenger;
pub use switchboard_whatsapp;

/// Every registered channel, built against `emulator` under its platform name.
pub fn channels_on(emulator: &Emulator) -> Result<Vec<Arc<dyn Channel>>, Error> {
    let registry = Registry::discover()?;
    registry
        .plugins()
        .map(|p| registry.build(&emulator.channel_config(p.name(), p.name())?))
        .collect()
}

/// `../shared/golden` beside the checkout, when present. When it is absent
/// this says so loudly on stderr: the conformance tests then check nothing.
pub fn golden_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/golden");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n==================== WARNING ====================\n\
             ../shared/golden is ABSENT ({}):\n\
             the conformance tests against Meta's official examples did NOT run.\n\
             =================================================\n",
            dir.display()
        );
        None
    }
}
