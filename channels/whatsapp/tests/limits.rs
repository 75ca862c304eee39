//! Every documented WhatsApp limit at its boundary: exactly at the limit
//! passes, one over fails with a violation naming the field, the limit and
//! the value's length. All checks happen before any request (no server here).

use switchboard::contact::{Contact, ContactName};
use switchboard::plugin::Problem;
use switchboard::{
    Channel, Choice, ChoiceList, ChoiceSection, Contacts, ErrorKind, Location, Media, MediaKind,
    MediaSource, Message, Recipient, ReplyButton, ReplyButtons, Secret, Text,
};
use switchboard_whatsapp::{
    ButtonParameter, ButtonSubType, FlowAction, FlowActionKind, FlowPayload, FlowRef, Header, Hsm,
    Interactive, InteractiveAction, MediaRef, Parameter, ProductSection, Template, Ttl, WhatsApp,
    WhatsAppConfig, WhatsAppOptions,
};

fn cloud() -> WhatsApp {
    WhatsApp::new("wa", WhatsAppConfig::cloud("1", Secret::new("t"))).unwrap()
}

fn on_prem() -> WhatsApp {
    WhatsApp::new(
        "wa",
        WhatsAppConfig::on_premises("https://wa.local", Secret::new("t")),
    )
    .unwrap()
}

fn to() -> Recipient {
    Recipient::phone_number("+16505551234")
}

fn s(n: usize) -> String {
    // Multi-byte characters: limits count characters, not bytes.
    "é".repeat(n)
}

/// At `limit` the message is valid; at `limit + 1` the only violation is
/// `field` too long, with the limit and the length.
fn boundary(channel: &WhatsApp, field: &str, limit: usize, build: impl Fn(String) -> Message) {
    channel
        .validate(&build(s(limit)))
        .unwrap_or_else(|e| panic!("{field} at its limit {limit} was refused: {e}"));
    let err = channel.validate(&build(s(limit + 1))).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidMessage, "{field}");
    let v: Vec<_> = err
        .violations()
        .iter()
        .filter(|v| v.field == field)
        .collect();
    assert_eq!(v.len(), 1, "{field}: {err}");
    assert_eq!(
        v[0].problem,
        Problem::TooLong {
            limit,
            actual: limit + 1
        },
        "{field}"
    );
    let text = err.to_string();
    assert!(
        text.contains(field)
            && text.contains(&limit.to_string())
            && text.contains(&(limit + 1).to_string()),
        "{text}"
    );
}

/// Counts: `max` items pass, `max + 1` fail with TooMany on `field`.
fn count_boundary(channel: &WhatsApp, field: &str, max: usize, build: impl Fn(usize) -> Message) {
    channel
        .validate(&build(max))
        .unwrap_or_else(|e| panic!("{field} with {max} items was refused: {e}"));
    let err = channel.validate(&build(max + 1)).unwrap_err();
    assert!(
        err.violations().iter().any(|v| v.field == field
            && v.problem
                == Problem::TooMany {
                    limit: max,
                    actual: max + 1
                }),
        "{field}: {err}"
    );
}

fn has(err: &switchboard::Error, field: &str) -> bool {
    err.violations().iter().any(|v| v.field == field)
}

#[test]
fn text_body_4096() {
    boundary(&cloud(), "text.body", 4096, |b| {
        Message::new(to(), Text::new(b))
    });
    boundary(&on_prem(), "text.body", 4096, |b| {
        Message::new(to(), Text::new(b))
    });
}

#[test]
fn caption_1024() {
    for kind in [MediaKind::Image, MediaKind::Video, MediaKind::Document] {
        let field = format!("{}.caption", kind.as_str());
        boundary(&cloud(), &field, 1024, |c| {
            Message::new(
                to(),
                Media::new(kind, MediaSource::Id("1".into())).caption(c),
            )
        });
    }
}

