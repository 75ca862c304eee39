//! A channel defined outside the channel crates, as a third party would: an
//! "outbox" channel that appends every text message as one JSON line to a
//! file (handy for local development and audits). It registers itself with
//! `register_channel!`, is built by name from configuration and sent through.
//!
//! ```text
//! cargo run -p switchboard-examples --example custom_channel
//! ```

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use switchboard::plugin::{ChannelConfig, ChannelPlugin, Violations};
use switchboard::{
    register_channel, Capabilities, Channel, ChannelInfo, ContentKind, Error, ErrorKind, Message,
    Receipt, RecipientKind, Switchboard,
};

/// The outbox's settings: where to write.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutboxConfig {
    path: PathBuf,
}

/// Writes text messages to a JSON-lines file.
struct Outbox {
    info: ChannelInfo,
    file: Mutex<std::fs::File>,
    next: AtomicU64,
}

#[switchboard::async_trait]
impl Channel for Outbox {
    fn info(&self) -> &ChannelInfo {
        &self.info
    }

    /// Core has checked the content kind, the recipient kind and the text
    /// length against the capabilities; the outbox adds one rule of its own.
    fn check_rules(&self, message: &Message, v: &mut Violations) -> Result<(), Error> {
        v.required(|| "to".into(), &message.to.id);
        Ok(())
    }

    async fn send_validated(&self, message: &Message) -> Result<Receipt, Error> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let id = format!("outbox-{n}");
        let line = serde_json::json!({"id": id, "to": message.to, "content": message.content});
        let mut file = self
            .file
            .lock()
            .map_err(|_| Error::new(ErrorKind::PlatformUnavailable, "outbox lock poisoned"))?;
        writeln!(file, "{line}").map_err(|e| {
            Error::new(ErrorKind::PlatformUnavailable, "cannot write to the outbox").with_source(e)
        })?;
        Ok(Receipt::new(&self.info.name, id).recipient_id(Some(message.to.id.clone())))
    }
}

fn build_outbox(config: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
    let settings: OutboxConfig = config.deserialize()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&settings.path)
        .map_err(|e| Error::config(format!("cannot open {}: {e}", settings.path.display())))?;
    Ok(Arc::new(Outbox {
        info: ChannelInfo::new(config.name(), "outbox", settings.path.display().to_string())
            .capabilities(
                Capabilities::new()
                    .content_kinds([ContentKind::Text])
                    .recipient_kinds([RecipientKind::UserId, RecipientKind::PhoneNumber])
                    .max_text_chars(10_000),
            ),
        file: Mutex::new(file),
        next: AtomicU64::new(1),
    }))
}

register_channel!(ChannelPlugin::new(
    "outbox",
    "writes text messages to a JSON-lines file",
    build_outbox
));

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path =
        std::env::temp_dir().join(format!("switchboard-outbox-{}.jsonl", std::process::id()));
    let config = format!(
        "[channels.audit]\ntype = \"outbox\"\npath = {:?}\n",
        path.display().to_string()
    );
    let switchboard = Switchboard::from_toml_str(&config)?;
    let receipt = switchboard
        .send(
            "audit",
            &Message::text(
                switchboard::Recipient::user_id("customer-42"),
                "Your booking for Friday 19:30 is confirmed.",
            ),
        )
        .await?;
    println!(
        "audit receipt: message_id={} status={}",
        receipt.message_id, receipt.status
    );
    println!("outbox file {}:", path.display());
    print!("{}", std::fs::read_to_string(&path)?);
    std::fs::remove_file(&path)?;
    Ok(())
}
