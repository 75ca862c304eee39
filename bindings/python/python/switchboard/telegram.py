"""Telegram-only content and options: voice notes, animations, chat
actions, parse modes, and escaping for HTML and MarkdownV2 formatting
(https://core.telegram.org/bots/api#formatting-options).

Example::

    import switchboard as sb
    from switchboard import telegram

    bot = sb.Telegram(bot_token="env:TELEGRAM_BOT_TOKEN")
    name = telegram.escape_html(customer_name)
    bot.send(sb.Message(sb.Recipient.user_id("123456789"), sb.Text(f"<b>Hi {name}</b>"),
                        options=[telegram.Options(parse_mode="HTML")]))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Dict, Optional

from .content import _clean

__all__ = [
    "Voice",
    "Animation",
    "ChatAction",
    "Options",
    "CHAT_ACTIONS",
    "escape_html",
    "escape_markdown_v2",
    "escape_markdown_v2_code",
    "escape_markdown_v2_url",
]

CHANNEL = "telegram"

#: The actions ``sendChatAction`` takes.
CHAT_ACTIONS = (
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
)


def _channel(kind: str, payload: Any) -> Dict[str, Any]:
    return {"type": "channel", "channel": CHANNEL, "kind": kind, "payload": payload}


def _source(url: Optional[str], file_id: Optional[str]) -> Dict[str, str]:
    if (url is None) == (file_id is None):
        raise ValueError("give exactly one of url= or file_id=")
    return {"url": url} if url is not None else {"id": file_id}  # type: ignore[dict-item]


@dataclass
class _File:
    """A file Telegram downloads from ``url`` or already has (``file_id``); caption ≤ 1024."""

    url: Optional[str] = None
    file_id: Optional[str] = None
    caption: Optional[str] = None

    _kind: ClassVar[str] = ""

    def __post_init__(self) -> None:
        _source(self.url, self.file_id)

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _channel(self._kind, _clean({"source": _source(self.url, self.file_id), "caption": self.caption}))


class Voice(_File):
    """A voice note (``sendVoice``, OGG/Opus) by ``url`` or ``file_id``; caption ≤ 1024."""

    _kind = "voice"


class Animation(_File):
    """A GIF or silent video (``sendAnimation``) by ``url`` or ``file_id``; caption ≤ 1024."""

    _kind = "animation"


@dataclass
class ChatAction:
    """What the bot is about to send (``sendChatAction``): one of :data:`CHAT_ACTIONS`."""

    action: str

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _channel("chat_action", self.action)


@dataclass
class Options:
    """Telegram-only options: ``parse_mode`` ("HTML" or "MarkdownV2"),
    ``protect_content`` (no forwarding or saving), ``message_thread_id``
    (a forum topic)."""

    parse_mode: Optional[str] = None
    protect_content: bool = False
    message_thread_id: Optional[int] = None

    def to_extension(self) -> Dict[str, Any]:
        """The dict form of these options in :class:`switchboard.Message`."""
        return {
            "channel": CHANNEL,
            **_clean(
                {
                    "parse_mode": self.parse_mode,
                    "protect_content": self.protect_content or None,
                    "message_thread_id": self.message_thread_id,
                }
            ),
        }


def _escape(text: str, reserved: str) -> str:
    return "".join("\\" + c if c in reserved else c for c in text)


def escape_html(text: str) -> str:
    """Escapes ``<``, ``>``, ``&`` and ``"`` for ``parse_mode="HTML"``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def escape_markdown_v2(text: str) -> str:
    """Escapes every character MarkdownV2 reserves, outside code and link URLs."""
    return _escape(text, "_*[]()~`>#+-=|{}.!\\")


def escape_markdown_v2_code(text: str) -> str:
    """Escapes text inside a MarkdownV2 code or pre entity (only ``\\`` and backticks)."""
    return _escape(text, "`\\")


def escape_markdown_v2_url(url: str) -> str:
    """Escapes the URL of a MarkdownV2 inline link (only ``)`` and ``\\``)."""
    return _escape(url, ")\\")
