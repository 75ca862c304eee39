//! Conformance with Meta's official WhatsApp example bodies in
//! `../shared/golden`: each body is built through the public API and the
//! produced JSON value is compared with the file; the official success and
//! error bodies become receipts and classified errors.
//!
//! Quirks of the examples (../shared/golden/README.md), kept on purpose:
//! - `recipient_type` is omitted by some spec examples (`contacts.json`,
//!   `template_hello_world.json`, `template_flow_button.json`) although the
//!   spec marks it required; we always send it.
//! - `template_catalog.json` uses `sub_type: CATALOG` (the enum says `catalog`).
//! - location latitude/longitude are numbers in the spec, strings in the docs.
//! - Placeholder links such as `<http(s)://audio-url>` are not URLs; see `link`.
//! - `interactive_product_list.json` has the header type `<HEADER_TYPE>`.
//! - On-Premises `contacts.json` also omits `recipient_type`.
//!
//! Every file must be either built here or listed in `PENDING` with the
//! issue that builds it, so a new example can never be skipped silently.

use serde_json::Value;
use switchboard::contact::{
    Contact, ContactAddress, ContactEmail, ContactName, ContactOrg, ContactPhone, ContactUrl,
};
use switchboard::{
    Choice, ChoiceList, ChoiceSection, Contacts, Location, Media, MediaKind, MediaSource, Message,
    Reaction, Recipient, ReplyButton, ReplyButtons, Secret, SenderAction, SenderActionKind, Text,
};
use switchboard_emulator::canned::{check_official_requests, golden_dir, serve_once};
use switchboard_whatsapp::{
    Amount, ButtonAction, ButtonParameter, ButtonSubType, Charge, DateTime, Discount, FlowAction,
    FlowActionKind, FlowMode, FlowPayload, FlowRef, Header, Interactive, InteractiveAction,
    MediaRef, Order, OrderDetails, OrderItem, Parameter, ProductSection, Template, WhatsApp,
    WhatsAppConfig as WaConfig, WhatsAppOptions as WaOptions,
};

const SUBDIRS: [&str; 2] = ["whatsapp-cloud", "whatsapp-onprem"];

fn cloud() -> WhatsApp {
    WhatsApp::new("wa", WaConfig::cloud("1", Secret::new("t"))).unwrap()
}

fn on_premises() -> WhatsApp {
    WhatsApp::new(
        "wa",
        WaConfig::on_premises("https://whatsapp.local", Secret::new("t")),
    )
    .unwrap()
}

fn json(bytes: Vec<u8>) -> Value {
    serde_json::from_slice(&bytes).unwrap()
}

/// The placeholder links of Meta's examples are not URLs (`<http(s)://audio-url>`);
/// the client refuses non-http(s) links, so bodies are built with
/// `https://link.invalid/N` and the placeholder is put back before comparing.
fn link(n: usize) -> String {
    format!("https://link.invalid/{n}")
}

fn with_placeholder_links(body: Vec<u8>, placeholders: &[&str]) -> Value {
    let mut text = String::from_utf8(body).unwrap();
    for (n, p) in placeholders.iter().enumerate() {
        text = text.replace(&link(n), p);
    }
    serde_json::from_str(&text).unwrap()
}

fn cloud_body(m: Message) -> Vec<u8> {
    cloud().body(&m).unwrap_or_else(|e| panic!("{e}"))
}

fn media(kind: MediaKind, source: MediaSource) -> Media {
    Media::new(kind, source)
}

fn date_time_param() -> Parameter {
    Parameter::DateTime {
        date_time: DateTime::new("February 25, 1977")
            .day_of_week(5)
            .year(1977)
            .month(2)
            .day_of_month(25)
            .hour(15)
            .minute(33)
            .calendar("GREGORIAN"),
    }
}

fn body_params() -> Vec<Parameter> {
    vec![
        Parameter::text("text-string"),
        Parameter::currency("$100.99", "USD", 100990),
        date_time_param(),
    ]
}

