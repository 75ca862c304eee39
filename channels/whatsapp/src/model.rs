//! WhatsApp-only content and options, as typed builders that convert into
//! [`switchboard::Content`] (or attach to a message as an extension).

use serde::{Deserialize, Serialize};
use switchboard::plugin::ChannelPayload;
use switchboard::{ChannelContent, Content, MediaSource};

use crate::PLATFORM;

/// What only WhatsApp can send: templates, interactive messages with media
/// headers and WhatsApp-only actions, and the legacy `hsm`. Each converts
/// into [`switchboard::Content`] with `into()`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    content = "payload",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum WhatsAppContent {
    /// A message template.
    Template(Template),
    /// An interactive message.
    Interactive(Interactive),
    /// The legacy On-Premises `hsm` template.
    Hsm(Hsm),
}

impl WhatsAppContent {
    /// Whether the content may go outside the customer-service window
    /// (templates only, api-contract §7).
    pub fn is_template(&self) -> bool {
        matches!(self, WhatsAppContent::Template(_) | WhatsAppContent::Hsm(_))
    }
}

impl ChannelPayload for WhatsAppContent {
    const CHANNEL: &'static str = PLATFORM;

    fn kind(&self) -> &'static str {
        match self {
            WhatsAppContent::Template(_) => "template",
            WhatsAppContent::Interactive(_) => "interactive",
            WhatsAppContent::Hsm(_) => "hsm",
        }
    }
}

impl From<WhatsAppContent> for Content {
    fn from(c: WhatsAppContent) -> Self {
        Content::Channel(ChannelContent::new(c))
    }
}

macro_rules! whatsapp_content {
    ($($ty:ident),*) => {
        $(impl From<$ty> for Content {
            fn from(value: $ty) -> Self {
                WhatsAppContent::$ty(value).into()
            }
        })*
    };
}
whatsapp_content!(Template, Interactive, Hsm);

/// A media file used inside a template or an interactive header: where it
/// is (core's [`MediaSource`]) and, for documents, the file name shown.
///
/// Its JSON form is the platform's: `{"id": …}` or `{"link": …}`, with
/// `filename` for documents; exactly one of `id` and `link`.
///
/// ```
/// use switchboard::MediaSource;
/// use switchboard_whatsapp::MediaRef;
/// let invoice = MediaRef::link("https://example.com/invoice.pdf").filename("invoice.pdf");
/// assert_eq!(invoice.source, MediaSource::url("https://example.com/invoice.pdf"));
/// assert!(serde_json::from_str::<MediaRef>(r#"{"id": "1", "link": "https://x"}"#).is_err());
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRef {
    /// Where the file is: an uploaded media id or a public http(s) URL.
    pub source: MediaSource,
    /// The file name (documents only).
    pub filename: Option<String>,
}

impl MediaRef {
    /// Media at `source`.
    pub fn new(source: MediaSource) -> Self {
        MediaRef {
            source,
            filename: None,
        }
    }

    /// A media id uploaded to WhatsApp earlier.
    pub fn id(id: impl Into<String>) -> Self {
        MediaRef::new(MediaSource::Id(id.into()))
    }

    /// A public http(s) URL.
    pub fn link(url: impl Into<String>) -> Self {
        MediaRef::new(MediaSource::Url(url.into()))
    }

    /// Sets the file name (documents).
    #[must_use]
    pub fn filename(mut self, name: impl Into<String>) -> Self {
        self.filename = Some(name.into());
        self
    }
}

/// The platform's media object: `id` or `link`, and `filename`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MediaObject<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none", borrow)]
    id: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none", borrow)]
    link: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none", borrow)]
    filename: Option<std::borrow::Cow<'a, str>>,
}

impl Serialize for MediaRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (id, link) = match &self.source {
            MediaSource::Id(id) => (Some(id.as_str().into()), None),
            MediaSource::Url(url) => (None, Some(url.as_str().into())),
            other => {
                return Err(serde::ser::Error::custom(format!(
                    "WhatsApp takes media by id or link, not {other:?}"
                )))
            }
        };
        MediaObject {
            id,
            link,
            filename: self.filename.as_deref().map(Into::into),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for MediaRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let o = MediaObject::deserialize(d)?;
        let source = match (o.id, o.link) {
            (Some(id), None) => MediaSource::Id(id.into_owned()),
            (None, Some(link)) => MediaSource::Url(link.into_owned()),
            _ => {
                return Err(serde::de::Error::custom(
                    "a media object needs exactly one of id and link",
                ))
            }
        };
        Ok(MediaRef {
            source,
            filename: o.filename.map(std::borrow::Cow::into_owned),
        })
    }
}

