//! Every documented WhatsApp limit, checked before any request.
//!
//! Sources: api-contract §1 (Cloud) and §2 (On-Premises), and the On-Premises
//! `/v1/messages` reference (../shared/spec/whatsapp-v1-messages.ar.txt).
//! Where the contract marks a disagreement (D), the stricter documented rule
//! is used and the comment says so.

use switchboard::plugin::{Problem, Violations};
use switchboard::{
    ChoiceList, Content, Error, Media, MediaKind, MediaSource, Message, ReplyButton, ReplyButtons,
    SenderActionKind,
};

use crate::model::{
    ButtonParameter, ButtonSubType, Component, FlowActionKind, FlowRef, Header, Interactive,
    InteractiveAction, MediaRef, Parameter, Template, WhatsAppContent, WhatsAppOptions,
};
use crate::Dialect;

/// Text body: ≤4096 characters (api-contract §1, V docs; On-Premises reference).
pub const TEXT_BODY: usize = 4096;
/// Media caption: ≤1024 characters (api-contract §1, V; On-Premises reference v2.41.2+).
pub const CAPTION: usize = 1024;
/// Interactive header text: ≤60 characters (api-contract §1.1, V; On-Premises reference).
pub const HEADER_TEXT: usize = 60;
/// Interactive body text: ≤1024 characters (api-contract §1.1, V; D: list docs say
/// 4096 — the stricter 1024 is used, as the On-Premises reference also says 1024).
pub const BODY_TEXT: usize = 1024;
/// Cloud API list messages: body text ≤4096 characters (the Cloud API's list
/// message documentation; api-contract §1.1 **D**, where the spec says 1024).
/// On-Premises keeps 1024 (On-Premises reference).
pub const CLOUD_LIST_BODY_TEXT: usize = 4096;

/// The longest interactive body of `kind` in `dialect`.
fn body_limit(dialect: Dialect, list: bool) -> usize {
    if list && dialect == Dialect::Cloud {
        CLOUD_LIST_BODY_TEXT
    } else {
        BODY_TEXT
    }
}
/// Interactive footer text: ≤60 characters (api-contract §1.1, V).
pub const FOOTER_TEXT: usize = 60;
/// Reply buttons: 1–3 (api-contract §1.1, V).
pub const MAX_REPLY_BUTTONS: usize = 3;
/// Reply button title: ≤20 characters, unique (api-contract §1.1, V).
pub const BUTTON_TITLE: usize = 20;
/// Reply button id: ≤256 characters, no leading or trailing spaces (On-Premises reference).
pub const BUTTON_ID: usize = 256;
/// List button label: ≤20 characters (On-Premises reference, `action.button`).
pub const LIST_BUTTON: usize = 20;
/// List and product-list sections: 1–10 (api-contract §1.1, V).
pub const MAX_SECTIONS: usize = 10;
/// Section title: ≤24 characters, required with more than one section (§1.1, V).
pub const SECTION_TITLE: usize = 24;
/// List rows: ≤10 in total across sections (api-contract §1.1, V docs; D: the
/// spec says 10 per section — the stricter total is used).
pub const MAX_ROWS: usize = 10;
/// Row id: ≤200 characters (§1.1, V).
pub const ROW_ID: usize = 200;
/// Row title: ≤24 characters (§1.1, V).
pub const ROW_TITLE: usize = 24;
/// Row description: ≤72 characters (§1.1, V).
pub const ROW_DESCRIPTION: usize = 72;
/// Products in a product list: ≤30 in total (§1.1, V).
pub const MAX_PRODUCTS: usize = 30;
/// Product retailer id: ≤100 characters (On-Premises reference,
/// `product_retailer_id`; the contract marks it U, the reference states it).
pub const PRODUCT_RETAILER_ID: usize = 100;
/// Flow CTA on the On-Premises API: ≤20 characters (On-Premises reference
/// "Maximum length: 20 characters (no emoji)").
pub const FLOW_CTA_ON_PREMISES: usize = 20;
/// Flow CTA on the Cloud API: ≤30 characters (api-contract §1.1 D: the OpenAPI
/// spec's `maxLength: 30` and current docs; Meta's own Cloud example
/// `interactive_flow_draft_name` uses 23 characters). Each dialect follows its
/// own official source.
pub const FLOW_CTA_CLOUD: usize = 30;
/// CTA URL button label: ≤20 characters (§1.1, V).
pub const CTA_DISPLAY_TEXT: usize = 20;
/// Template name: ≤512 characters (api-contract §1).
pub const TEMPLATE_NAME: usize = 512;
/// Template buttons: index 0–9, at most 10 (api-contract §1, V docs; On-Premises reference).
pub const MAX_TEMPLATE_BUTTON_INDEX: u8 = 9;
/// Contacts per message: ≤257. Note: the OpenAPI spec says maxItems 5, the
/// (newer) documentation "up to 257 contacts"; the documentation is followed,
/// as the emulator does (api-contract §1, **D**).
pub const MAX_CONTACTS: usize = 257;
/// On-Premises TTL: between 1 and 30 days inclusive (On-Premises reference, `ttl`).
pub const TTL_SECONDS: std::ops::RangeInclusive<u64> = 86_400..=2_592_000;

