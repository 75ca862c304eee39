//! The platform's JSON, private to this crate: typed, borrowed request bodies
//! (no JSON tree on the send path) and the success responses.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;
use switchboard::contact::Contact;
use switchboard::plugin::{decode_response, snippet, unexpected_response};
use switchboard::{
    ChoiceSection, Content, Error, ErrorKind, Media, MediaKind, MediaSource, Message, Receipt,
    RecipientKind, ReplyButton, SenderAction,
};

use crate::model::{
    FlowRef, Header, Hsm, Interactive, InteractiveAction, Template, Ttl, WhatsAppContent,
    WhatsAppOptions,
};
use crate::Dialect;

/// `POST …/messages` body, both dialects (api-contract §1, §2).
#[skip_serializing_none]
#[derive(Serialize, Default)]
struct Outgoing<'a> {
    /// Cloud only: always `"whatsapp"`.
    messaging_product: Option<&'static str>,
    recipient_type: &'static str,
    to: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    /// On-Premises only: `preview_url` sits at the top level.
    preview_url: Option<bool>,
    context: Option<Context<'a>>,
    biz_opaque_callback_data: Option<&'a str>,
    /// On-Premises only.
    ttl: Option<&'a Ttl>,
    text: Option<TextObject<'a>>,
    image: Option<MediaObject<'a>>,
    audio: Option<MediaObject<'a>>,
    video: Option<MediaObject<'a>>,
    document: Option<MediaObject<'a>>,
    sticker: Option<MediaObject<'a>>,
    location: Option<LocationObject<'a>>,
    contacts: Option<Vec<ContactObject<'a>>>,
    reaction: Option<ReactionObject<'a>>,
    interactive: Option<InteractiveObject<'a>>,
    template: Option<&'a Template>,
    hsm: Option<&'a Hsm>,
}

#[derive(Serialize)]
struct Context<'a> {
    message_id: &'a str,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct TextObject<'a> {
    body: &'a str,
    /// Cloud only: inside the text object.
    preview_url: Option<bool>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct MediaObject<'a> {
    id: Option<&'a str>,
    link: Option<&'a str>,
    caption: Option<&'a str>,
    filename: Option<&'a str>,
    voice: Option<bool>,
    provider: Option<Provider<'a>>,
}

#[derive(Serialize)]
struct Provider<'a> {
    name: &'a str,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct LocationObject<'a> {
    latitude: f64,
    longitude: f64,
    name: Option<&'a str>,
    address: Option<&'a str>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct ContactObject<'a> {
    name: NameObject<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    phones: Vec<Labelled<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    emails: Vec<Labelled<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    urls: Vec<Labelled<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    addresses: Vec<AddressObject<'a>>,
    org: Option<&'a switchboard::contact::ContactOrg>,
    birthday: Option<&'a str>,
}

/// A phone, e-mail or URL entry: the neutral `label` is WhatsApp's `type`.
#[skip_serializing_none]
#[derive(Serialize)]
struct Labelled<'a> {
    phone: Option<&'a str>,
    email: Option<&'a str>,
    url: Option<&'a str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    wa_id: Option<&'a str>,
}

/// A postal address: the neutral `label` is WhatsApp's `type`.
#[skip_serializing_none]
#[derive(Serialize)]
struct AddressObject<'a> {
    street: Option<&'a str>,
    city: Option<&'a str>,
    state: Option<&'a str>,
    zip: Option<&'a str>,
    country: Option<&'a str>,
    country_code: Option<&'a str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
}

#[derive(Serialize)]
struct ReactionObject<'a> {
    message_id: &'a str,
    emoji: &'a str,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct InteractiveObject<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    header: Option<HeaderObject<'a>>,
    body: Option<BodyText<'a>>,
    footer: Option<BodyText<'a>>,
    action: ActionObject<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum HeaderObject<'a> {
    Text {
        #[serde(rename = "type")]
        kind: &'static str,
        text: &'a str,
    },
    Typed(&'a Header),
}

#[derive(Serialize)]
struct BodyText<'a> {
    text: &'a str,
}