// ---------------------------------------------------------------- templates

/// A message template (the only content allowed outside the 24-hour window).
///
/// ```
/// use switchboard_whatsapp::{Template, Parameter, ButtonParameter};
/// let t = Template::new("order_shipped", "en_US")
///     .body([Parameter::text("Ada"), Parameter::text("#1042")])
///     .quick_reply_button(0, "track-1042");
/// let content: switchboard::Content = t.into();
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// The template name (≤512 characters).
    pub name: String,
    /// The template language.
    pub language: Language,
    /// The template namespace (On-Premises only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Header, body and button parameters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

impl Template {
    /// A template by name and language code (e.g. `en_US`).
    pub fn new(name: impl Into<String>, language: impl Into<String>) -> Self {
        Template {
            name: name.into(),
            language: Language {
                code: language.into(),
                policy: None,
            },
            namespace: None,
            components: Vec::new(),
        }
    }

    /// Sets the language policy (`deterministic`).
    #[must_use]
    pub fn deterministic(mut self) -> Self {
        self.language.policy = Some(LanguagePolicy::Deterministic);
        self
    }

    /// Sets the namespace (On-Premises).
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Adds a header component with its parameters.
    #[must_use]
    pub fn header(mut self, parameters: impl IntoIterator<Item = Parameter>) -> Self {
        self.components.push(Component::Header {
            parameters: parameters.into_iter().collect(),
        });
        self
    }

    /// Adds a body component with its parameters.
    #[must_use]
    pub fn body(mut self, parameters: impl IntoIterator<Item = Parameter>) -> Self {
        self.components.push(Component::Body {
            parameters: parameters.into_iter().collect(),
        });
        self
    }

    /// Adds a button component.
    pub fn button(
        mut self,
        sub_type: ButtonSubType,
        index: u8,
        parameters: impl IntoIterator<Item = ButtonParameter>,
    ) -> Self {
        self.components.push(Component::Button {
            sub_type,
            index: ButtonIndex(index),
            parameters: parameters.into_iter().collect(),
        });
        self
    }

    /// Adds a quick-reply button returning `payload` when tapped.
    #[must_use]
    pub fn quick_reply_button(self, index: u8, payload: impl Into<String>) -> Self {
        self.button(
            ButtonSubType::QuickReply,
            index,
            [ButtonParameter::Payload {
                payload: payload.into(),
            }],
        )
    }
}

/// A template language.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// The language and locale code, e.g. `en_US`.
    pub code: String,
    /// The language policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<LanguagePolicy>,
}

/// How WhatsApp picks the template language.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LanguagePolicy {
    /// Exactly the given language.
    Deterministic,
}

/// A template component.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Component {
    /// Header parameters (text or media).
    Header {
        /// The parameters.
        parameters: Vec<Parameter>,
    },
    /// Body parameters.
    Body {
        /// The parameters.
        parameters: Vec<Parameter>,
    },
    /// A button's parameters.
    Button {
        /// The button sub-type.
        sub_type: ButtonSubType,
        /// The button position, 0–9.
        index: ButtonIndex,
        /// The button parameters.
        #[serde(default)]
        parameters: Vec<ButtonParameter>,
    },
}

/// A template button position, 0–9; serialized as a string as in Meta's docs
/// (both `0` and `"0"` are read back).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ButtonIndex(pub u8);

impl Serialize for ButtonIndex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ButtonIndex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            N(u8),
            S(String),
        }
        match Either::deserialize(d)? {
            Either::N(n) => Ok(ButtonIndex(n)),
            Either::S(s) => s
                .trim()
                .parse()
                .map(ButtonIndex)
                .map_err(|_| serde::de::Error::custom(format!("button index {s:?} is not 0-9"))),
        }
    }
}