#[test]
fn no_caption_on_audio_or_sticker_and_no_document_caption_on_premises() {
    for kind in [MediaKind::Audio, MediaKind::Sticker] {
        let err = cloud()
            .validate(&Message::new(
                to(),
                Media::new(kind, MediaSource::Id("1".into())).caption("x"),
            ))
            .unwrap_err();
        assert!(has(&err, &format!("{}.caption", kind.as_str())), "{err}");
    }
    let doc = Message::new(
        to(),
        Media::new(MediaKind::Document, MediaSource::Id("1".into())).caption("x"),
    );
    cloud().validate(&doc).unwrap();
    assert!(has(
        &on_prem().validate(&doc).unwrap_err(),
        "document.caption"
    ));
}

#[test]
fn links_must_be_http_and_filenames_only_on_documents() {
    let err = cloud()
        .validate(&Message::new(
            to(),
            Media::image_url("ftp://x.example/a.png"),
        ))
        .unwrap_err();
    assert!(has(&err, "image.link"), "{err}");
    cloud()
        .validate(&Message::new(
            to(),
            Media::image_url("https://x.example/a.png"),
        ))
        .unwrap();
    let err = cloud()
        .validate(&Message::new(
            to(),
            Media::new(MediaKind::Image, MediaSource::Id("1".into())).filename("a.png"),
        ))
        .unwrap_err();
    assert!(has(&err, "image.filename"), "{err}");
}

#[test]
fn exactly_one_of_media_id_and_link_in_headers_and_parameters() {
    // Typed, a MediaRef holds one source; in its JSON form (Python dicts,
    // stored messages) both or neither is refused when the message is checked.
    for media in [
        serde_json::json!({"id": "1", "link": "https://x.example/a.png"}),
        serde_json::json!({}),
    ] {
        let template = switchboard::ChannelContent::raw(
            "whatsapp",
            serde_json::json!({"kind": "template", "payload": {"name": "t",
                "language": {"code": "en_US"},
                "components": [{"type": "header", "parameters": [{"type": "image", "image": media}]}]}}),
        );
        let err = cloud().validate(&Message::new(to(), template)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidMessage);
        assert!(
            err.to_string().contains("exactly one of id and link"),
            "{err}"
        );
    }
    // A source WhatsApp cannot take, or an empty id, is a violation of its field.
    let msg = Message::new(
        to(),
        Template::new("t", "en_US").header([Parameter::image(MediaRef::id(""))]),
    );
    let err = cloud().validate(&msg).unwrap_err();
    assert!(
        has(&err, "template.components[0].parameters[0].id"),
        "{err}"
    );
    let msg = Message::new(
        to(),
        Interactive::new(InteractiveAction::Buttons(vec![ReplyButton::new("a", "A")]))
            .header(Header::Image {
                image: MediaRef::link("ftp://x.example/a.png"),
            })
            .body("b"),
    );
    assert!(has(
        &cloud().validate(&msg).unwrap_err(),
        "interactive.header.link"
    ));
}

fn buttons_msg(
    header: Option<String>,
    body: String,
    footer: Option<String>,
    buttons: Vec<ReplyButton>,
) -> Message {
    Message::new(to(), {
        let mut b = ReplyButtons::new(body, buttons);
        b.header = header;
        b.footer = footer;
        b
    })
}

fn one_button() -> Vec<ReplyButton> {
    vec![ReplyButton::new("yes", "Yes")]
}

#[test]
fn interactive_header_60_body_1024_footer_60() {
    boundary(&cloud(), "interactive.header.text", 60, |h| {
        buttons_msg(Some(h), "b".into(), None, one_button())
    });
    boundary(&cloud(), "interactive.body.text", 1024, |b| {
        buttons_msg(None, b, None, one_button())
    });
    boundary(&cloud(), "interactive.footer.text", 60, |f| {
        buttons_msg(None, "b".into(), Some(f), one_button())
    });
}