/// A cheap key for spotting repeated ids: length, first and last byte. Only
/// ids with equal keys are compared in full.
fn quick_key(s: &str) -> u64 {
    let b = s.as_bytes();
    (b.len() as u64) << 16
        | u64::from(b.first().copied().unwrap_or(0)) << 8
        | u64::from(b.last().copied().unwrap_or(0))
}

/// Whether `value` is already in `seen` (compared by quick key first).
fn seen_before<'a>(seen: &mut Vec<(u64, &'a str)>, value: &'a str) -> bool {
    let key = quick_key(value);
    if seen.iter().any(|(k, v)| *k == key && *v == value) {
        return true;
    }
    seen.push((key, value));
    false
}

fn not_allowed(v: &mut Violations, field: &str, reason: &str) {
    v.push(
        field,
        Problem::NotAllowed {
            reason: reason.into(),
        },
    );
}

fn check_link(v: &mut Violations, field: &str, url: &str) {
    v.http_url(|| field.to_string(), url);
}

/// Checks a message; returns early with `Unsupported` for what WhatsApp cannot express.
pub(crate) fn check(
    channel: &str,
    dialect: Dialect,
    message: &Message,
    v: &mut Violations,
) -> Result<(), Error> {
    let options = WhatsAppOptions::of(channel, message)?;
    let options = options.as_deref();
    if options.is_some_and(|o| o.raw_patch.as_ref().is_some_and(|p| !p.is_object())) {
        v.push(
            "options.raw_patch",
            Problem::Invalid {
                reason: "a merge patch of the request body is a JSON object".into(),
            },
        );
    }
    let cloud = dialect == Dialect::Cloud;
    let is_action = matches!(message.content, Content::SenderAction(_));
    if !is_action {
        v.required(|| "to".into(), &message.to.id);
    }
    match &message.content {
        // Core checks the text against the capabilities (MAX_TEXT_CHARS).
        Content::Text(_) => {}
        Content::Media(m) => check_media(dialect, m, options, v),
        Content::Location(l) => {
            // Core checks the coordinates.
            // On-Premises: name and address are required (On-Premises reference).
            if !cloud {
                v.required(
                    || "location.name".into(),
                    l.name.as_deref().unwrap_or_default(),
                );
                v.required(
                    || "location.address".into(),
                    l.address.as_deref().unwrap_or_default(),
                );
            }
        }
        Content::Contacts(c) => {
            v.count(|| "contacts".into(), c.contacts.len(), 1, MAX_CONTACTS);
            for (i, contact) in c.contacts.iter().enumerate() {
                v.required(
                    || format!("contacts[{i}].name.formatted_name"),
                    &contact.name.formatted_name,
                );
                // `phones[].phone` is optional (On-Premises reference), so
                // no phone object is refused for lacking one.
                if let Some(b) = &contact.birthday {
                    if !is_iso_date(b) {
                        v.push(
                            format!("contacts[{i}].birthday"),
                            Problem::Invalid {
                                reason:
                                    "a birthday is YYYY-MM-DD (On-Premises reference, contacts)"
                                        .into(),
                            },
                        );
                    }
                }
                for (j, e) in contact.emails.iter().enumerate() {
                    v.required(|| format!("contacts[{i}].emails[{j}].email"), &e.email);
                }
                for (j, u) in contact.urls.iter().enumerate() {
                    v.required(|| format!("contacts[{i}].urls[{j}].url"), &u.url);
                }
            }
        }
        Content::Reaction(r) => {
            v.required(|| "reaction.message_id".into(), &r.message_id);
            // One emoji, or empty to remove the reaction (api-contract §1).
            if !r.emoji.is_empty() && !switchboard::plugin::is_single_emoji(&r.emoji) {
                v.push(
                    "reaction.emoji",
                    Problem::Invalid {
                        reason: "a reaction is one emoji (or empty to remove it)".into(),
                    },
                );
            }
        }
        Content::ReplyButtons(b) => check_reply_buttons(b, v),
        Content::ChoiceList(l) => check_list(dialect, l, v),
        Content::SenderAction(a) => {
            if !cloud {
                return Err(Error::unsupported(
                    channel,
                    "sender actions on the On-Premises API",
                ));
            }
            if a.action == SenderActionKind::TypingOff {
                return Err(Error::unsupported(
                    channel,
                    "typing_off (the typing indicator ends by itself)",
                ));
            }
            v.required(
                || "message_id".into(),
                a.message_id.as_deref().unwrap_or_default(),
            );
        }
        Content::Channel(c) => match &*c.decode::<WhatsAppContent>(channel)? {
            WhatsAppContent::Template(t) => check_template(dialect, t, v),
            WhatsAppContent::Hsm(h) => {
                if cloud {
                    return Err(Error::unsupported(
                        channel,
                        "the legacy hsm object on the Cloud API (use a template)",
                    ));
                }
                v.required(|| "hsm.namespace".into(), &h.namespace);
                v.required(|| "hsm.element_name".into(), &h.element_name);
                v.required(|| "hsm.language.code".into(), &h.language.code);
            }
            WhatsAppContent::Interactive(i) => check_interactive(dialect, i, v),
        },
        other => {
            return Err(Error::unsupported(
                channel,
                format!("{} content", other.kind()),
            ))
        }
    }
    if let Some(reply_to) = &message.options.reply_to {
        if is_action {
            not_allowed(v, "context", "a sender action cannot quote a message");
        } else {
            v.required(|| "context.message_id".into(), reply_to);
        }
    }
    if let Some(data) = &message.options.callback_data {
        if cloud {
            // ≤512 characters (api-contract §1).
            v.max_chars(
                || "biz_opaque_callback_data".into(),
                data,
                crate::MAX_CALLBACK_DATA_CHARS,
            );
        } else {
            // Cloud-only (api-contract §2).
            not_allowed(
                v,
                "biz_opaque_callback_data",
                "the On-Premises API has no callback data",
            );
        }
    }
    if message.options.notification.is_some() {
        return Err(Error::unsupported(channel, "notification settings"));
    }
    if let Some(o) = options {
        if o.voice && !matches!(&message.content, Content::Media(m) if m.kind == MediaKind::Audio) {
            not_allowed(v, "audio.voice", "voice applies to audio only");
        }
        if let Some(ttl) = &o.ttl {
            if cloud {
                not_allowed(v, "ttl", "ttl is an On-Premises parameter");
            } else {
                match ttl.seconds() {
                    Ok(s) if TTL_SECONDS.contains(&s) => {}
                    Ok(s) => v.push(
                        "ttl",
                        Problem::Invalid {
                            reason: format!("{s} seconds is outside 1 to 30 days"),
                        },
                    ),
                    Err(reason) => v.push("ttl", Problem::Invalid { reason }),
                }
            }
        }
        if o.typing_indicator && !is_action {
            not_allowed(
                v,
                "typing_indicator",
                "the typing indicator goes with a mark-as-read sender action",
            );
        }
    }
    Ok(())
}