/// Template button sub-types (On-Premises reference and api-contract §1).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonSubType {
    /// Returns a payload when tapped (`quick_reply`; `QUICK_REPLY` as some
    /// of Meta's examples write it is accepted).
    #[serde(alias = "QUICK_REPLY")]
    QuickReply,
    /// Opens a dynamic URL (the parameter is the URL suffix).
    #[serde(alias = "URL")]
    Url,
    /// Copies a coupon code.
    #[serde(alias = "COPY_CODE")]
    CopyCode,
    /// Opens a Flow.
    #[serde(alias = "FLOW")]
    Flow,
    /// Opens the catalog.
    #[serde(alias = "CATALOG")]
    Catalog,
}

/// A header or body parameter of a template.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Parameter {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An amount of money.
    Currency {
        /// The currency.
        currency: Currency,
    },
    /// A date and time.
    DateTime {
        /// The date and time.
        date_time: DateTime,
    },
    /// An image (headers).
    Image {
        /// The image.
        image: MediaRef,
    },
    /// A document (headers).
    Document {
        /// The document.
        document: MediaRef,
    },
    /// A video (headers).
    Video {
        /// The video.
        video: MediaRef,
    },
}

impl Parameter {
    /// A text parameter.
    pub fn text(text: impl Into<String>) -> Self {
        Parameter::Text { text: text.into() }
    }

    /// An image parameter.
    pub fn image(image: MediaRef) -> Self {
        Parameter::Image { image }
    }

    /// A currency parameter: `amount_1000` is the amount times 1000.
    pub fn currency(
        fallback_value: impl Into<String>,
        code: impl Into<String>,
        amount_1000: i64,
    ) -> Self {
        Parameter::Currency {
            currency: Currency {
                fallback_value: fallback_value.into(),
                code: code.into(),
                amount_1000,
            },
        }
    }
}

/// A currency amount.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Currency {
    /// Shown when the amount cannot be localized.
    pub fallback_value: String,
    /// ISO 4217 code.
    pub code: String,
    /// The amount times 1000.
    pub amount_1000: i64,
}

/// A date and time; only `fallback_value` is required.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateTime {
    /// Shown as is (localization of the other fields is not applied by the platform).
    pub fallback_value: String,
    /// Day of the week, 1 (Monday) – 7.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_week: Option<u8>,
    /// Year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Month, 1–12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    /// Day of the month, 1–31.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<u8>,
    /// Hour, 0–23.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hour: Option<u8>,
    /// Minute, 0–59.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minute: Option<u8>,
    /// `GREGORIAN` or `SOLAR_HIJRI`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

/// A parameter of a template button.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ButtonParameter {
    /// The payload of a quick-reply button.
    Payload {
        /// The payload returned in the webhook.
        payload: String,
    },
    /// The URL suffix of a dynamic URL button.
    Text {
        /// The suffix.
        text: String,
    },
    /// The code of a copy-code button.
    CouponCode {
        /// The code.
        coupon_code: String,
    },
    /// The action of a flow or catalog button.
    Action {
        /// The action.
        action: ButtonAction,
    },
}

/// The action of a flow or catalog template button.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ButtonAction {
    /// Flow token (flow buttons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_token: Option<String>,
    /// Flow input data (flow buttons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_action_data: Option<serde_json::Map<String, serde_json::Value>>,
    /// The product shown as thumbnail (catalog buttons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_product_retailer_id: Option<String>,
}

// ------------------------------------------------------------------- legacy hsm

/// The legacy On-Premises `hsm` template object (deprecated in v2.39 in favour
/// of [`Template`]; kept for old clients).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hsm {
    /// The template namespace.
    pub namespace: String,
    /// The template name.
    pub element_name: String,
    /// The language.
    pub language: Language,
    /// The values of the template variables, in order.
    pub localizable_params: Vec<LocalizableParam>,
}

/// One value of an [`Hsm`] template.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalizableParam {
    /// The value.
    pub default: String,
}

// ---------------------------------------------------------------- interactive