#[test]
fn reply_buttons_1_to_3_unique_titles_20_ids_256_without_spaces() {
    count_boundary(&cloud(), "interactive.action.buttons", 3, |n| {
        buttons_msg(
            None,
            "b".into(),
            None,
            (0..n)
                .map(|i| ReplyButton::new(format!("id{i}"), format!("t{i}")))
                .collect(),
        )
    });
    let err = cloud()
        .validate(&buttons_msg(None, "b".into(), None, vec![]))
        .unwrap_err();
    assert!(err
        .violations()
        .iter()
        .any(|v| v.field == "interactive.action.buttons"
            && v.problem == Problem::TooFew { min: 1, actual: 0 }));
    boundary(
        &cloud(),
        "interactive.action.buttons[0].reply.title",
        20,
        |t| buttons_msg(None, "b".into(), None, vec![ReplyButton::new("a", t)]),
    );
    boundary(
        &cloud(),
        "interactive.action.buttons[0].reply.id",
        256,
        |id| buttons_msg(None, "b".into(), None, vec![ReplyButton::new(id, "A")]),
    );
    let dup = buttons_msg(
        None,
        "b".into(),
        None,
        vec![ReplyButton::new("a", "Same"), ReplyButton::new("b", "Same")],
    );
    let err = cloud().validate(&dup).unwrap_err();
    assert!(err
        .violations()
        .iter()
        .any(|v| v.field == "interactive.action.buttons[1].reply.title"
            && matches!(v.problem, Problem::Duplicate { .. })));
    let spaced = buttons_msg(None, "b".into(), None, vec![ReplyButton::new(" a", "A")]);
    assert!(has(
        &cloud().validate(&spaced).unwrap_err(),
        "interactive.action.buttons[0].reply.id"
    ));
}

fn list(button: String, sections: Vec<ChoiceSection>) -> Message {
    Message::new(to(), ChoiceList::new("b", button, sections))
}

fn row(id: impl Into<String>, title: impl Into<String>, d: Option<String>) -> Choice {
    let mut choice = Choice::new(id, title);
    choice.description = d;
    choice
}

fn section(title: Option<String>, rows: Vec<Choice>) -> ChoiceSection {
    let mut section = ChoiceSection::new(rows);
    section.title = title;
    section
}

#[test]
fn list_button_20_section_title_24_row_limits() {
    let one = || vec![section(None, vec![row("r", "R", None)])];
    boundary(&cloud(), "interactive.action.button", 20, |b| {
        list(b, one())
    });
    boundary(&cloud(), "interactive.action.sections[0].title", 24, |t| {
        list(
            "Menu".into(),
            vec![section(Some(t), vec![row("r", "R", None)])],
        )
    });
    boundary(
        &cloud(),
        "interactive.action.sections[0].rows[0].id",
        200,
        |id| list("Menu".into(), vec![section(None, vec![row(id, "R", None)])]),
    );
    boundary(
        &cloud(),
        "interactive.action.sections[0].rows[0].title",
        24,
        |t| list("Menu".into(), vec![section(None, vec![row("r", t, None)])]),
    );
    boundary(
        &cloud(),
        "interactive.action.sections[0].rows[0].description",
        72,
        |d| {
            list(
                "Menu".into(),
                vec![section(None, vec![row("r", "R", Some(d))])],
            )
        },
    );
}