fn golden_contact(full: bool) -> Contact {
    let address = |street: &str, label: &str| {
        ContactAddress::new()
            .street(street)
            .city("Menlo Park")
            .state("CA")
            .zip("94025")
            .country("United States")
            .country_code("us")
            .label(label)
    };
    let email = |e: &str, l: &str| ContactEmail::new(e).label(l);
    let url = |u: &str, l: &str| ContactUrl::new(u).label(l);
    let mut name = ContactName::new("John Smith")
        .first_name("John")
        .last_name("Smith");
    if full {
        name = name.middle_name("D.").prefix("Dr").suffix("Jr");
    }
    let mut contact = Contact::new(name)
        .phone(ContactPhone::new("+1 (940) 555-1234").label("HOME"))
        .phone(
            ContactPhone::new("+1 (650) 555-1234")
                .label("WORK")
                .wa_id("16505551234"),
        )
        .email(email("test@fb.com", "WORK"))
        .email(email(
            "test@whatsapp.com",
            if full { "HOME" } else { "WORK" },
        ))
        .url(url("https://www.facebook.com", "WORK"));
    if full {
        contact = contact.url(url("https://www.whatsapp.com", "HOME"));
    }
    contact
        .address(address("1 Hacker Way", "HOME"))
        .address(address("200 Jefferson Dr", "WORK"))
        .org(
            ContactOrg::new()
                .company("WhatsApp")
                .department("Design")
                .title("Manager"),
        )
        .birthday("2012-08-18")
}

fn flow_data() -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("<CUSTOM_KEY>".into(), "<CUSTOM_VALUE>".into());
    m
}

fn flow_message(flow: FlowRef, cta: &str, mode: Option<FlowMode>, texts: [&str; 3]) -> Interactive {
    Interactive::new(InteractiveAction::Flow(
        {
            let mut action = FlowAction::new(flow, cta);
            action.mode = mode;
            action
        }
        .flow_token("<FLOW_TOKEN>")
        .flow_action(FlowActionKind::Navigate)
        .flow_action_payload(FlowPayload::new("<SCREEN_ID>").data(flow_data())),
    ))
    .header(Header::text(texts[0]))
    .body(texts[1])
    .footer(texts[2])
}

fn list_sections(n: usize, rows: &[[&str; 3]], titles: &[&str]) -> Vec<ChoiceSection> {
    (0..n)
        .map(|s| {
            ChoiceSection::new(
                rows[s * 2..s * 2 + 2]
                    .iter()
                    .map(|[id, title, description]| {
                        Choice::new(*id, *title).description(*description)
                    }),
            )
            .title(titles[s])
        })
        .collect()
}