/// An interactive message: optional header and footer, a body, an action.
///
/// Neutral [`ReplyButtons`](switchboard::ReplyButtons) and
/// [`ChoiceList`](switchboard::ChoiceList) cover plain buttons and lists; this
/// builder adds media headers and the WhatsApp-only actions.
///
/// ```
/// use switchboard_whatsapp::{Interactive, InteractiveAction};
/// let msg = Interactive::new(InteractiveAction::CtaUrl {
///     display_text: "See Dates".into(),
///     url: "https://www.luckyshrub.com".into(),
/// })
/// .body("Tap the button below to see available dates.");
/// let content: switchboard::Content = msg.into();
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interactive {
    /// The header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<Header>,
    /// The body text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The footer text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// What the recipient can do.
    pub action: InteractiveAction,
}

impl Interactive {
    /// An interactive message with `action`.
    pub fn new(action: InteractiveAction) -> Self {
        Interactive {
            header: None,
            body: None,
            footer: None,
            action,
        }
    }

    /// Sets the header.
    #[must_use]
    pub fn header(mut self, header: Header) -> Self {
        self.header = Some(header);
        self
    }

    /// Sets the body text.
    #[must_use]
    pub fn body(mut self, text: impl Into<String>) -> Self {
        self.body = Some(text.into());
        self
    }

    /// Sets the footer text.
    #[must_use]
    pub fn footer(mut self, text: impl Into<String>) -> Self {
        self.footer = Some(text.into());
        self
    }

    /// The platform's `interactive.type` of this message.
    pub fn kind(&self) -> &'static str {
        self.action.kind()
    }
}

/// An interactive header.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Header {
    /// Text (≤60 characters).
    Text {
        /// The text.
        text: String,
    },
    /// An image.
    Image {
        /// The image.
        image: MediaRef,
    },
    /// A video.
    Video {
        /// The video.
        video: MediaRef,
    },
    /// A document.
    Document {
        /// The document.
        document: MediaRef,
    },
}

impl Header {
    /// A text header.
    pub fn text(text: impl Into<String>) -> Self {
        Header::Text { text: text.into() }
    }
}

/// The action of an interactive message; it decides `interactive.type`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractiveAction {
    /// Reply buttons (`button`).
    Buttons(Vec<switchboard::ReplyButton>),
    /// A list (`list`).
    List {
        /// The label of the button that opens the list.
        button: String,
        /// The sections.
        sections: Vec<switchboard::ChoiceSection>,
    },
    /// One product (`product`).
    Product {
        /// The catalog id.
        catalog_id: String,
        /// The product's retailer id.
        product_retailer_id: String,
    },
    /// Several products in sections (`product_list`).
    ProductList {
        /// The catalog id.
        catalog_id: String,
        /// The sections.
        sections: Vec<ProductSection>,
    },
    /// The whole catalog (`catalog_message`).
    CatalogMessage {
        /// The product shown as thumbnail.
        thumbnail_product_retailer_id: Option<String>,
    },
    /// A Flow (`flow`).
    Flow(FlowAction),
    /// A call-to-action URL button (`cta_url`).
    CtaUrl {
        /// The button label (≤20 characters).
        display_text: String,
        /// The URL opened.
        url: String,
    },
    /// Asks the recipient to share their location (`location_request_message`).
    LocationRequest,
    /// An order to review and pay (`order_details`, action `review_and_pay`).
    OrderDetails(Box<OrderDetails>),
    /// An update of an order sent with `order_details` (`order_status`, action `review_order`).
    OrderStatus {
        /// The `reference_id` of the order.
        reference_id: String,
        /// The new status (`pending`, `processing`, `partially_shipped`, `shipped`,
        /// `completed`, `canceled`).
        status: String,
        /// A description of the change.
        description: Option<String>,
    },
}

impl InteractiveAction {
    /// The platform's `interactive.type` for this action.
    pub fn kind(&self) -> &'static str {
        match self {
            InteractiveAction::Buttons(_) => "button",
            InteractiveAction::List { .. } => "list",
            InteractiveAction::Product { .. } => "product",
            InteractiveAction::ProductList { .. } => "product_list",
            InteractiveAction::CatalogMessage { .. } => "catalog_message",
            InteractiveAction::Flow(_) => "flow",
            InteractiveAction::CtaUrl { .. } => "cta_url",
            InteractiveAction::LocationRequest => "location_request_message",
            InteractiveAction::OrderDetails(_) => "order_details",
            InteractiveAction::OrderStatus { .. } => "order_status",
        }
    }
}