fn check_media(dialect: Dialect, m: &Media, options: Option<&WhatsAppOptions>, v: &mut Violations) {
    let kind = m.kind.as_str();
    match &m.source {
        MediaSource::Id(id) => {
            v.required(|| format!("{kind}.id"), id);
            if options.is_some_and(|o| o.media_provider.is_some()) {
                not_allowed(
                    v,
                    &format!("{kind}.provider"),
                    "a provider goes with a link",
                );
            }
        }
        MediaSource::Url(url) => check_link(v, &format!("{kind}.link"), url),
        _ => v.push(format!("{kind}.id"), Problem::Required),
    }
    if options.is_some_and(|o| o.media_provider.is_some()) && dialect == Dialect::Cloud {
        not_allowed(
            v,
            &format!("{kind}.provider"),
            "media providers are On-Premises only",
        );
    }
    if let Some(caption) = &m.caption {
        match m.kind {
            // "Do not use with audio or sticker media" (reference, `caption`).
            MediaKind::Audio | MediaKind::Sticker => not_allowed(
                v,
                &format!("{kind}.caption"),
                "audio and sticker media take no caption",
            ),
            // On-Premises: "Captions are currently not supported for document media".
            MediaKind::Document if dialect == Dialect::OnPremises => not_allowed(
                v,
                "document.caption",
                "the On-Premises API takes no caption on documents",
            ),
            _ => v.max_chars(|| format!("{kind}.caption"), caption, CAPTION),
        }
    }
    if m.filename.is_some() && m.kind != MediaKind::Document {
        not_allowed(
            v,
            &format!("{kind}.filename"),
            "only documents have a file name",
        );
    }
}