/// Builds the body for one golden file; `None` when no builder covers it yet.
///
/// `to_id` is the example's own `to` (placeholders differ from file to file).
fn build(file: &str, to_id: &str) -> Option<Value> {
    // Meta's placeholders (`{{Recipient-Phone-Number}}`) are no phone
    // numbers: they go as WhatsApp ids, which the body writes the same way.
    let phone_like = to_id.chars().any(|c| c.is_ascii_digit())
        && to_id
            .chars()
            .all(|c| c.is_ascii_digit() || "+ -()".contains(c));
    let to = || {
        if phone_like {
            Recipient::phone_number(to_id)
        } else {
            Recipient::user_id(to_id)
        }
    };
    Some(match file {
        "whatsapp-cloud/text.json" => json(cloud_body(Message::new(
            to(),
            Text::new("text-message-content").preview_url(false),
        ))),
        "whatsapp-cloud/text_preview_url.json" => json(cloud_body(Message::new(
            to(),
            Text::new("As requested, here's the link to our latest product: https://www.meta.com/quest/quest-3/")
                .preview_url(true),
        ))),
        "whatsapp-cloud/text_reply_context.json" => json(cloud_body(
            Message::new(to(), Text::new("<TEXT_MSG_CONTENT>").preview_url(false))
                .reply_to("<MSGID_OF_PREV_MSG>"),
        )),
        "whatsapp-cloud/image_id.json" => json(cloud_body(Message::new(
            to(),
            media(MediaKind::Image, MediaSource::Id("<IMAGE_OBJECT_ID>".into())),
        ))),
        "whatsapp-cloud/image_link.json" => with_placeholder_links(
            cloud_body(Message::new(to(), media(MediaKind::Image, MediaSource::Url(link(0))))),
            &["http(s)://image-url"],
        ),
        "whatsapp-cloud/audio_id.json" => json(cloud_body(Message::new(
            to(),
            media(MediaKind::Audio, MediaSource::Id("<AUDIO_OBJECT_ID>".into())),
        ))),
        "whatsapp-cloud/audio_link.json" => with_placeholder_links(
            cloud_body(Message::new(to(), media(MediaKind::Audio, MediaSource::Url(link(0))))),
            &["<http(s)://audio-url>"],
        ),
        "whatsapp-cloud/audio_voice.json" => json(cloud_body(
            Message::new(
                to(),
                media(MediaKind::Audio, MediaSource::Id("1013859600285441".into())),
            )
            .with_extension(WaOptions::default().voice()),
        )),
        "whatsapp-cloud/video_id.json" => json(cloud_body(Message::new(
            to(),
            media(MediaKind::Video, MediaSource::Id("<VIDEO_OBJECT_ID>".into()))
                .caption("<VIDEO_CAPTION_TEXT>"),
        ))),
        "whatsapp-cloud/video_link.json" => with_placeholder_links(
            cloud_body(Message::new(
                to(),
                media(MediaKind::Video, MediaSource::Url(link(0))).caption("<VIDEO_CAPTION_TEXT>"),
            )),
            &["<http(s)://video-url>"],
        ),
        "whatsapp-cloud/document_id.json" => json(cloud_body(Message::new(
            to(),
            media(MediaKind::Document, MediaSource::Id("<DOCUMENT_OBJECT_ID>".into()))
                .caption("<DOCUMENT_CAPTION_TO_SEND>")
                .filename("<DOCUMENT_FILENAME>"),
        ))),
        "whatsapp-cloud/document_link.json" => with_placeholder_links(
            cloud_body(Message::new(
                to(),
                media(MediaKind::Document, MediaSource::Url(link(0)))
                    .caption("<DOCUMENT-CAPTION-TEXT>"),
            )),
            &["<http(s)://document-url>"],
        ),
        "whatsapp-cloud/sticker_id.json" => json(cloud_body(Message::new(
            to(),
            media(MediaKind::Sticker, MediaSource::Id("<MEDIA_OBJECT_ID>".into())),
        ))),
        "whatsapp-cloud/sticker_link.json" => with_placeholder_links(
            cloud_body(Message::new(to(), media(MediaKind::Sticker, MediaSource::Url(link(0))))),
            &["<http(s)://sticker-url>"],
        ),
        "whatsapp-cloud/location.json" => json(cloud_body(Message::new(
            to(),
            Location::new(37.758056, -122.425332).name("META HQ").address("1 Hacker Way, Menlo Park, CA 94025"),
        ))),
        "whatsapp-cloud/contacts.json" => json(cloud_body(Message::new(
            to(),
            Contacts::new(vec![golden_contact(true)]),
        ))),
        "whatsapp-cloud/reaction.json" => json(cloud_body(Message::new(
            to(),
            Reaction::new("wamid.HBgLM...", "\u{1F600}"),
        ))),
        "whatsapp-cloud/mark_read.json" => json(cloud_body(Message::new(
            Recipient::user_id(""),
            SenderAction::new(SenderActionKind::MarkSeen).message_id("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA"),
        ))),
        "whatsapp-cloud/mark_read_typing_indicator.json" => json(cloud_body(Message::new(
            Recipient::user_id(""),
            SenderAction::new(SenderActionKind::TypingOn).message_id("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA="),
        ))),
        "whatsapp-cloud/interactive_button.json" => json(cloud_body(Message::new(
            to(),
            ReplyButtons::new("<BUTTON_TEXT>", vec![
                    ReplyButton::new("<UNIQUE_BUTTON_ID_1>", "<BUTTON_TITLE_1>"),
                    ReplyButton::new("<UNIQUE_BUTTON_ID_2>", "<BUTTON_TITLE_2>"),
                ]),
        ))),
        "whatsapp-cloud/interactive_button_image_header_docs.json" => json(cloud_body(Message::new(
            to(),
            Interactive::new(InteractiveAction::Buttons(vec![
                ReplyButton::new("change-button", "Change"),
                ReplyButton::new("cancel-button", "Cancel"),
            ]))
            .header(Header::Image { image: MediaRef::id("2762702990552401") })
            .body("Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons if you need to reschedule. Thank you!")
            .footer("Lucky Shrub: Your gateway to succulents!\u{2122}"),
        ))),
        "whatsapp-cloud/interactive_catalog_message.json" => json(cloud_body(Message::new(
            to(),
            Interactive::new(InteractiveAction::CatalogMessage {
                thumbnail_product_retailer_id: Some("2lc20305pt".into()),
            })
            .body("Hello! Thanks for your interest. Ordering is easy. Just visit our catalog and add items to purchase.")
            .footer("Best grocery deals on WhatsApp!"),
        ))),
        "whatsapp-cloud/interactive_cta_url.json" => json(cloud_body(Message::new(
            to(),
            Interactive::new(InteractiveAction::CtaUrl {
                display_text: "See Dates".into(),
                url: "https://www.luckyshrub.com?clickID=kqDGWd24Q5TRwoEQTICY7W1JKoXvaZOXWAS7h1P76s0R7Paec4".into(),
            })
            .header(Header::Image {
                image: MediaRef::link("https://www.luckyshrub.com/assets/lucky-shrub-banner-logo-v1.png"),
            })
            .body("Tap the button below to see available dates.")
            .footer("Dates subject to change."),
        ))),
        "whatsapp-cloud/interactive_flow_draft_name.json" => json(cloud_body(Message::new(
            to(),
            flow_message(
                FlowRef::Name("{{Flow-Name}}".into()),
                "Not shown in draft mode",
                Some(FlowMode::Draft),
                ["Not shown in draft mode"; 3],
            ),
        ))),
        "whatsapp-cloud/interactive_flow_published_id.json" => json(cloud_body(Message::new(
            to(),
            flow_message(
                FlowRef::Id("{{Flow-ID}}".into()),
                "Open Flow!",
                None,
                ["<HEADER_TEXT>", "<BODY_TEXT>", "<FOOTER_TEXT>"],
            ),
        ))),
        "whatsapp-cloud/interactive_list.json" => json(cloud_body(Message::new(
            to(),
            ChoiceList::new("<BODY_TEXT>", "<BUTTON_TEXT>", list_sections(
                    2,
                    &[
                        ["<LIST_SECTION_1_ROW_1_ID>", "<SECTION_1_ROW_1_TITLE>", "<SECTION_1_ROW_1_DESC>"],
                        ["<LIST_SECTION_1_ROW_2_ID>", "<SECTION_1_ROW_2_TITLE>", "<SECTION_1_ROW_2_DESC>"],
                        ["<LIST_SECTION_2_ROW_1_ID>", "<SECTION_2_ROW_1_TITLE>", "<SECTION_2_ROW_1_DESC>"],
                        ["<LIST_SECTION_2_ROW_2_ID>", "<SECTION_2_ROW_2_TITLE>", "<SECTION_2_ROW_2_DESC>"],
                    ],
                    &["<LIST_SECTION_1_TITLE>", "<LIST_SECTION_2_TITLE>"],
                )).header("<HEADER_TEXT>").footer("<FOOTER_TEXT>"),
        ))),
        "whatsapp-cloud/interactive_list_docs.json" => json(cloud_body(Message::new(
            to(),
            ChoiceList::new("Which shipping option do you prefer?", "Shipping Options", list_sections(
                    2,
                    &[
                        ["priority_express", "Priority Mail Express", "Next Day to 2 Days"],
                        ["priority_mail", "Priority Mail", "1\u{2013}3 Days"],
                        ["usps_ground_advantage", "USPS Ground Advantage", "2\u{2013}5 Days"],
                        ["media_mail", "Media Mail", "2\u{2013}8 Days"],
                    ],
                    &["I want it ASAP!", "I can wait a bit"],
                )).header("Choose Shipping Option").footer("Lucky Shrub: Your gateway to succulents\u{2122}"),
        ))),
        "whatsapp-cloud/interactive_location_request.json" => json(cloud_body(Message::new(
            to(),
            Interactive::new(InteractiveAction::LocationRequest).body(
                "Let's start with your pickup. You can either manually *enter an address* or *share your current location*.",
            ),
        ))),
        "whatsapp-cloud/interactive_product.json" => json(cloud_body(Message::new(
            to(),
            Interactive::new(InteractiveAction::Product {
                catalog_id: "367025965434465".into(),
                product_retailer_id: "<ID_TEST_ITEM_1>".into(),
            })
            .body("<OPTIONAL_BODY_TEXT>")
            .footer("<OPTIONAL_FOOTER_TEXT>"),
        ))),
        "whatsapp-cloud/interactive_product_list.json" => {
            let mut v = json(cloud_body(Message::new(
                to(),
                Interactive::new(InteractiveAction::ProductList {
                    catalog_id: "146265584024623".into(),
                    sections: vec![
                        ProductSection::new(["<YOUR_PRODUCT1_SKU_IN_CATALOG>", "<YOUR_SECOND_PRODUCT1_SKU_IN_CATALOG>"]).title("<SECTION1_TITLE>"),
                        ProductSection::new(["<YOUR_PRODUCT2_SKU_IN_CATALOG>", "<YOUR_SECOND_PRODUCT2_SKU_IN_CATALOG>"]).title("<SECTION2_TITLE>"),
                    ],
                })
                .header(Header::text("<YOUR_TEXT_HEADER_CONTENT>"))
                .body("<YOUR_TEXT_BODY_CONTENT>")
                .footer("<YOUR_TEXT_FOOTER_CONTENT>"),
            )));
            // Quirk: the example's header type is the placeholder "<HEADER_TYPE>";
            // product lists take a text header, which is what we send.
            v["interactive"]["header"]["type"] = "<HEADER_TYPE>".into();
            v
        }
        "whatsapp-cloud/interactive_order_details.json" => {
            let amount = |value| Amount::new(value, 100);
            let charge = |value| Charge::new(value, 100).description("optional_text");
            json(cloud_body(Message::new(
                to(),
                Interactive::new(InteractiveAction::OrderDetails(Box::new(OrderDetails::new("unique-reference-id", "digital-goods", "upi", "my-payment-config-name", "INR", amount(1100), Order::new("pending", vec![OrderItem::new("1234567", "bread", amount(1500), 1).sale_amount(amount(1000))], amount(1000), charge(100)).shipping(charge(100)).discount(Discount::new(100, 100).description("optional_text").discount_program_name("optional_text"))))))
                .header(Header::Image {
                    image: MediaRef::link("https://upload.wikimedia.org/wikipedia/commons/thumb/3/3b/Home_made_sour_dough_bread.jpg/640px-Home_made_sour_dough_bread.jpg"),
                })
                .body("your-text-body-content")
                .footer("your-text-footer-content"),
            )))
        }
        "whatsapp-cloud/interactive_order_status.json" => json(cloud_body(Message::new(
            to(),
            Interactive::new(InteractiveAction::OrderStatus {
                reference_id: "unique-reference-id-from-order-details-msg".into(),
                status: "processing".into(),
                description: Some("optional-text".into()),
            })
            .body("your-text-body-content"),
        ))),
        "whatsapp-cloud/template_hello_world.json" => {
            json(cloud_body(Message::new(to(), Template::new("hello_world", "en_US"))))
        }
        "whatsapp-cloud/template_body_params.json" => json(cloud_body(Message::new(
            to(),
            Template::new("template-name", "language-and-locale-code").body(body_params()),
        ))),
        "whatsapp-cloud/template_media_header.json" => with_placeholder_links(
            cloud_body(Message::new(
                to(),
                Template::new("template-name", "language-and-locale-code")
                    .header([Parameter::image(MediaRef::link(link(0)))])
                    .body(body_params()),
            )),
            &["http(s)://the-image-url"],
        ),
        "whatsapp-cloud/template_quick_reply_buttons.json" => with_placeholder_links(
            cloud_body(Message::new(
                to(),
                Template::new("template-name", "language-and-locale-code")
                    .header([Parameter::image(MediaRef::link(link(0)))])
                    .body(body_params())
                    .quick_reply_button(0, "aGlzIHRoaXMgaXMgY29v")
                    .quick_reply_button(1, "9rwnB8RbYmPF5t2Mn09x4h"),
            )),
            &["http(s)://the-image-url"],
        ),
        "whatsapp-cloud/template_catalog.json" => json(cloud_body(Message::new(
            to(),
            Template::new("intro_catalog_offer", "en_US")
                .body([Parameter::text("100"), Parameter::text("400"), Parameter::text("3")])
                .button(
                    ButtonSubType::Catalog,
                    0,
                    [ButtonParameter::Action {
                        action: ButtonAction::new().thumbnail_product_retailer_id("2lc20305pt"),
                    }],
                ),
        ))),
        "whatsapp-cloud/template_flow_button.json" => json(cloud_body(Message::new(
            to(),
            Template::new("<TEMPLATE_NAME>", "en_US").button(
                ButtonSubType::Flow,
                0,
                [ButtonParameter::Action {
                    action: ButtonAction::new()
                        .flow_token("<FLOW_TOKEN>")
                        .flow_action_data(flow_data()),
                }],
            ),
        ))),
        "whatsapp-onprem/text.json" => json(
            on_premises()
                .body(&Message::text(Recipient::user_id("{{Recipient-WA-ID}}"), "<Message Text>"))
                .unwrap(),
        ),
        "whatsapp-onprem/text_preview_url.json" => json(
            on_premises()
                .body(&Message::new(
                    Recipient::user_id("{whatsapp-id}"),
                    Text::new("your-text-message-content").preview_url(true),
                ))
                .unwrap(),
        ),
        "whatsapp-onprem/contacts.json" => json(
            on_premises()
                .body(&Message::new(
                    Recipient::user_id("recipient-wa-id"),
                    Contacts::new(vec![golden_contact(false)]),
                ))
                .unwrap(),
        ),
        _ => return None,
    })
}

