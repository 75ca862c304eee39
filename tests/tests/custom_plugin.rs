//! A channel defined outside the channel crates, registered through
//! `inventory`, is found by name and sent through.

use std::sync::Arc;

use switchboard::plugin::{ChannelConfig, ChannelPlugin, Violations};
use switchboard::{
    register_channel, Capabilities, Channel, ChannelInfo, ContentKind, Error, Message, Receipt,
    Recipient, RecipientKind, Switchboard,
};
use switchboard_tests as _;

struct Echo(ChannelInfo);

#[switchboard::async_trait]
impl Channel for Echo {
    fn info(&self) -> &ChannelInfo {
        &self.0
    }
    fn check_rules(&self, _: &Message, _: &mut Violations) -> Result<(), Error> {
        Ok(())
    }
    async fn send_validated(&self, m: &Message) -> Result<Receipt, Error> {
        Ok(Receipt::new(&self.0.name, format!("echo:{}", m.to.id)))
    }
}

fn build(config: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
    let capabilities = Capabilities::new()
        .content_kinds([ContentKind::Text])
        .recipient_kinds([RecipientKind::UserId]);
    Ok(Arc::new(Echo(
        ChannelInfo::new(config.name(), "echo", "-").capabilities(capabilities),
    )))
}

register_channel!(ChannelPlugin::new("echo", "echoes", build));

#[tokio::test]
async fn a_third_party_plugin_is_built_by_name_and_sends() {
    let registry = switchboard::Registry::discover().unwrap();
    assert_eq!(
        registry.names(),
        vec!["echo", "messenger", "smsgate", "telegram", "whatsapp"]
    );
    let sb = Switchboard::from_toml_str("[channels.echo]\n").unwrap();
    let r = sb
        .send("echo", &Message::text(Recipient::user_id("42"), "x"))
        .await
        .unwrap();
    assert_eq!(r.message_id, "echo:42");
}