fn check_buttons(buttons: &[ReplyButton], field: &str, v: &mut Violations) {
    v.count(|| field.into(), buttons.len(), 1, MAX_REPLY_BUTTONS);
    // Lists are short (≤3 valid): a linear scan beats hashing.
    let mut titles = Vec::with_capacity(buttons.len());
    let mut ids = Vec::with_capacity(buttons.len());
    for (i, b) in buttons.iter().enumerate() {
        let title_field = || format!("{field}[{i}].reply.title");
        let id_field = || format!("{field}[{i}].reply.id");
        v.required_max_chars(title_field, &b.title, BUTTON_TITLE);
        v.required_max_chars(id_field, &b.id, BUTTON_ID);
        if b.id.trim() != b.id {
            v.push(
                id_field(),
                Problem::Invalid {
                    reason: "leading or trailing spaces are not allowed".into(),
                },
            );
        }
        if seen_before(&mut titles, &b.title) {
            v.push(
                title_field(),
                Problem::Duplicate {
                    value: b.title.clone(),
                },
            );
        }
        if seen_before(&mut ids, &b.id) {
            v.push(
                id_field(),
                Problem::Duplicate {
                    value: b.id.clone(),
                },
            );
        }
    }
}

fn check_texts(
    header: Option<&str>,
    body: Option<&str>,
    footer: Option<&str>,
    body_limit: usize,
    v: &mut Violations,
) {
    if let Some(h) = header {
        v.required_max_chars(|| "interactive.header.text".into(), h, HEADER_TEXT);
    }
    if let Some(b) = body {
        v.required_max_chars(|| "interactive.body.text".into(), b, body_limit);
    }
    if let Some(f) = footer {
        v.required_max_chars(|| "interactive.footer.text".into(), f, FOOTER_TEXT);
    }
}

fn check_reply_buttons(b: &ReplyButtons, v: &mut Violations) {
    check_texts(
        b.header.as_deref(),
        Some(&b.body),
        b.footer.as_deref(),
        BODY_TEXT,
        v,
    );
    check_buttons(&b.buttons, "interactive.action.buttons", v);
}

/// A section title: ≤24 characters, required with more than one section.
fn section_title(v: &mut Violations, s: usize, title: Option<&str>, many: bool) {
    let field = || format!("interactive.action.sections[{s}].title");
    match title {
        Some(t) => v.required_max_chars(field, t, SECTION_TITLE),
        None if many => v.push(field(), Problem::Required),
        None => {}
    }
}