/// Normalizes the quirks of the examples listed at the top of this file.
fn normalize_quirks(produced: &mut Value, expected: &mut Value) {
    // `recipient_type` omitted by some examples although the spec requires it.
    if expected.get("recipient_type").is_none() && expected.get("status").is_none() {
        if let Some(o) = produced.as_object_mut() {
            o.remove("recipient_type");
        }
    }
    // Button `index`: int in some examples, string in others; we send strings.
    // `sub_type: CATALOG` in one example; the enum (and we) say `catalog`.
    if let Some(components) = expected
        .pointer_mut("/template/components")
        .and_then(Value::as_array_mut)
    {
        for c in components {
            if let Some(i) = c.get("index").and_then(Value::as_i64) {
                c["index"] = Value::String(i.to_string());
            }
            if let Some(s) = c.get("sub_type").and_then(Value::as_str) {
                c["sub_type"] = Value::String(s.to_ascii_lowercase());
            }
        }
    }
}

#[test]
fn request_bodies_match_the_official_examples() {
    // Every official request body is built (none pending today).
    check_official_requests(&SUBDIRS, &[], build, normalize_quirks);
}

#[test]
fn official_success_responses_become_receipts() {
    let Some(dir) = golden_dir() else {
        return;
    };
    // The channels parse the official response bodies through the emulator-free
    // path: serve each body from a one-shot local server.
    let rt = tokio::runtime::Runtime::new().unwrap();
    for (file, dialect, expected_id, expected_recipient) in [
        (
            "whatsapp-cloud/response_success.json",
            "cloud",
            "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA",
            Some("16505551234"),
        ),
        (
            "whatsapp-onprem/response_success.json",
            "on_premises",
            "gBEGkYiEB1VXAglK1ZEqA1YKPrU",
            None,
        ),
    ] {
        let body = std::fs::read(dir.join(file)).unwrap();
        let receipt = rt.block_on(async {
            let base = serve_once(200, body).await;
            let config = match dialect {
                "cloud" => WaConfig::cloud("1", Secret::new("t")).base_url(base),
                _ => WaConfig::on_premises(base, Secret::new("t")),
            };
            let wa = WhatsApp::new("wa", config).unwrap();
            use switchboard::Channel;
            wa.send(&Message::text(Recipient::phone_number("+16505551234"), "x"))
                .await
                .unwrap()
        });
        assert_eq!(receipt.message_id, expected_id, "{file}");
        assert_eq!(
            receipt.recipient_id.as_deref(),
            expected_recipient,
            "{file}"
        );
    }
}