#[test]
fn list_sections_1_to_10_rows_10_in_total_unique_ids_titles_required_with_several_sections() {
    count_boundary(&cloud(), "interactive.action.sections", 10, |n| {
        list(
            "Menu".into(),
            (0..n)
                .map(|i| section(Some(format!("S{i}")), vec![row(format!("r{i}"), "R", None)]))
                .collect(),
        )
    });
    // 10 rows across two sections pass, 11 fail: the limit is a total.
    count_boundary(&cloud(), "interactive.action.sections[].rows", 10, |n| {
        list(
            "Menu".into(),
            vec![
                section(
                    Some("A".into()),
                    (0..5).map(|i| row(format!("a{i}"), "R", None)).collect(),
                ),
                section(
                    Some("B".into()),
                    (0..n - 5)
                        .map(|i| row(format!("b{i}"), "R", None))
                        .collect(),
                ),
            ],
        )
    });
    let untitled = list(
        "Menu".into(),
        vec![
            section(None, vec![row("a", "A", None)]),
            section(Some("B".into()), vec![row("b", "B", None)]),
        ],
    );
    assert!(has(
        &cloud().validate(&untitled).unwrap_err(),
        "interactive.action.sections[0].title"
    ));
    let dup = list(
        "Menu".into(),
        vec![section(
            None,
            vec![row("a", "A", None), row("a", "B", None)],
        )],
    );
    assert!(has(
        &cloud().validate(&dup).unwrap_err(),
        "interactive.action.sections[0].rows[1].id"
    ));
}

fn product_list(header: Option<Header>, sections: Vec<ProductSection>) -> Message {
    let mut i = Interactive::new(InteractiveAction::ProductList {
        catalog_id: "c".into(),
        sections,
    })
    .body("b");
    i.header = header;
    Message::new(to(), i)
}

fn products(title: Option<&str>, n: usize, prefix: &str) -> ProductSection {
    let section = ProductSection::new((0..n).map(|i| format!("{prefix}{i}")));
    match title {
        Some(t) => section.title(t),
        None => section,
    }
}

#[test]
fn products_30_in_total_in_up_to_10_sections_with_a_header_on_product_list_only() {
    let h = || Some(Header::text("H"));
    count_boundary(
        &cloud(),
        "interactive.action.sections[].product_items",
        30,
        |n| {
            product_list(
                h(),
                vec![
                    products(Some("A"), 15, "a"),
                    products(Some("B"), n - 15, "b"),
                ],
            )
        },
    );
    count_boundary(&cloud(), "interactive.action.sections", 10, |n| {
        product_list(
            h(),
            (0..n)
                .map(|i| products(Some("S"), 1, &format!("p{i}-")))
                .collect(),
        )
    });
    let err = cloud()
        .validate(&product_list(None, vec![products(None, 1, "a")]))
        .unwrap_err();
    assert!(has(&err, "interactive.header"), "{err}");
    let with_header = Message::new(
        to(),
        Interactive::new(InteractiveAction::Product {
            catalog_id: "c".into(),
            product_retailer_id: "p".into(),
        })
        .header(Header::text("H")),
    );
    assert!(has(
        &cloud().validate(&with_header).unwrap_err(),
        "interactive.header"
    ));
    boundary(
        &cloud(),
        "interactive.action.product_retailer_id",
        100,
        |id| {
            Message::new(
                to(),
                Interactive::new(InteractiveAction::Product {
                    catalog_id: "c".into(),
                    product_retailer_id: id,
                }),
            )
        },
    );
}

fn flow(cta: String) -> Message {
    Message::new(
        to(),
        Interactive::new(InteractiveAction::Flow(
            FlowAction::new(FlowRef::Id("1".into()), cta)
                .flow_action(FlowActionKind::Navigate)
                .flow_action_payload(FlowPayload::new("S")),
        ))
        .body("b"),
    )
}

#[test]
fn flow_cta_30_on_cloud_20_on_premises_and_cta_url_20() {
    boundary(&cloud(), "interactive.action.parameters.flow_cta", 30, flow);
    boundary(
        &on_prem(),
        "interactive.action.parameters.flow_cta",
        20,
        flow,
    );
    boundary(
        &cloud(),
        "interactive.action.parameters.display_text",
        20,
        |d| {
            Message::new(
                to(),
                Interactive::new(InteractiveAction::CtaUrl {
                    display_text: d,
                    url: "https://x.example".into(),
                })
                .body("b"),
            )
        },
    );
}

