//! What only Telegram expresses: its per-message options and the content
//! kinds the neutral model has no word for.

use serde::{Deserialize, Serialize};
use switchboard::plugin::ChannelPayload;
use switchboard::{ChannelContent, Content, MediaSource};

use crate::PLATFORM;

/// How Telegram parses entities in a text or caption
/// (<https://core.telegram.org/bots/api#formatting-options>).
///
/// Escape what you interpolate with [`crate::format::escape_html`] or
/// [`crate::format::escape_markdown_v2`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ParseMode {
    /// `<b>bold</b>`, `<i>italic</i>`, `<a href="…">links</a>`, …
    #[serde(rename = "HTML")]
    Html,
    /// `*bold*`, `_italic_`, `[links](…)`, … with every other reserved
    /// character escaped.
    MarkdownV2,
}

/// Options only Telegram understands, added with
/// [`Message::with_extension`](switchboard::Message::with_extension).
///
/// ```
/// use switchboard::{Message, Recipient};
/// use switchboard_telegram::{ParseMode, TelegramOptions};
/// let msg = Message::text(Recipient::user_id("123456789"), "<b>Shipped</b>")
///     .with_extension(TelegramOptions::new().parse_mode(ParseMode::Html).protect_content());
/// # let _ = msg;
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelegramOptions {
    /// How the text or caption is parsed (plain text when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse_mode: Option<ParseMode>,
    /// Protects the message from forwarding and saving (`protect_content`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub protect_content: bool,
    /// The forum topic the message goes to (`message_thread_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_thread_id: Option<i64>,
}

impl TelegramOptions {
    /// No options set.
    pub fn new() -> Self {
        TelegramOptions::default()
    }

    /// Parses the text or caption as `mode`.
    #[must_use]
    pub fn parse_mode(mut self, mode: ParseMode) -> Self {
        self.parse_mode = Some(mode);
        self
    }

    /// Protects the message from forwarding and saving.
    #[must_use]
    pub fn protect_content(mut self) -> Self {
        self.protect_content = true;
        self
    }

    /// Sends to the forum topic `thread_id`.
    #[must_use]
    pub fn message_thread_id(mut self, thread_id: i64) -> Self {
        self.message_thread_id = Some(thread_id);
        self
    }
}

impl ChannelPayload for TelegramOptions {
    const CHANNEL: &'static str = PLATFORM;

    fn kind(&self) -> &'static str {
        "options"
    }
}

/// What only Telegram sends: voice notes (`sendVoice`, OGG/Opus, shown as a
/// waveform), animations (`sendAnimation`, a GIF or silent video) and chat
/// actions other than typing. Each converts into [`switchboard::Content`]
/// with `into()`.
///
/// ```
/// use switchboard::{Content, MediaSource};
/// use switchboard_telegram::{ChatAction, TelegramContent, TelegramFile};
/// let voice: Content = TelegramContent::Voice(
///     TelegramFile::new(MediaSource::url("https://example.com/hello.ogg")).caption("Hello"),
/// ).into();
/// let uploading: Content = ChatAction::UploadDocument.into();
/// # let _ = (voice, uploading);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum TelegramContent {
    /// A voice note (`sendVoice`).
    Voice(TelegramFile),
    /// An animation (`sendAnimation`).
    Animation(TelegramFile),
    /// What the bot is about to send (`sendChatAction`).
    ChatAction(ChatAction),
}

/// A file Telegram downloads from a URL or already has (`file_id`), with a
/// caption.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelegramFile {
    /// An HTTP URL Telegram downloads, or a `file_id` it already has.
    pub source: MediaSource,
    /// The caption (0–1024 characters after entity parsing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl TelegramFile {
    /// The file at `source`, without a caption.
    pub fn new(source: MediaSource) -> Self {
        TelegramFile {
            source,
            caption: None,
        }
    }

    /// Adds a caption.
    #[must_use]
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }
}

impl ChannelPayload for TelegramContent {
    const CHANNEL: &'static str = PLATFORM;

    fn kind(&self) -> &'static str {
        match self {
            TelegramContent::Voice(_) => "voice",
            TelegramContent::Animation(_) => "animation",
            TelegramContent::ChatAction(_) => "chat_action",
        }
    }
}

impl From<TelegramContent> for Content {
    fn from(content: TelegramContent) -> Self {
        Content::Channel(ChannelContent::new(content))
    }
}

/// A chat action other than typing (`sendChatAction`): what the bot is
/// about to send. The neutral [`switchboard::SenderAction::typing_on`] is
/// `typing`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatAction {
    /// `typing`.
    Typing,
    /// `upload_photo`.
    UploadPhoto,
    /// `record_video`.
    RecordVideo,
    /// `upload_video`.
    UploadVideo,
    /// `record_voice`.
    RecordVoice,
    /// `upload_voice`.
    UploadVoice,
    /// `upload_document`.
    UploadDocument,
    /// `choose_sticker`.
    ChooseSticker,
    /// `find_location`.
    FindLocation,
    /// `record_video_note`.
    RecordVideoNote,
    /// `upload_video_note`.
    UploadVideoNote,
}

impl ChatAction {
    /// The action's name in the Bot API.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatAction::Typing => "typing",
            ChatAction::UploadPhoto => "upload_photo",
            ChatAction::RecordVideo => "record_video",
            ChatAction::UploadVideo => "upload_video",
            ChatAction::RecordVoice => "record_voice",
            ChatAction::UploadVoice => "upload_voice",
            ChatAction::UploadDocument => "upload_document",
            ChatAction::ChooseSticker => "choose_sticker",
            ChatAction::FindLocation => "find_location",
            ChatAction::RecordVideoNote => "record_video_note",
            ChatAction::UploadVideoNote => "upload_video_note",
        }
    }
}

impl From<ChatAction> for Content {
    fn from(action: ChatAction) -> Self {
        TelegramContent::ChatAction(action).into()
    }
}