#[test]
fn official_error_bodies_are_classified() {
    let Some(dir) = golden_dir() else {
        return;
    };
    use switchboard::ErrorKind::*;
    let rt = tokio::runtime::Runtime::new().unwrap();
    for (file, status, kind, code, temporary) in [
        ("errors/graph_error_190.json", 401, Unauthorized, 190, false),
        (
            "errors/graph_error_shape.json",
            401,
            Unauthorized,
            190,
            false,
        ),
        (
            "errors/graph_error_32_rate_limit.json",
            400,
            RateLimited,
            32,
            true,
        ),
        (
            "errors/whatsapp_cloud_error_130429.json",
            400,
            RateLimited,
            130429,
            true,
        ),
        (
            "errors/whatsapp_onprem_error_shape.json",
            400,
            Rejected,
            1234,
            false,
        ),
    ] {
        let body = std::fs::read(dir.join(file)).unwrap();
        let err = rt.block_on(async {
            let base = serve_once(status, body).await;
            let wa =
                WhatsApp::new("wa", WaConfig::cloud("1", Secret::new("t")).base_url(base)).unwrap();
            use switchboard::Channel;
            wa.send(&Message::text(Recipient::phone_number("+16505551234"), "x"))
                .await
                .unwrap_err()
        });
        assert_eq!(err.kind(), kind, "{file}: {err}");
        assert_eq!(err.code(), Some(code), "{file}");
        assert_eq!(err.is_temporary(), temporary, "{file}");
    }
}