#[skip_serializing_none]
#[derive(Serialize, Default)]
struct ActionObject<'a> {
    name: Option<&'static str>,
    button: Option<&'a str>,
    buttons: Option<Vec<ButtonObject<'a>>>,
    catalog_id: Option<&'a str>,
    product_retailer_id: Option<&'a str>,
    sections: Option<Sections<'a>>,
    parameters: Option<ActionParameters<'a>>,
}

#[derive(Serialize)]
struct ButtonObject<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    reply: &'a ReplyButton,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Sections<'a> {
    /// List sections: the neutral `ChoiceSection` has the platform's shape.
    List(&'a [ChoiceSection]),
    Products(Vec<ProductSectionObject<'a>>),
}

#[skip_serializing_none]
#[derive(Serialize)]
struct ProductSectionObject<'a> {
    title: Option<&'a str>,
    product_items: Vec<ProductItem<'a>>,
}

#[derive(Serialize)]
struct ProductItem<'a> {
    product_retailer_id: &'a str,
}

#[skip_serializing_none]
#[derive(Serialize)]
#[serde(untagged)]
enum ActionParameters<'a> {
    Catalog {
        thumbnail_product_retailer_id: Option<&'a str>,
    },
    CtaUrl {
        display_text: &'a str,
        url: &'a str,
    },
    Flow(FlowParameters<'a>),
    OrderDetails(&'a crate::model::OrderDetails),
    OrderStatus {
        reference_id: &'a str,
        order: OrderStatusObject<'a>,
    },
}

#[skip_serializing_none]
#[derive(Serialize)]
struct OrderStatusObject<'a> {
    status: &'a str,
    description: Option<&'a str>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct FlowParameters<'a> {
    /// Must be "3" (On-Premises reference, `flow_message_version`).
    flow_message_version: &'static str,
    flow_token: Option<&'a str>,
    flow_id: Option<&'a str>,
    flow_name: Option<&'a str>,
    flow_cta: &'a str,
    mode: Option<crate::model::FlowMode>,
    flow_action: Option<crate::model::FlowActionKind>,
    flow_action_payload: Option<&'a crate::model::FlowPayload>,
}

/// Mark-as-read (optionally with the typing indicator): a body of its own.
#[skip_serializing_none]
#[derive(Serialize)]
struct MarkRead<'a> {
    messaging_product: &'static str,
    status: &'static str,
    message_id: &'a str,
    typing_indicator: Option<TypingIndicator>,
}

#[derive(Serialize)]
struct TypingIndicator {
    #[serde(rename = "type")]
    kind: &'static str,
}

fn media_object<'a>(media: &'a Media, options: Option<&'a WhatsAppOptions>) -> MediaObject<'a> {
    let (id, link) = match &media.source {
        MediaSource::Id(id) => (Some(id.as_str()), None),
        MediaSource::Url(url) => (None, Some(url.as_str())),
        _ => (None, None),
    };
    MediaObject {
        id,
        link,
        caption: media.caption.as_deref(),
        filename: media.filename.as_deref(),
        voice: options
            .filter(|o| o.voice && media.kind == MediaKind::Audio)
            .map(|_| true),
        provider: options
            .and_then(|o| o.media_provider.as_deref())
            .map(|name| Provider { name }),
    }
}

fn labelled<'a>(
    phone: Option<&'a str>,
    email: Option<&'a str>,
    url: Option<&'a str>,
    label: &'a Option<String>,
    wa_id: Option<&'a str>,
) -> Labelled<'a> {
    Labelled {
        phone,
        email,
        url,
        label: label.as_deref(),
        wa_id,
    }
}

/// A contact's name: "at least one of the optional parameters needs to be
/// included along with the formatted_name" (On-Premises reference, contacts
/// `name`), so a name given only as `formatted_name` is also sent as the
/// first name.
#[derive(Serialize)]
struct NameObject<'a> {
    #[serde(flatten)]
    name: &'a switchboard::contact::ContactName,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
}

fn name_object(name: &switchboard::contact::ContactName) -> NameObject<'_> {
    let parts = [
        &name.first_name,
        &name.last_name,
        &name.middle_name,
        &name.prefix,
        &name.suffix,
    ];
    let none = parts.iter().all(|p| p.as_deref().is_none_or(str::is_empty));
    NameObject {
        name,
        first_name: none.then_some(name.formatted_name.as_str()),
    }
}