#[test]
fn template_name_512_and_button_index_0_to_9() {
    boundary(&cloud(), "template.name", 512, |n| {
        Message::new(to(), Template::new(n, "en_US"))
    });
    let with_index =
        |i: u8| Message::new(to(), Template::new("t", "en_US").quick_reply_button(i, "p"));
    cloud().validate(&with_index(0)).unwrap();
    cloud().validate(&with_index(9)).unwrap();
    let err = cloud().validate(&with_index(10)).unwrap_err();
    assert!(has(&err, "template.components[0].index"), "{err}");
    let wrong_param = Message::new(
        to(),
        Template::new("t", "en_US").button(
            ButtonSubType::QuickReply,
            0,
            [ButtonParameter::CouponCode {
                coupon_code: "X".into(),
            }],
        ),
    );
    assert!(has(
        &cloud().validate(&wrong_param).unwrap_err(),
        "template.components[0].parameters[0].type"
    ));
    let ns = Message::new(to(), Template::new("t", "en_US").namespace("ns"));
    assert!(has(
        &cloud().validate(&ns).unwrap_err(),
        "template.namespace"
    ));
    on_prem().validate(&ns).unwrap();
}

#[test]
fn contacts_at_most_257_with_a_formatted_name() {
    // The documentation's 257, not the OpenAPI spec's maxItems 5.
    let contact = |name: &str| Contact::new(ContactName::new(name));
    count_boundary(&cloud(), "contacts", 257, |n| {
        Message::new(
            to(),
            Contacts::new((0..n).map(|i| contact(&format!("C{i}")))),
        )
    });
    let err = cloud()
        .validate(&Message::new(to(), Contacts::new(vec![contact("")])))
        .unwrap_err();
    assert!(has(&err, "contacts[0].name.formatted_name"));
}

#[test]
fn callback_data_512_cloud_only() {
    boundary(&cloud(), "biz_opaque_callback_data", 512, |d| {
        Message::text(to(), "x").callback_data(d)
    });
    let err = on_prem()
        .validate(&Message::text(to(), "x").callback_data("d"))
        .unwrap_err();
    assert!(has(&err, "biz_opaque_callback_data"));
}

#[test]
fn location_coordinates_and_on_premises_name_and_address() {
    let at = |lat: f64, long: f64| Message::new(to(), Location::new(lat, long));
    cloud().validate(&at(90.0, -180.0)).unwrap();
    assert!(has(
        &cloud().validate(&at(90.1, 0.0)).unwrap_err(),
        "location.latitude"
    ));
    assert!(has(
        &cloud().validate(&at(0.0, 180.1)).unwrap_err(),
        "location.longitude"
    ));
    assert!(has(
        &cloud().validate(&at(f64::NAN, 0.0)).unwrap_err(),
        "location.latitude"
    ));
    let err = on_prem().validate(&at(0.0, 0.0)).unwrap_err();
    assert!(has(&err, "location.name") && has(&err, "location.address"));
}

#[test]
fn ttl_between_1_and_30_days_on_premises_only() {
    let with =
        |ttl: Ttl| Message::text(to(), "x").with_extension(WhatsAppOptions::default().ttl(ttl));
    on_prem().validate(&with(Ttl::Seconds(86_400))).unwrap();
    on_prem().validate(&with(Ttl::Seconds(2_592_000))).unwrap();
    on_prem()
        .validate(&with(Ttl::Iso8601("P30D".into())))
        .unwrap();
    for bad in [
        Ttl::Seconds(86_399),
        Ttl::Seconds(2_592_001),
        Ttl::Iso8601("P31D".into()),
        Ttl::Iso8601("soon".into()),
    ] {
        assert!(has(&on_prem().validate(&with(bad)).unwrap_err(), "ttl"));
    }
    assert!(has(
        &cloud().validate(&with(Ttl::Seconds(86_400))).unwrap_err(),
        "ttl"
    ));
}