/// An amount of money: `value / offset` in the currency's unit
/// (e.g. `{value: 1500, offset: 100}` is 15.00).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    /// The amount times `offset`.
    pub value: i64,
    /// The divisor of `value` (100 for cents).
    pub offset: i64,
}

/// An amount with a description (tax, shipping).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charge {
    /// The amount times `offset`.
    pub value: i64,
    /// The divisor of `value`.
    pub offset: i64,
    /// What the charge is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A discount on an order.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discount {
    /// The amount times `offset`.
    pub value: i64,
    /// The divisor of `value`.
    pub offset: i64,
    /// What the discount is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The discount programme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_program_name: Option<String>,
}

/// One line of an order.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderItem {
    /// The product's retailer id.
    pub retailer_id: String,
    /// The product name.
    pub name: String,
    /// The unit price.
    pub amount: Amount,
    /// How many.
    pub quantity: u32,
    /// The unit price on sale, when discounted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale_amount: Option<Amount>,
}

/// The order of an `order_details` message.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The order status (`pending` when asking for payment).
    pub status: String,
    /// The lines.
    pub items: Vec<OrderItem>,
    /// The sum of the lines.
    pub subtotal: Amount,
    /// Tax.
    pub tax: Charge,
    /// Shipping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Charge>,
    /// Discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<Discount>,
}

/// The parameters of an `order_details` message (Meta's OpenAPI spec,
/// "Send Order Details Message").
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderDetails {
    /// Your unique reference of the order.
    pub reference_id: String,
    /// `digital-goods` or `physical-goods`.
    #[serde(rename = "type")]
    pub goods_type: String,
    /// The payment method, e.g. `upi`.
    pub payment_type: String,
    /// The payment configuration name set up in WhatsApp Manager.
    pub payment_configuration: String,
    /// ISO 4217 currency code.
    pub currency: String,
    /// The total to pay.
    pub total_amount: Amount,
    /// The order.
    pub order: Order,
}

/// A section of a product list.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductSection {
    /// The section title (≤24 characters; required with more than one section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The products' retailer ids.
    pub product_retailer_ids: Vec<String>,
}

/// The parameters of a Flow message.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowAction {
    /// Which Flow: by id (published) or by name.
    pub flow: FlowRef,
    /// The label of the button that opens the Flow.
    pub flow_cta: String,
    /// A token identifying this Flow session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_token: Option<String>,
    /// `draft` or `published` (the platform's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<FlowMode>,
    /// `navigate` (the platform's default) or `data_exchange`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_action: Option<FlowActionKind>,
    /// The first screen and its data (with `navigate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_action_payload: Option<FlowPayload>,
}

/// Which Flow to open.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowRef {
    /// By id.
    Id(String),
    /// By name.
    Name(String),
}

/// The mode of a Flow.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowMode {
    /// A draft Flow (for testing).
    Draft,
    /// A published Flow.
    Published,
}

/// How a Flow starts.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowActionKind {
    /// Open the given first screen.
    Navigate,
    /// Ask the business endpoint for the first screen.
    DataExchange,
}

/// The first screen of a Flow and its input data.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowPayload {
    /// The screen id.
    pub screen: String,
    /// The input data (a non-empty object when present).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Map<String, serde_json::Value>>,
}

// -------------------------------------------------------------------- options

/// WhatsApp-only options of one message, attached with
/// [`Message::with_extension`](switchboard::Message::with_extension).
///
/// ```
/// use switchboard::{Media, MediaKind, MediaSource, Message, Recipient};
/// use switchboard_whatsapp::WhatsAppOptions;
/// let voice_note = Message::new(
///     Recipient::phone_number("+16505551234"),
///     Media::new(MediaKind::Audio, MediaSource::Id("1013859600285441".into())),
/// )
/// .with_extension(WhatsAppOptions::default().voice());
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatsAppOptions {
    /// Send an audio file as a voice note (`audio.voice`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub voice: bool,
    /// On-Premises: the media provider configured for a link that needs credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_provider: Option<String>,
    /// On-Premises: how long the message may wait for delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<Ttl>,
    /// With a mark-as-read sender action, also show the typing indicator.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub typing_indicator: bool,
    /// The escape hatch for what Switchboard does not model yet: a JSON
    /// merge patch (RFC 7396) applied to the request body after it is built
    /// and validated — objects merge, `null` removes a key, anything else
    /// (arrays included) replaces. The patch itself is not validated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_patch: Option<serde_json::Value>,
}