fn contact_object(c: &Contact) -> ContactObject<'_> {
    ContactObject {
        name: name_object(&c.name),
        phones: c
            .phones
            .iter()
            .map(|p| {
                labelled(
                    Some(p.phone.as_str()),
                    None,
                    None,
                    &p.label,
                    p.wa_id.as_deref(),
                )
            })
            .collect(),
        emails: c
            .emails
            .iter()
            .map(|e| labelled(None, Some(e.email.as_str()), None, &e.label, None))
            .collect(),
        urls: c
            .urls
            .iter()
            .map(|u| labelled(None, None, Some(u.url.as_str()), &u.label, None))
            .collect(),
        addresses: c
            .addresses
            .iter()
            .map(|a| AddressObject {
                street: a.street.as_deref(),
                city: a.city.as_deref(),
                state: a.state.as_deref(),
                zip: a.zip.as_deref(),
                country: a.country.as_deref(),
                country_code: a.country_code.as_deref(),
                label: a.label.as_deref(),
            })
            .collect(),
        org: c.org.as_ref(),
        birthday: c.birthday.as_deref(),
    }
}

fn text_header(text: Option<&str>) -> Option<HeaderObject<'_>> {
    text.map(|text| HeaderObject::Text { kind: "text", text })
}

fn buttons(buttons: &[ReplyButton]) -> Vec<ButtonObject<'_>> {
    buttons
        .iter()
        .map(|reply| ButtonObject {
            kind: "reply",
            reply,
        })
        .collect()
}

fn interactive_object(i: &Interactive) -> InteractiveObject<'_> {
    let mut action = ActionObject::default();
    match &i.action {
        InteractiveAction::Buttons(b) => action.buttons = Some(buttons(b)),
        InteractiveAction::List { button, sections } => {
            action.button = Some(button);
            action.sections = Some(Sections::List(sections));
        }
        InteractiveAction::Product {
            catalog_id,
            product_retailer_id,
        } => {
            action.catalog_id = Some(catalog_id);
            action.product_retailer_id = Some(product_retailer_id);
        }
        InteractiveAction::ProductList {
            catalog_id,
            sections,
        } => {
            action.catalog_id = Some(catalog_id);
            action.sections = Some(Sections::Products(
                sections
                    .iter()
                    .map(|s| ProductSectionObject {
                        title: s.title.as_deref(),
                        product_items: s
                            .product_retailer_ids
                            .iter()
                            .map(|id| ProductItem {
                                product_retailer_id: id,
                            })
                            .collect(),
                    })
                    .collect(),
            ));
        }
        InteractiveAction::CatalogMessage {
            thumbnail_product_retailer_id,
        } => {
            action.name = Some("catalog_message");
            // No thumbnail, no `parameters` (not an empty object).
            action.parameters =
                thumbnail_product_retailer_id
                    .as_deref()
                    .map(|id| ActionParameters::Catalog {
                        thumbnail_product_retailer_id: Some(id),
                    });
        }
        InteractiveAction::Flow(f) => {
            action.name = Some("flow");
            let (flow_id, flow_name) = match &f.flow {
                FlowRef::Id(id) => (Some(id.as_str()), None),
                FlowRef::Name(n) => (None, Some(n.as_str())),
            };
            action.parameters = Some(ActionParameters::Flow(FlowParameters {
                flow_message_version: "3",
                flow_token: f.flow_token.as_deref(),
                flow_id,
                flow_name,
                flow_cta: &f.flow_cta,
                mode: f.mode,
                flow_action: f.flow_action,
                flow_action_payload: f.flow_action_payload.as_ref(),
            }));
        }
        InteractiveAction::CtaUrl { display_text, url } => {
            action.name = Some("cta_url");
            action.parameters = Some(ActionParameters::CtaUrl { display_text, url });
        }
        InteractiveAction::LocationRequest => action.name = Some("send_location"),
        InteractiveAction::OrderDetails(o) => {
            action.name = Some("review_and_pay");
            action.parameters = Some(ActionParameters::OrderDetails(o));
        }
        InteractiveAction::OrderStatus {
            reference_id,
            status,
            description,
        } => {
            action.name = Some("review_order");
            action.parameters = Some(ActionParameters::OrderStatus {
                reference_id,
                order: OrderStatusObject {
                    status,
                    description: description.as_deref(),
                },
            });
        }
    }
    InteractiveObject {
        kind: i.kind(),
        header: i.header.as_ref().map(|h| match h {
            Header::Text { text } => HeaderObject::Text { kind: "text", text },
            other => HeaderObject::Typed(other),
        }),
        body: i.body.as_deref().map(|text| BodyText { text }),
        footer: i.footer.as_deref().map(|text| BodyText { text }),
        action,
    }
}