#[test]
fn hsm_is_on_premises_only() {
    let hsm = Message::new(to(), Hsm::new("ns", "e", "en", Vec::<String>::new()));
    on_prem().validate(&hsm).unwrap();
    assert_eq!(
        cloud().validate(&hsm).unwrap_err().kind(),
        ErrorKind::Unsupported
    );
}

#[test]
fn every_violation_is_reported_at_once() {
    let msg = buttons_msg(
        Some(s(61)),
        s(1025),
        Some(s(61)),
        vec![ReplyButton::new(s(257), s(21))],
    );
    let err = cloud().validate(&msg).unwrap_err();
    assert_eq!(err.violations().len(), 5, "{err}");
}

#[test]
fn content_of_another_channel_is_unsupported() {
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Postcard;
    impl switchboard::plugin::ChannelPayload for Postcard {
        const CHANNEL: &'static str = "royal_mail";
        fn kind(&self) -> &'static str {
            "postcard"
        }
    }
    let msg = Message::new(
        to(),
        switchboard::Content::Channel(switchboard::ChannelContent::new(Postcard)),
    );
    let err = cloud().validate(&msg).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(err.to_string().contains("royal_mail"), "{err}");
}

#[test]
fn reactions_are_one_emoji_and_template_text_parameters_are_not_empty() {
    let react = |emoji: &str| Message::new(to(), switchboard::Reaction::new("wamid.1", emoji));
    for ok in ["👍", "❤️", "👩‍💻", "🇫🇷", ""] {
        cloud()
            .validate(&react(ok))
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for bad in ["abc", "👍👍👍", "<script>", "👍 "] {
        let err = cloud().validate(&react(bad)).unwrap_err();
        assert!(has(&err, "reaction.emoji"), "{bad}: {err}");
    }
    let empty = Message::new(
        to(),
        Template::new("t", "en_US").body([Parameter::text("")]),
    );
    let err = cloud().validate(&empty).unwrap_err();
    assert!(
        has(&err, "template.components[0].parameters[0].text"),
        "{err}"
    );
}

#[test]
fn phone_numbers_are_checked_before_any_request() {
    for bad in [
        "not a number",
        "+",
        "++16505551234",
        "+1650555\r\n1234",
        "١٦٥٠٥٥٥١٢٣٤",
    ] {
        let err = cloud()
            .validate(&Message::text(Recipient::phone_number(bad), "x"))
            .unwrap_err();
        assert!(has(&err, "to"), "{bad:?}: {err}");
    }
    cloud()
        .validate(&Message::text(
            Recipient::phone_number("+1 (555) 123-4567"),
            "x",
        ))
        .unwrap();
}

#[test]
fn template_button_sub_types_are_taken_in_either_case() {
    let template = |sub_type: &str| {
        let raw = serde_json::json!({"kind": "template", "payload": {
            "name": "order_update", "language": {"code": "en_US"},
            "components": [{"type": "button", "sub_type": sub_type, "index": 0,
                            "parameters": [{"type": "payload", "payload": "track-1042"}]}]}});
        Message::new(
            to(),
            switchboard::Content::Channel(switchboard::ChannelContent::raw("whatsapp", raw)),
        )
    };
    cloud().validate(&template("quick_reply")).unwrap();
    cloud().validate(&template("QUICK_REPLY")).unwrap();
    let err = cloud().validate(&template("QUICKREPLY")).unwrap_err();
    assert!(err.to_string().contains("QUICKREPLY"), "{err}");
}

#[test]
fn contact_birthdays_are_dates_and_phones_need_no_number() {
    use switchboard::contact::ContactPhone;
    let with_birthday = |b: &str| {
        let mut c = Contact::new(ContactName::new("Ada"));
        c.birthday = Some(b.into());
        Message::new(to(), Contacts::new([c]))
    };
    cloud().validate(&with_birthday("1815-12-10")).unwrap();
    for bad in [
        "10/12/1815",
        "1815-13-10",
        "1815-12-32",
        "1815-12-1",
        "yesterday",
    ] {
        let err = cloud().validate(&with_birthday(bad)).unwrap_err();
        assert!(has(&err, "contacts[0].birthday"), "{bad}: {err}");
    }
    let mut c = Contact::new(ContactName::new("Ada"));
    let mut phone = ContactPhone::new("");
    phone.wa_id = Some("16505551234".into());
    c.phones.push(phone);
    cloud()
        .validate(&Message::new(to(), Contacts::new([c])))
        .unwrap();
}

#[test]
fn unknown_keys_in_a_payload_are_an_error_naming_them() {
    let raw = |payload: serde_json::Value| {
        Message::new(
            to(),
            switchboard::Content::Channel(switchboard::ChannelContent::raw(
                "whatsapp",
                serde_json::json!({"kind": "template", "payload": payload}),
            )),
        )
    };
    let err = cloud()
        .validate(&raw(serde_json::json!({"name": "t", "language": {"code": "en_US", "polcy": "deterministic"}})))
        .unwrap_err();
    assert!(err.to_string().contains("polcy"), "{err}");
    let err = cloud()
        .validate(&raw(serde_json::json!({"name": "t", "language": {"code": "en_US"}, "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "Ada", "parameter_name": "customer"}]}]})))
        .unwrap_err();
    assert!(err.to_string().contains("parameter_name"), "{err}");
    let options = serde_json::json!({"voice": true, "vioce": true});
    let mut m = Message::text(to(), "hi");
    m.extensions
        .insert_data(switchboard::plugin::ChannelData::raw("whatsapp", options));
    let err = cloud().validate(&m).unwrap_err();
    assert!(err.to_string().contains("vioce"), "{err}");
}

#[test]
fn the_raw_patch_must_be_an_object() {
    let m = Message::text(to(), "hi")
        .with_extension(WhatsAppOptions::default().with_raw_patch(serde_json::json!([1])));
    assert!(has(&cloud().validate(&m).unwrap_err(), "options.raw_patch"));
}

#[test]
fn list_bodies_are_4096_on_cloud_and_1024_on_premises() {
    let list = |body: String| {
        Message::new(
            to(),
            switchboard::ChoiceList::new(
                body,
                "Slots",
                [switchboard::ChoiceSection::new([switchboard::Choice::new(
                    "am", "Morning",
                )])],
            ),
        )
    };
    boundary(&cloud(), "interactive.body.text", 4096, list);
    boundary(&on_prem(), "interactive.body.text", 1024, list);
    // Reply buttons keep 1024 on both.
    let buttons = |body: String| {
        Message::new(
            to(),
            switchboard::ReplyButtons::new(body, [switchboard::ReplyButton::new("y", "Yes")]),
        )
    };
    boundary(&cloud(), "interactive.body.text", 1024, buttons);
}

#[test]
fn a_flow_under_the_default_navigate_needs_its_first_screen() {
    let flow = |payload: bool| {
        let mut f = FlowAction::new(FlowRef::Name("signup".into()), "Sign up").flow_token("t");
        if payload {
            f = f.flow_action_payload(FlowPayload::new("WELCOME"));
        }
        Message::new(
            to(),
            Interactive::new(InteractiveAction::Flow(f)).body("Join"),
        )
    };
    cloud().validate(&flow(true)).unwrap();
    let err = cloud().validate(&flow(false)).unwrap_err();
    assert!(
        has(&err, "interactive.action.parameters.flow_action_payload"),
        "{err}"
    );
}

#[test]
fn a_catalog_message_without_a_thumbnail_sends_no_parameters() {
    let m = Message::new(
        to(),
        Interactive::new(InteractiveAction::CatalogMessage {
            thumbnail_product_retailer_id: None,
        })
        .body("Our menu"),
    );
    let body: serde_json::Value = serde_json::from_slice(&cloud().body(&m).unwrap()).unwrap();
    assert_eq!(
        body["interactive"]["action"],
        serde_json::json!({"name": "catalog_message"})
    );
}