impl WhatsAppOptions {
    /// Merges `patch` into the request body (see [`WhatsAppOptions::raw_patch`]):
    ///
    /// ```
    /// use switchboard_whatsapp::WhatsAppOptions;
    /// // A field of a newer API version, sent as written.
    /// let options = WhatsAppOptions::default()
    ///     .with_raw_patch(serde_json::json!({"recipient_type": "individual", "new_field": {"x": 1}}));
    /// # let _ = options;
    /// ```
    #[must_use]
    pub fn with_raw_patch(mut self, patch: serde_json::Value) -> Self {
        self.raw_patch = Some(patch);
        self
    }

    /// Sends audio as a voice note.
    #[must_use]
    pub fn voice(mut self) -> Self {
        self.voice = true;
        self
    }

    /// Uses an On-Premises media provider.
    #[must_use]
    pub fn media_provider(mut self, name: impl Into<String>) -> Self {
        self.media_provider = Some(name.into());
        self
    }

    /// Sets the On-Premises time to live.
    #[must_use]
    pub fn ttl(mut self, ttl: Ttl) -> Self {
        self.ttl = Some(ttl);
        self
    }
}

impl WhatsAppOptions {
    /// The options attached to `message`, if any; `channel` names the
    /// sending channel in errors.
    pub(crate) fn of<'a>(
        channel: &str,
        message: &'a switchboard::Message,
    ) -> Result<Option<std::borrow::Cow<'a, Self>>, switchboard::Error> {
        message.extensions.get::<WhatsAppOptions>(channel)
    }
}

impl ChannelPayload for WhatsAppOptions {
    const CHANNEL: &'static str = PLATFORM;

    fn kind(&self) -> &'static str {
        "options"
    }
}

/// On-Premises time to live: an ISO-8601 duration (`P7D`) or seconds,
/// between 1 and 30 days (On-Premises `/v1/messages` reference, `ttl`).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Ttl {
    /// A number of seconds.
    Seconds(u64),
    /// An ISO-8601 duration such as `P7D` or `PT36H`.
    Iso8601(String),
}

impl Ttl {
    /// The duration in seconds, or why it cannot be read.
    pub fn seconds(&self) -> Result<u64, String> {
        match self {
            Ttl::Seconds(s) => Ok(*s),
            Ttl::Iso8601(s) => parse_iso8601_duration(s),
        }
    }
}

/// Parses `PnW`, `PnD`, `PTnH`, `PTnM`, `PTnS` and their combinations.
fn parse_iso8601_duration(text: &str) -> Result<u64, String> {
    let bad = || format!("{text:?} is not an ISO-8601 duration such as P7D or PT36H");
    let rest = text.strip_prefix('P').ok_or_else(bad)?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    if date.is_empty() && time.is_none() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut take = |part: &str, units: &[(char, u64)]| -> Result<(), String> {
        let mut number = String::new();
        let mut allowed = units.iter();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let (_, secs) = allowed.find(|(u, _)| *u == c).ok_or_else(bad)?;
            let n: u64 = number.parse().map_err(|_| bad())?;
            total = n
                .checked_mul(*secs)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(bad)?;
            number.clear();
        }
        if number.is_empty() {
            Ok(())
        } else {
            Err(bad())
        }
    };
    take(date, &[('W', 7 * 86400), ('D', 86400)])?;
    if let Some(t) = time {
        take(t, &[('H', 3600), ('M', 60), ('S', 1)])?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_durations() {
        assert_eq!(Ttl::Iso8601("P7D".into()).seconds(), Ok(604800));
        assert_eq!(Ttl::Iso8601("P1W".into()).seconds(), Ok(604800));
        assert_eq!(Ttl::Iso8601("PT36H".into()).seconds(), Ok(129600));
        assert_eq!(Ttl::Iso8601("P1DT12H30M5S".into()).seconds(), Ok(131405));
        for bad in [
            "",
            "P",
            "PT",
            "7D",
            "P7",
            "PD",
            "P1H",
            "PT1D",
            "P99999999999999999999D",
        ] {
            assert!(Ttl::Iso8601(bad.into()).seconds().is_err(), "{bad}");
        }
    }

    #[test]
    fn button_index_reads_numbers_and_strings() {
        let a: ButtonIndex = serde_json::from_str("0").unwrap();
        let b: ButtonIndex = serde_json::from_str("\"9\"").unwrap();
        assert_eq!((a.0, b.0), (0, 9));
        assert!(serde_json::from_str::<ButtonIndex>("\"x\"").is_err());
        assert_eq!(serde_json::to_string(&ButtonIndex(3)).unwrap(), "\"3\"");
    }
}

