//! A channel defined outside the channel crates, registered through
//! `inventory`, is found by name and sent through.

use std::sync::Arc;

use switchboard::{
    register_channel, AcceptanceStatus, Capabilities, Channel, ChannelConfig, ChannelInfo,
    ChannelPlugin, Error, Message, Receipt, Recipient, Switchboard,
};
use switchboard_tests as _;

struct Echo(ChannelInfo);

#[switchboard::async_trait]
impl Channel for Echo {
    fn info(&self) -> &ChannelInfo {
        &self.0
    }
    fn validate(&self, _: &Message) -> Result<(), Error> {
        Ok(())
    }
    async fn send(&self, m: &Message) -> Result<Receipt, Error> {
        Ok(Receipt {
            channel: self.0.name.clone(),
            message_id: format!("echo:{}", m.to.id),
            recipient_id: None,
            status: AcceptanceStatus::Accepted,
        })
    }
}

fn build(config: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
    Ok(Arc::new(Echo(ChannelInfo {
        name: config.name().into(),
        platform: "echo".into(),
        account: "-".into(),
        capabilities: Capabilities::default(),
    })))
}

register_channel!(ChannelPlugin::new("echo", "echoes", build));

#[tokio::test]
async fn a_third_party_plugin_is_built_by_name_and_sends() {
    let registry = switchboard::Registry::discover().unwrap();
    assert_eq!(registry.names(), vec!["echo", "messenger", "whatsapp"]);
    let sb = Switchboard::from_toml_str("[channels.echo]\n").unwrap();
    let r = sb
        .send("echo", &Message::text(Recipient::user_id("42"), "x"))
        .await
        .unwrap();
    assert_eq!(r.message_id, "echo:42");
}