fn check_sections(sections: &[switchboard::ChoiceSection], v: &mut Violations) {
    v.count(
        || "interactive.action.sections".into(),
        sections.len(),
        1,
        MAX_SECTIONS,
    );
    let many = sections.len() > 1;
    let mut total = 0;
    // ≤10 rows when valid: a linear scan beats hashing.
    let mut ids = Vec::with_capacity(MAX_ROWS);
    for (s, section) in sections.iter().enumerate() {
        section_title(v, s, section.title.as_deref(), many);
        if section.rows.is_empty() {
            v.push(
                format!("interactive.action.sections[{s}].rows"),
                Problem::TooFew { min: 1, actual: 0 },
            );
        }
        total += section.rows.len();
        for (r, row) in section.rows.iter().enumerate() {
            let f = |x: &str| format!("interactive.action.sections[{s}].rows[{r}].{x}");
            v.required_max_chars(|| f("id"), &row.id, ROW_ID);
            v.required_max_chars(|| f("title"), &row.title, ROW_TITLE);
            if let Some(d) = &row.description {
                v.max_chars(|| f("description"), d, ROW_DESCRIPTION);
            }
            if seen_before(&mut ids, &row.id) {
                v.push(
                    f("id"),
                    Problem::Duplicate {
                        value: row.id.clone(),
                    },
                );
            }
        }
    }
    if total > MAX_ROWS {
        v.push(
            "interactive.action.sections[].rows",
            Problem::TooMany {
                limit: MAX_ROWS,
                actual: total,
            },
        );
    }
}

fn check_list(dialect: Dialect, l: &ChoiceList, v: &mut Violations) {
    let limit = body_limit(dialect, true);
    check_texts(
        l.header.as_deref(),
        Some(&l.body),
        l.footer.as_deref(),
        limit,
        v,
    );
    v.required_max_chars(
        || "interactive.action.button".into(),
        &l.button,
        LIST_BUTTON,
    );
    check_sections(&l.sections, v);
}

fn check_media_ref(field: &str, m: &MediaRef, v: &mut Violations) {
    match &m.source {
        MediaSource::Id(id) => {
            v.required(|| format!("{field}.id"), id);
        }
        MediaSource::Url(link) => check_link(v, &format!("{field}.link"), link),
        _ => v.push(
            field,
            Problem::Invalid {
                reason: "WhatsApp takes media by id or link".into(),
            },
        ),
    }
}

