"""Messenger-only content and options: button, generic and media templates,
several images at once, quick replies, messaging types and tags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .content import _clean

__all__ = [
    "Button",
    "ButtonTemplate",
    "Element",
    "GenericTemplate",
    "MediaTemplate",
    "Images",
    "QuickReply",
    "Options",
    "TAGS",
]

CHANNEL = "messenger"

#: Message tags with their rules: retired tags answer error 100 since the date given.
TAGS: Dict[str, Dict[str, Any]] = {
    "ACCOUNT_UPDATE": {"retired_since": "2026-04-27", "window_days": None},
    "CONFIRMED_EVENT_UPDATE": {"retired_since": "2026-04-27", "window_days": None},
    "CUSTOMER_FEEDBACK": {"retired_since": None, "window_days": 7},
    "HUMAN_AGENT": {"retired_since": None, "window_days": 7},
    "NON_PROMOTIONAL_SUBSCRIPTION": {"retired_since": None, "window_days": None},
    "POST_PURCHASE_UPDATE": {"retired_since": "2026-04-27", "window_days": None},
}


def _channel(kind: str, payload: Dict[str, Any]) -> Dict[str, Any]:
    return {"type": "channel", "channel": CHANNEL, "kind": kind, "payload": payload}


class Button:
    """Template buttons."""

    @staticmethod
    def web_url(title: str, url: str, webview_height_ratio: Optional[str] = None) -> Dict[str, Any]:
        """Opens a URL; ``webview_height_ratio`` is compact, tall or full."""
        return _clean({"type": "web_url", "title": title, "url": url, "webview_height_ratio": webview_height_ratio})

    @staticmethod
    def postback(title: str, payload: str) -> Dict[str, Any]:
        """Sends ``payload`` to the page."""
        return {"type": "postback", "title": title, "payload": payload}

    @staticmethod
    def phone_number(title: str, number: str) -> Dict[str, Any]:
        """Calls ``number``."""
        return {"type": "phone_number", "title": title, "payload": number}


@dataclass
class ButtonTemplate:
    """Text (≤640) with 1–3 buttons."""

    text: str
    buttons: List[Dict[str, Any]]

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _channel("button_template", {"text": self.text, "buttons": list(self.buttons)})


@dataclass
class Element:
    """One element of a generic template."""

    title: str
    subtitle: Optional[str] = None
    image_url: Optional[str] = None
    default_url: Optional[str] = None
    buttons: List[Dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        action = {"type": "web_url", "url": self.default_url} if self.default_url else None
        return _clean({"title": self.title, "subtitle": self.subtitle, "image_url": self.image_url, "default_action": action, "buttons": list(self.buttons) or None})


@dataclass
class GenericTemplate:
    """A carousel of up to 10 elements."""

    elements: List[Element]

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _channel("generic_template", {"elements": [e.to_dict() for e in self.elements]})


@dataclass
class MediaTemplate:
    """One image or video (``media_type``) by ``attachment_id`` or ``url``, with buttons."""

    media_type: str
    attachment_id: Optional[str] = None
    url: Optional[str] = None
    buttons: List[Dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _channel("media_template", _clean({"media_type": self.media_type, "attachment_id": self.attachment_id, "url": self.url, "buttons": list(self.buttons) or None}))


@dataclass
class Images:
    """Several images in one message (≤30)."""

    urls: List[str]

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _channel("images", {"urls": list(self.urls)})


@dataclass
class QuickReply:
    """A quick reply: ``content_type`` text (with title and payload),
    user_phone_number or user_email."""

    title: Optional[str] = None
    payload: Optional[str] = None
    content_type: str = "text"
    image_url: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(dict(self.__dict__))


@dataclass
class Options:
    """Messenger-only options: ``messaging_type`` (RESPONSE, UPDATE,
    MESSAGE_TAG), ``tag`` (implies MESSAGE_TAG), ``persona_id``, quick
    replies, reusable attachments, and opting in to a retired tag."""

    messaging_type: Optional[str] = None
    tag: Optional[str] = None
    persona_id: Optional[str] = None
    quick_replies: List[QuickReply] = field(default_factory=list)
    reusable: bool = False
    send_retired_tag_anyway: bool = False

    def to_extension(self) -> Dict[str, Any]:
        """The dict form of these options in :class:`switchboard.Message`."""
        messaging_type = self.messaging_type or ("MESSAGE_TAG" if self.tag else "RESPONSE")
        return {
            "channel": CHANNEL,
            **_clean(
                {
                    "messaging_type": messaging_type,
                    "tag": self.tag,
                    "allow_retired_tag": self.send_retired_tag_anyway or None,
                    "persona_id": self.persona_id,
                    "quick_replies": [q.to_dict() for q in self.quick_replies] or None,
                    "reusable_attachment": self.reusable or None,
                }
            ),
        }
