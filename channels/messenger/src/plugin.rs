//! The `messenger` channel plugin: settings, webhooks, the window rule and
//! the behaviour suite's samples, registered once.

use switchboard::plugin::{build_channel, ChannelPlugin, ConfigKey, Sample, WebhookSupport};
use switchboard::{register_channel, Media, Message, Recipient, ReplyButton, ReplyButtons};
use switchboard_graph::webhook::{hub_auth, HUB_KEYS};

use crate::model::{ButtonTemplate, Element, GenericTemplate, MessengerButton};
use crate::webhook::{parse, Window};
use crate::{Messenger, PLATFORM};

/// The settings of a `[channels.NAME]` table with `type = "messenger"`.
const KEYS: &[ConfigKey] = &[
    ConfigKey::required("page_id", "the Facebook Page id"),
    ConfigKey::required("access_token", "the page access token").secret(),
    ConfigKey::optional("base_url", "the Graph API host"),
    ConfigKey::optional("api_version", "the Graph API version"),
    ConfigKey::optional("timeout_secs", "seconds allowed for one request"),
];

/// Messenger's window: 24 hours, and HUMAN_AGENT-tagged replies within 7 days.
const WINDOW: Window = Window::with_human_agent();

/// One message of each kind Messenger sends.
fn samples(to: Recipient) -> Vec<Sample> {
    let msg = |content: switchboard::Content| Message::new(to.clone(), content);
    vec![
        Sample::new("text", Message::text(to.clone(), "Your table is booked")),
        Sample::new(
            "image",
            msg(Media::image_url("https://example.com/menu.png").into()),
        ),
        Sample::new(
            "reply_buttons",
            msg(ReplyButtons::new("Still on for 7 pm?", [ReplyButton::new("yes", "Yes")]).into()),
        ),
        Sample::new(
            "button_template",
            msg(ButtonTemplate::new(
                "Manage your booking",
                [MessengerButton::postback("Cancel", "CANCEL_BOOKING")],
            )
            .into()),
        ),
        Sample::new(
            "generic_template",
            msg(
                GenericTemplate::new([Element::new("Table for two").subtitle("Friday 19:30")])
                    .into(),
            ),
        ),
    ]
}

register_channel!(ChannelPlugin::new(
    PLATFORM,
    "Facebook Messenger Send API",
    build_channel::<Messenger>
)
.with_config_keys(KEYS)
.with_webhooks(WebhookSupport::new(HUB_KEYS, hub_auth, parse))
.with_window_rule(&WINDOW)
.with_samples(samples));