fn check_interactive(dialect: Dialect, i: &Interactive, v: &mut Violations) {
    let kind = i.kind();
    // Headers (On-Premises reference and api-contract §1.1): none on `product`,
    // required on `product_list`, text only on list and product_list; media
    // headers on reply buttons (reference) and cta_url (Meta's cta_url example).
    match (&i.header, &i.action) {
        (Some(_), InteractiveAction::Product { .. }) => {
            not_allowed(v, "interactive.header", "product messages take no header")
        }
        (None, InteractiveAction::ProductList { .. }) => {
            v.push("interactive.header", Problem::Required)
        }
        (
            Some(Header::Image { .. } | Header::Video { .. } | Header::Document { .. }),
            InteractiveAction::List { .. } | InteractiveAction::ProductList { .. },
        ) => not_allowed(
            v,
            "interactive.header",
            &format!("{kind} messages take a text header only"),
        ),
        _ => {}
    }
    match &i.header {
        Some(Header::Text { text }) => {
            v.required_max_chars(|| "interactive.header.text".into(), text, HEADER_TEXT)
        }
        Some(Header::Image { image: m })
        | Some(Header::Video { video: m })
        | Some(Header::Document { document: m }) => check_media_ref("interactive.header", m, v),
        None => {}
    }
    // Body: optional only for `product` (api-contract §1.1).
    match (&i.body, &i.action) {
        (None, InteractiveAction::Product { .. }) => {}
        (None, _) => v.push("interactive.body.text", Problem::Required),
        (Some(b), action) => {
            let list = matches!(action, InteractiveAction::List { .. });
            let limit = body_limit(dialect, list);
            v.required_max_chars(|| "interactive.body.text".into(), b, limit)
        }
    }
    if let Some(f) = &i.footer {
        v.required_max_chars(|| "interactive.footer.text".into(), f, FOOTER_TEXT);
    }
    match &i.action {
        InteractiveAction::Buttons(b) => check_buttons(b, "interactive.action.buttons", v),
        InteractiveAction::List { button, sections } => {
            v.required_max_chars(|| "interactive.action.button".into(), button, LIST_BUTTON);
            check_sections(sections, v);
        }
        InteractiveAction::Product {
            catalog_id,
            product_retailer_id,
        } => {
            v.required(|| "interactive.action.catalog_id".into(), catalog_id);
            v.required_max_chars(
                || "interactive.action.product_retailer_id".into(),
                product_retailer_id,
                PRODUCT_RETAILER_ID,
            );
        }
        InteractiveAction::ProductList {
            catalog_id,
            sections,
        } => {
            v.required(|| "interactive.action.catalog_id".into(), catalog_id);
            v.count(
                || "interactive.action.sections".into(),
                sections.len(),
                1,
                MAX_SECTIONS,
            );
            let many = sections.len() > 1;
            let mut total = 0;
            for (s, section) in sections.iter().enumerate() {
                section_title(v, s, section.title.as_deref(), many);
                if section.product_retailer_ids.is_empty() {
                    v.push(
                        format!("interactive.action.sections[{s}].product_items"),
                        Problem::TooFew { min: 1, actual: 0 },
                    );
                }
                total += section.product_retailer_ids.len();
                for (p, id) in section.product_retailer_ids.iter().enumerate() {
                    v.required_max_chars(
                        || {
                            format!(
                                "interactive.action.sections[{s}].product_items[{p}].product_retailer_id"
                            )
                        },
                        id,
                        PRODUCT_RETAILER_ID,
                    );
                }
            }
            if total > MAX_PRODUCTS {
                v.push(
                    "interactive.action.sections[].product_items",
                    Problem::TooMany {
                        limit: MAX_PRODUCTS,
                        actual: total,
                    },
                );
            }
        }
        InteractiveAction::CatalogMessage {
            thumbnail_product_retailer_id,
        } => {
            if let Some(id) = thumbnail_product_retailer_id {
                v.required_max_chars(
                    || "interactive.action.parameters.thumbnail_product_retailer_id".into(),
                    id,
                    PRODUCT_RETAILER_ID,
                );
            }
        }
        InteractiveAction::Flow(f) => {
            let p = |x: &str| format!("interactive.action.parameters.{x}");
            let limit = match dialect {
                Dialect::Cloud => FLOW_CTA_CLOUD,
                _ => FLOW_CTA_ON_PREMISES,
            };
            v.required_max_chars(|| p("flow_cta"), &f.flow_cta, limit);
            match &f.flow {
                FlowRef::Id(id) => {
                    v.required(|| p("flow_id"), id);
                }
                FlowRef::Name(n) => {
                    v.required(|| p("flow_name"), n);
                }
            }
            match (&f.flow_action, &f.flow_action_payload) {
                // "Required only if flow_action is navigate" (reference),
                // and navigate is the default when flow_action is absent.
                (Some(FlowActionKind::Navigate) | None, None) => {
                    v.push(p("flow_action_payload"), Problem::Required)
                }
                (Some(FlowActionKind::DataExchange), Some(_)) => not_allowed(
                    v,
                    &p("flow_action_payload"),
                    "the first screen comes from your endpoint with data_exchange",
                ),
                _ => {}
            }
            if let Some(payload) = &f.flow_action_payload {
                v.required(|| p("flow_action_payload.screen"), &payload.screen);
                if payload.data.as_ref().is_some_and(|d| d.is_empty()) {
                    v.push(
                        p("flow_action_payload.data"),
                        Problem::Invalid {
                            reason: "must be a non-empty object when present".into(),
                        },
                    );
                }
            }
        }
        InteractiveAction::CtaUrl { display_text, url } => {
            v.required_max_chars(
                || "interactive.action.parameters.display_text".into(),
                display_text,
                CTA_DISPLAY_TEXT,
            );
            check_link(v, "interactive.action.parameters.url", url);
        }
        InteractiveAction::LocationRequest => {}
        InteractiveAction::OrderDetails(o) => {
            let p = |x: &str| format!("interactive.action.parameters.{x}");
            v.required(|| p("reference_id"), &o.reference_id);
            v.required(|| p("payment_configuration"), &o.payment_configuration);
            v.required(|| p("currency"), &o.currency);
            if o.order.items.is_empty() {
                v.push(p("order.items"), Problem::TooFew { min: 1, actual: 0 });
            }
            for (n, item) in o.order.items.iter().enumerate() {
                v.required(
                    || p(&format!("order.items[{n}].retailer_id")),
                    &item.retailer_id,
                );
                v.required(|| p(&format!("order.items[{n}].name")), &item.name);
            }
        }
        InteractiveAction::OrderStatus {
            reference_id,
            status,
            ..
        } => {
            v.required(
                || "interactive.action.parameters.reference_id".into(),
                reference_id,
            );
            v.required(
                || "interactive.action.parameters.order.status".into(),
                status,
            );
        }
    }
}

