//! A webhook receiver: mounts the WhatsApp webhook service at
//! `/webhooks/whatsapp`, feeds the customer-service window tracker, points the
//! emulator's signed webhooks at it, sends a message and prints the events
//! (sent → delivered → read) and an inbound reply as they arrive.
//!
//! ```text
//! cargo run -p switchboard-examples --example webhook_receiver
//! ```

use std::sync::Arc;
use std::time::Duration;

use switchboard::server::{serve, ServerLimits};
use switchboard::webhook::service::{router, WebhookConfig};
use switchboard::webhook::{Event, EventKind, WindowPolicy, WindowTracker};
use switchboard::{Channel, Message, Recipient, Registry, Secret};
use switchboard_emulator::Emulator;
use switchboard_graph::webhook::HubAuth;
use switchboard_messenger as _;
use switchboard_whatsapp::webhook;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let app_secret = Secret::new("example-app-secret");
    let tracker = Arc::new(WindowTracker::new());

    // The receiver: handshake, signature check, duplicates dropped, 200 at once.
    let auth = HubAuth::new(app_secret.clone(), Secret::new("example-verify-token"))?;
    let config = WebhookConfig::new(Arc::new(auth), webhook::parse).window_tracker(tracker.clone());
    let app = axum::Router::new().nest(
        "/webhooks/whatsapp",
        router(config, |event: Event| async move { describe(&event) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/whatsapp", listener.local_addr()?);
    // Served with bounds on headers, request time and body size.
    let limits = ServerLimits::default();
    let forever = std::future::pending();
    tokio::spawn(async move { serve(listener, app, limits, forever).await });
    println!("Webhook receiver at {url}");

    let emulator = Emulator::start().await?;
    emulator.set_webhook("whatsapp", &url, app_secret)?;
    let whatsapp = Registry::discover()?.build(&emulator.channel_config("whatsapp", "support")?)?;
    // Free-form messages only inside the 24-hour window; templates always.
    let policy = WindowPolicy::new(whatsapp, tracker, Arc::new(webhook::Window));

    let customer = Recipient::phone_number("+16505551234");
    match policy.send(&Message::text(customer.clone(), "Hi!")).await {
        Err(e) => println!("before the customer wrote: {e}"),
        Ok(_) => unreachable!("the window is closed"),
    }
    emulator.send_inbound_text("whatsapp", "16505551234", "Is my order on its way?")?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let receipt = policy
        .send(&Message::text(customer, "Yes! It arrives on Friday."))
        .await?;
    println!("sent {}", receipt.message_id);
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(())
}

fn describe(event: &Event) {
    match &event.kind {
        EventKind::Message(m) => println!("inbound from {}: {:?}", m.from, m.content),
        EventKind::Status(s) => println!("status of {}: {:?}", s.message_id, s.status),
        other => println!("event: {other:?}"),
    }
}
