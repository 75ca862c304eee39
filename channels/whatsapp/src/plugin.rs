//! The `whatsapp` channel plugin: settings, webhooks, the window rule and
//! the behaviour suite's samples, registered once.

use switchboard::contact::{Contact, ContactName, ContactPhone};
use switchboard::plugin::{build_channel, ChannelPlugin, ConfigKey, Sample, WebhookSupport};
use switchboard::{
    register_channel, Choice, ChoiceList, ChoiceSection, Contacts, Location, Media, Message,
    Recipient, ReplyButton, ReplyButtons, SenderAction,
};
use switchboard_graph::webhook::{hub_auth, HUB_KEYS};

use crate::model::{Parameter, Template};
use crate::webhook::{parse, Window};
use crate::{WhatsApp, PLATFORM};

/// The settings of a `[channels.NAME]` table with `type = "whatsapp"`.
const KEYS: &[ConfigKey] = &[
    ConfigKey::optional(
        "phone_number_id",
        "the business phone number id (Cloud API)",
    ),
    ConfigKey::required(
        "access_token",
        "the system-user (Cloud) or login (On-Premises) token",
    )
    .secret(),
    ConfigKey::optional("base_url", "the API host"),
    ConfigKey::optional("api_version", "the Graph API version (Cloud)"),
    ConfigKey::optional("dialect", "cloud (default) or on_premises"),
    ConfigKey::optional("timeout_secs", "seconds allowed for one request"),
];

/// One message of each kind WhatsApp sends.
fn samples(to: Recipient) -> Vec<Sample> {
    let msg = |content: switchboard::Content| Message::new(to.clone(), content);
    let list = ChoiceList::new(
        "Which delivery slot?",
        "Slots",
        [ChoiceSection::new([
            Choice::new("am", "Morning"),
            Choice::new("pm", "Afternoon"),
        ])],
    );
    vec![
        Sample::new("text", Message::text(to.clone(), "Your order has shipped")),
        Sample::new(
            "image",
            msg(Media::image_url("https://example.com/parcel.png").into()),
        ),
        Sample::new(
            "location",
            msg(Location::new(37.48, -122.15).name("Pick-up point").into()),
        ),
        Sample::new(
            "contacts",
            msg(Contacts::new([
                Contact::new(ContactName::new("Support")).phone(ContactPhone::new("+16505550000"))
            ])
            .into()),
        ),
        Sample::new(
            "reply_buttons",
            msg(ReplyButtons::new("Delivered?", [ReplyButton::new("yes", "Yes")]).into()),
        ),
        Sample::new("choice_list", msg(list.into())),
        Sample::new(
            "mark_read",
            msg(SenderAction::mark_seen(
                "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA",
            )
            .into()),
        ),
        Sample::new(
            "template",
            msg(Template::new("order_update", "en_US")
                .body([Parameter::text("#1042")])
                .into()),
        ),
    ]
}

register_channel!(ChannelPlugin::new(
    PLATFORM,
    "WhatsApp Business: Cloud API (default) and On-Premises /v1/messages",
    build_channel::<WhatsApp>
)
.with_config_keys(KEYS)
.with_webhooks(WebhookSupport::new(HUB_KEYS, hub_auth, parse))
.with_window_rule(&Window)
.with_samples(samples));