fn check_template(dialect: Dialect, t: &Template, v: &mut Violations) {
    v.required_max_chars(|| "template.name".into(), &t.name, TEMPLATE_NAME);
    v.required(|| "template.language.code".into(), &t.language.code);
    if t.namespace.is_some() && dialect == Dialect::Cloud {
        not_allowed(
            v,
            "template.namespace",
            "namespace is an On-Premises parameter",
        );
    }
    let mut indexes = [false; 10];
    for (c, component) in t.components.iter().enumerate() {
        match component {
            Component::Header { parameters } | Component::Body { parameters } => {
                for (p, param) in parameters.iter().enumerate() {
                    let f = || format!("template.components[{c}].parameters[{p}]");
                    match param {
                        Parameter::Currency { currency } => {
                            v.required(
                                || format!("{}.currency.fallback_value", f()),
                                &currency.fallback_value,
                            );
                            v.required(|| format!("{}.currency.code", f()), &currency.code);
                        }
                        Parameter::DateTime { date_time } => {
                            v.required(
                                || format!("{}.date_time.fallback_value", f()),
                                &date_time.fallback_value,
                            );
                        }
                        Parameter::Image { image: m }
                        | Parameter::Video { video: m }
                        | Parameter::Document { document: m } => check_media_ref(&f(), m, v),
                        Parameter::Text { text } => {
                            v.required(|| format!("{}.text", f()), text);
                        }
                    }
                }
            }
            Component::Button {
                sub_type,
                index,
                parameters,
            } => {
                let f = || format!("template.components[{c}]");
                if index.0 > MAX_TEMPLATE_BUTTON_INDEX {
                    v.push(
                        format!("{}.index", f()),
                        Problem::Invalid {
                            reason: format!("{} is outside 0-9", index.0),
                        },
                    );
                } else if std::mem::replace(&mut indexes[usize::from(index.0)], true) {
                    v.push(
                        format!("{}.index", f()),
                        Problem::Duplicate {
                            value: index.0.to_string(),
                        },
                    );
                }
                // The On-Premises reference lists quick_reply, url and copy_code only.
                if dialect == Dialect::OnPremises
                    && matches!(sub_type, ButtonSubType::Flow | ButtonSubType::Catalog)
                {
                    not_allowed(
                        v,
                        &format!("{}.sub_type", f()),
                        "flow and catalog buttons are Cloud API only",
                    );
                }
                if parameters.is_empty() {
                    v.push(format!("{}.parameters", f()), Problem::Required);
                }
                for (p, param) in parameters.iter().enumerate() {
                    let fits = matches!(
                        (sub_type, param),
                        (ButtonSubType::QuickReply, ButtonParameter::Payload { .. })
                            | (ButtonSubType::Url, ButtonParameter::Text { .. })
                            | (ButtonSubType::CopyCode, ButtonParameter::CouponCode { .. })
                            | (
                                ButtonSubType::Flow | ButtonSubType::Catalog,
                                ButtonParameter::Action { .. }
                            )
                    );
                    if !fits {
                        v.push(
                            format!("{}.parameters[{p}].type", f()),
                            Problem::Invalid {
                                reason: "quick_reply buttons take a payload, url buttons a text, copy_code buttons a coupon_code, flow and catalog buttons an action".into(),
                            },
                        );
                    }
                }
            }
        }
    }
    let buttons = t
        .components
        .iter()
        .filter(|c| matches!(c, Component::Button { .. }))
        .count();
    if buttons > usize::from(MAX_TEMPLATE_BUTTON_INDEX) + 1 {
        v.push(
            "template.components[type=button]",
            Problem::TooMany {
                limit: 10,
                actual: buttons,
            },
        );
    }
}

/// `YYYY-MM-DD` with a month 01–12 and a day 01–31.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return false;
    }
    let month = (b[5] - b'0') * 10 + (b[6] - b'0');
    let day = (b[8] - b'0') * 10 + (b[9] - b'0');
    (1..=12).contains(&month) && (1..=31).contains(&day)
}