fn channel_error(what: &str) -> Error {
    Error::new(ErrorKind::InvalidMessage, what.to_string())
}

/// Applies a JSON merge patch (RFC 7396) to a serialized body.
pub(crate) fn apply_patch(body: &[u8], patch: &serde_json::Value) -> Result<Vec<u8>, Error> {
    use serde_json::Value;
    fn merge(target: &mut Value, patch: &Value) {
        let Value::Object(fields) = patch else {
            *target = patch.clone();
            return;
        };
        if !target.is_object() {
            *target = Value::Object(serde_json::Map::new());
        }
        if let Value::Object(t) = target {
            for (key, value) in fields {
                if value.is_null() {
                    t.remove(key);
                } else {
                    merge(t.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
    }
    let mut value: Value =
        serde_json::from_slice(body).map_err(|e| channel_error(&e.to_string()))?;
    merge(&mut value, patch);
    serde_json::to_vec(&value).map_err(|e| channel_error(&e.to_string()))
}

/// Serializes a validated message.
pub(crate) fn serialize(
    channel: &str,
    dialect: Dialect,
    message: &Message,
) -> Result<Vec<u8>, Error> {
    let options = WhatsAppOptions::of(channel, message)?;
    let options = options.as_deref();
    let cloud = dialect == Dialect::Cloud;
    if let Content::SenderAction(SenderAction {
        action, message_id, ..
    }) = &message.content
    {
        let body = MarkRead {
            messaging_product: "whatsapp",
            status: "read",
            message_id: message_id.as_deref().unwrap_or_default(),
            typing_indicator: (*action == switchboard::SenderActionKind::TypingOn
                || options.is_some_and(|o| o.typing_indicator))
            .then_some(TypingIndicator { kind: "text" }),
        };
        return serde_json::to_vec(&body).map_err(|e| channel_error(&e.to_string()));
    }
    let mut out = Outgoing {
        messaging_product: cloud.then_some("whatsapp"),
        recipient_type: if message.to.kind == RecipientKind::Group {
            "group"
        } else {
            "individual"
        },
        to: &message.to.id,
        context: message
            .options
            .reply_to
            .as_deref()
            .map(|message_id| Context { message_id }),
        biz_opaque_callback_data: if cloud {
            message.options.callback_data.as_deref()
        } else {
            None
        },
        ttl: options.and_then(|o| o.ttl.as_ref()).filter(|_| !cloud),
        ..Outgoing::default()
    };
    let typed;
    match &message.content {
        Content::Text(t) => {
            out.kind = "text";
            if cloud {
                out.text = Some(TextObject {
                    body: &t.body,
                    preview_url: t.preview_url,
                });
            } else {
                out.preview_url = t.preview_url;
                out.text = Some(TextObject {
                    body: &t.body,
                    preview_url: None,
                });
            }
        }
        Content::Media(m) => {
            let object = Some(media_object(m, options));
            match m.kind {
                MediaKind::Image => (out.kind, out.image) = ("image", object),
                MediaKind::Audio => (out.kind, out.audio) = ("audio", object),
                MediaKind::Video => (out.kind, out.video) = ("video", object),
                MediaKind::Document => (out.kind, out.document) = ("document", object),
                MediaKind::Sticker => (out.kind, out.sticker) = ("sticker", object),
                _ => return Err(channel_error("unknown media kind")),
            }
        }
        Content::Location(l) => {
            out.kind = "location";
            out.location = Some(LocationObject {
                latitude: l.latitude,
                longitude: l.longitude,
                name: l.name.as_deref(),
                address: l.address.as_deref(),
            });
        }
        Content::Contacts(c) => {
            out.kind = "contacts";
            out.contacts = Some(c.contacts.iter().map(contact_object).collect());
        }
        Content::Reaction(r) => {
            out.kind = "reaction";
            out.reaction = Some(ReactionObject {
                message_id: &r.message_id,
                emoji: &r.emoji,
            });
        }
        Content::ReplyButtons(b) => {
            out.kind = "interactive";
            out.interactive = Some(InteractiveObject {
                kind: "button",
                header: text_header(b.header.as_deref()),
                body: Some(BodyText { text: &b.body }),
                footer: b.footer.as_deref().map(|text| BodyText { text }),
                action: ActionObject {
                    buttons: Some(buttons(&b.buttons)),
                    ..ActionObject::default()
                },
            });
        }
        Content::ChoiceList(l) => {
            out.kind = "interactive";
            out.interactive = Some(InteractiveObject {
                kind: "list",
                header: text_header(l.header.as_deref()),
                body: Some(BodyText { text: &l.body }),
                footer: l.footer.as_deref().map(|text| BodyText { text }),
                action: ActionObject {
                    button: Some(&l.button),
                    sections: Some(Sections::List(&l.sections)),
                    ..ActionObject::default()
                },
            });
        }
        Content::Channel(c) => {
            typed = c.decode::<WhatsAppContent>(channel)?;
            match &*typed {
                WhatsAppContent::Template(t) => {
                    out.kind = "template";
                    out.template = Some(t);
                }
                WhatsAppContent::Hsm(h) => {
                    out.kind = "hsm";
                    out.hsm = Some(h);
                }
                WhatsAppContent::Interactive(i) => {
                    out.kind = "interactive";
                    out.interactive = Some(interactive_object(i));
                }
            }
            return serde_json::to_vec(&out).map_err(|e| channel_error(&e.to_string()));
        }
        other => {
            return Err(channel_error(&format!(
                "{} content cannot be serialized",
                other.kind()
            )))
        }
    }
    serde_json::to_vec(&out).map_err(|e| channel_error(&e.to_string()))
}

/// The success response (api-contract §1.2; On-Premises has only
/// `messages`). A 2xx carrying `error` (Graph) or `errors` (On-Premises) is
/// the platform's refusal.
#[derive(Deserialize)]
struct SendResponse {
    #[serde(default)]
    contacts: Vec<ContactOut>,
    #[serde(default)]
    messages: Vec<MessageOut>,
}

#[derive(Deserialize)]
struct ContactOut {
    #[serde(default)]
    wa_id: Option<String>,
}

#[derive(Deserialize)]
struct MessageOut {
    id: String,
    #[serde(default)]
    message_status: Option<String>,
}

/// `{"success": true}`, the answer to mark-as-read.
#[derive(Deserialize)]
struct SuccessResponse {
    #[serde(default)]
    success: bool,
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
}

/// The platform's refusal carried by a 2xx body.
fn refusal_in_success(channel: &str, body: &[u8]) -> Error {
    crate::errors::ERRORS.error_from_response(channel, 200, None, body)
}

/// Turns the 2xx body of a mark-as-read into a receipt for the message read.
pub(crate) fn parse_read_receipt(
    channel: &str,
    message_id: &str,
    body: &[u8],
) -> Result<Receipt, Error> {
    match serde_json::from_slice::<SuccessResponse>(body) {
        Ok(SuccessResponse { error: Some(_), .. }) => Err(refusal_in_success(channel, body)),
        Ok(SuccessResponse { success: true, .. }) => Ok(Receipt::new(channel, message_id)),
        _ => Err(unexpected_response(
            channel,
            format!("mark-as-read did not answer success: {}", snippet(body)),
        )),
    }
}

/// Turns a 2xx body into a receipt. The platform answered 2xx: an answer we
/// cannot read is never temporary (a retry could duplicate the message).
pub(crate) fn parse_receipt(channel: &str, body: &[u8]) -> Result<Receipt, Error> {
    let parsed = serde_json::from_slice::<SendResponse>(body).ok();
    let Some(SendResponse { contacts, messages }) = parsed.filter(|p| !p.messages.is_empty())
    else {
        return Err(no_message_id(channel, body));
    };
    let Some(MessageOut { id, message_status }) = messages.into_iter().next() else {
        return Err(no_message_id(channel, body));
    };
    if id.is_empty() {
        return Err(unexpected_response(
            channel,
            "the success response has an empty message id",
        ));
    }
    Ok(Receipt::new(channel, id)
        .recipient_id(contacts.into_iter().find_map(|c| c.wa_id))
        .status(crate::acceptance(message_status.as_deref())))
}

/// Why a 2xx body carries no message id: the platform's refusal, or an
/// answer we cannot read.
fn no_message_id(channel: &str, body: &[u8]) -> Error {
    if crate::errors::ERRORS.parses(body) {
        return refusal_in_success(channel, body);
    }
    match decode_response::<serde::de::IgnoredAny>(channel, "success response", body) {
        Err(e) => e,
        Ok(_) => unexpected_response(
            channel,
            format!(
                "the success response has no messages[].id: {}",
                snippet(body)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard::AcceptanceStatus;

    #[test]
    fn receipt_from_cloud_response() {
        let body = br#"{"contacts":[{"input":"+16505551234","wa_id":"16505551234"}],
            "messages":[{"id":"wamid.HBg","message_status":"held_for_quality_assessment"}],
            "messaging_product":"whatsapp"}"#;
        let r = parse_receipt("wa", body).unwrap();
        assert_eq!(r.message_id, "wamid.HBg");
        assert_eq!(r.recipient_id.as_deref(), Some("16505551234"));
        assert_eq!(r.status, AcceptanceStatus::HeldForQualityAssessment);
        let paused = br#"{"messages":[{"id":"w","message_status":"paused"}]}"#;
        assert_eq!(
            parse_receipt("wa", paused).unwrap().status,
            AcceptanceStatus::Paused
        );
    }

    #[test]
    fn the_on_premises_held_sentence_is_held() {
        let body = br#"{"messages":[{"id":"gBEG","message_status":"Message has been held because quality assessment is pending"}]}"#;
        assert_eq!(
            parse_receipt("wa", body).unwrap().status,
            AcceptanceStatus::HeldForQualityAssessment
        );
    }

    #[test]
    fn receipt_from_on_premises_response() {
        let r = parse_receipt(
            "wa",
            br#"{"messages":[{"id":"gBEGkYiEB1VXAglK1ZEqA1YKPrU"}]}"#,
        )
        .unwrap();
        assert_eq!(r.message_id, "gBEGkYiEB1VXAglK1ZEqA1YKPrU");
        assert_eq!(r.recipient_id, None);
        assert_eq!(r.status, AcceptanceStatus::Accepted);
    }

    #[test]
    fn malformed_success_bodies_are_clear_errors() {
        for body in [
            &b""[..],
            b"not json",
            b"{}",
            b"[]",
            br#"{"messages":[]}"#,
            br#"{"messages":[{"id":""}]}"#,
            br#"{"messages":[{"id":5}]}"#,
            br#"{"messages":"x"}"#,
        ] {
            let e = parse_receipt("wa", body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse, "{e}");
            assert!(!e.is_temporary());
        }
        for body in [
            &b""[..],
            b"{}",
            br#"{"success":false}"#,
            br#"{"success":"yes"}"#,
        ] {
            let e = parse_read_receipt("wa", "wamid.1", body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        }
        assert_eq!(
            parse_read_receipt("wa", "wamid.1", br#"{"success":true}"#)
                .unwrap()
                .message_id,
            "wamid.1"
        );
    }

    #[test]
    fn a_2xx_carrying_an_error_is_classified_by_its_code() {
        let graph = br#"{"error":{"message":"(#131047) Re-engagement message","code":131047,"fbtrace_id":"T"}}"#;
        for e in [
            parse_receipt("wa", graph).unwrap_err(),
            parse_read_receipt("wa", "wamid.1", graph).unwrap_err(),
        ] {
            assert_eq!(e.kind(), ErrorKind::OutsideWindow);
            assert_eq!(e.code(), Some(131047));
        }
        let on_prem = br#"{"errors":[{"code":470,"title":"Message failed to send"}]}"#;
        let e = parse_receipt("wa", on_prem).unwrap_err();
        assert_eq!((e.kind(), e.code()), (ErrorKind::OutsideWindow, Some(470)));
    }
}
