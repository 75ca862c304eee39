//! Quickstart: start the local emulator, build every channel by name from
//! configuration, send a text through each and print the receipts.
//!
//! No credentials, no network: everything runs on 127.0.0.1.
//!
//! ```text
//! cargo run -p switchboard-examples --example quickstart
//! ```

// Reference the channel crates so that their plugins are linked and registered.
use switchboard_messenger as _;
use switchboard_telegram as _;
use switchboard_whatsapp as _;

use switchboard::{Message, Switchboard};
use switchboard_emulator::Emulator;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start().await?;
    println!("Emulator listening on {}", emulator.base_url());

    // The same TOML you would write for production, pointed at the emulator.
    let config = emulator.config_toml();
    let switchboard = Switchboard::from_toml_str(&config)?;

    for (name, channel) in switchboard.channels() {
        let to = emulator.sample_recipient(&channel.info().platform)?;
        let message = Message::text(to, "Hello from Switchboard! Your order #1042 has shipped.");
        let receipt = channel.send(&message).await?;
        println!(
            "{name:<10} receipt: message_id={} recipient_id={} status={}",
            receipt.message_id,
            receipt.recipient_id.as_deref().unwrap_or("-"),
            receipt.status
        );
    }

    let records = emulator.records();
    println!("The emulator accepted {} message(s).", records.len());
    Ok(())
}