// ------------------------------------------------------------------ builders

macro_rules! setters {
    ($ty:ident { $($field:ident: $arg:ty => $doc:literal),* $(,)? }) => {
        impl $ty {
            $(
                #[doc = $doc]
                #[must_use]
                pub fn $field(mut self, value: impl Into<$arg>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}

impl Language {
    /// The language and locale `code`, e.g. `en_US`.
    pub fn new(code: impl Into<String>) -> Self {
        Language {
            code: code.into(),
            policy: None,
        }
    }
}

impl Currency {
    /// `amount_1000` (the amount times 1000) in ISO 4217 `code`, shown as
    /// `fallback_value` where it cannot be localized.
    pub fn new(
        fallback_value: impl Into<String>,
        code: impl Into<String>,
        amount_1000: i64,
    ) -> Self {
        Currency {
            fallback_value: fallback_value.into(),
            code: code.into(),
            amount_1000,
        }
    }
}

impl DateTime {
    /// A date shown as `fallback_value`.
    pub fn new(fallback_value: impl Into<String>) -> Self {
        DateTime {
            fallback_value: fallback_value.into(),
            ..DateTime::default()
        }
    }
}

setters!(DateTime {
    day_of_week: u8 => "Sets the day of the week, 1 (Monday) – 7.",
    year: i32 => "Sets the year.",
    month: u8 => "Sets the month, 1–12.",
    day_of_month: u8 => "Sets the day of the month, 1–31.",
    hour: u8 => "Sets the hour, 0–23.",
    minute: u8 => "Sets the minute, 0–59.",
    calendar: String => "Sets the calendar (`GREGORIAN` or `SOLAR_HIJRI`).",
});

impl ButtonAction {
    /// An empty action, filled in with the setters.
    pub fn new() -> Self {
        ButtonAction::default()
    }

    /// Sets the Flow input data (flow buttons).
    #[must_use]
    pub fn flow_action_data(mut self, data: serde_json::Map<String, serde_json::Value>) -> Self {
        self.flow_action_data = Some(data);
        self
    }
}

setters!(ButtonAction {
    flow_token: String => "Sets the Flow token (flow buttons).",
    thumbnail_product_retailer_id: String => "Sets the product shown as thumbnail (catalog buttons).",
});

impl Hsm {
    /// The legacy template `element_name` of `namespace` in `language`, with
    /// the values of its variables in order.
    pub fn new(
        namespace: impl Into<String>,
        element_name: impl Into<String>,
        language: impl Into<String>,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Hsm {
            namespace: namespace.into(),
            element_name: element_name.into(),
            language: Language::new(language),
            localizable_params: values.into_iter().map(LocalizableParam::new).collect(),
        }
    }

    /// Sets the language policy (`deterministic`).
    #[must_use]
    pub fn deterministic(mut self) -> Self {
        self.language.policy = Some(LanguagePolicy::Deterministic);
        self
    }
}

impl LocalizableParam {
    /// A value shown as is.
    pub fn new(default: impl Into<String>) -> Self {
        LocalizableParam {
            default: default.into(),
        }
    }
}

impl Amount {
    /// `value / offset` in the currency's unit (`Amount::new(1500, 100)` is 15.00).
    pub fn new(value: i64, offset: i64) -> Self {
        Amount { value, offset }
    }
}

impl Charge {
    /// `value / offset` in the currency's unit.
    pub fn new(value: i64, offset: i64) -> Self {
        Charge {
            value,
            offset,
            description: None,
        }
    }
}

setters!(Charge { description: String => "Says what the charge is." });

impl Discount {
    /// `value / offset` in the currency's unit.
    pub fn new(value: i64, offset: i64) -> Self {
        Discount {
            value,
            offset,
            description: None,
            discount_program_name: None,
        }
    }
}

setters!(Discount {
    description: String => "Says what the discount is.",
    discount_program_name: String => "Names the discount programme.",
});

impl OrderItem {
    /// `quantity` of the product `retailer_id` called `name` at `amount` each.
    pub fn new(
        retailer_id: impl Into<String>,
        name: impl Into<String>,
        amount: Amount,
        quantity: u32,
    ) -> Self {
        OrderItem {
            retailer_id: retailer_id.into(),
            name: name.into(),
            amount,
            quantity,
            sale_amount: None,
        }
    }

    /// The unit price on sale.
    #[must_use]
    pub fn sale_amount(mut self, amount: Amount) -> Self {
        self.sale_amount = Some(amount);
        self
    }
}

impl Order {
    /// An order in `status` (`pending` when asking for payment) of `items`.
    pub fn new(
        status: impl Into<String>,
        items: impl IntoIterator<Item = OrderItem>,
        subtotal: Amount,
        tax: Charge,
    ) -> Self {
        Order {
            status: status.into(),
            items: items.into_iter().collect(),
            subtotal,
            tax,
            shipping: None,
            discount: None,
        }
    }

    /// Adds shipping.
    #[must_use]
    pub fn shipping(mut self, shipping: Charge) -> Self {
        self.shipping = Some(shipping);
        self
    }

    /// Adds a discount.
    #[must_use]
    pub fn discount(mut self, discount: Discount) -> Self {
        self.discount = Some(discount);
        self
    }
}

impl OrderDetails {
    /// The order `reference_id` to pay `total_amount` of `currency` with
    /// `payment_type` through `payment_configuration`; `goods_type` is
    /// `digital-goods` or `physical-goods`.
    pub fn new(
        reference_id: impl Into<String>,
        goods_type: impl Into<String>,
        payment_type: impl Into<String>,
        payment_configuration: impl Into<String>,
        currency: impl Into<String>,
        total_amount: Amount,
        order: Order,
    ) -> Self {
        OrderDetails {
            reference_id: reference_id.into(),
            goods_type: goods_type.into(),
            payment_type: payment_type.into(),
            payment_configuration: payment_configuration.into(),
            currency: currency.into(),
            total_amount,
            order,
        }
    }
}

impl ProductSection {
    /// A section of the products `product_retailer_ids`.
    pub fn new(product_retailer_ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        ProductSection {
            title: None,
            product_retailer_ids: product_retailer_ids.into_iter().map(Into::into).collect(),
        }
    }
}

setters!(ProductSection { title: String => "Titles the section (≤24 characters)." });

impl FlowAction {
    /// Opens `flow` with a button labelled `flow_cta`.
    pub fn new(flow: FlowRef, flow_cta: impl Into<String>) -> Self {
        FlowAction {
            flow,
            flow_cta: flow_cta.into(),
            flow_token: None,
            mode: None,
            flow_action: None,
            flow_action_payload: None,
        }
    }

    /// Sets the mode (`draft` or `published`).
    #[must_use]
    pub fn mode(mut self, mode: FlowMode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Sets how the Flow starts.
    #[must_use]
    pub fn flow_action(mut self, action: FlowActionKind) -> Self {
        self.flow_action = Some(action);
        self
    }

    /// Opens the first screen `payload`.
    #[must_use]
    pub fn flow_action_payload(mut self, payload: FlowPayload) -> Self {
        self.flow_action_payload = Some(payload);
        self
    }
}

setters!(FlowAction { flow_token: String => "Sets the token identifying this Flow session." });

impl FlowPayload {
    /// The first screen `screen`.
    pub fn new(screen: impl Into<String>) -> Self {
        FlowPayload {
            screen: screen.into(),
            data: None,
        }
    }

    /// Sets the screen's input data.
    #[must_use]
    pub fn data(mut self, data: serde_json::Map<String, serde_json::Value>) -> Self {
        self.data = Some(data);
        self
    }
}

impl WhatsAppOptions {
    /// With a mark-as-read sender action, also shows the typing indicator.
    #[must_use]
    pub fn typing_indicator(mut self) -> Self {
        self.typing_indicator = true;
        self
    }
}
