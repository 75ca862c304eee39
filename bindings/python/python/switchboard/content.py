"""Channel-neutral content: what a message says, on any channel.

Every class has ``to_dict()`` giving the form :class:`switchboard.Message`
reads; a channel that cannot express a kind raises ``UnsupportedError`` when
sending, never a silent downgrade.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

__all__ = [
    "Text",
    "Media",
    "Location",
    "ContactName",
    "ContactPhone",
    "ContactEmail",
    "ContactUrl",
    "ContactAddress",
    "ContactOrg",
    "Contact",
    "Contacts",
    "Reaction",
    "ReplyButton",
    "ReplyButtons",
    "Choice",
    "ChoiceSection",
    "ChoiceList",
    "SenderAction",
]


def _clean(d: Dict[str, Any]) -> Dict[str, Any]:
    """Drops keys whose value is None (the Rust side treats them as absent)."""
    return {k: v for k, v in d.items() if v is not None}


@dataclass
class Text:
    """Plain text; ``preview_url`` asks for a link preview (platform default when None)."""

    body: str
    preview_url: Optional[bool] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean({"type": "text", "body": self.body, "preview_url": self.preview_url})


@dataclass
class Media:
    """An image, audio, video, document or sticker, by uploaded ``id`` or public ``url``.

    ``kind`` is one of "image", "audio", "video", "document", "sticker".
    """

    kind: str
    id: Optional[str] = None
    url: Optional[str] = None
    caption: Optional[str] = None
    filename: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        if (self.id is None) == (self.url is None):
            raise ValueError("Media needs exactly one of id= and url=")
        source = {"id": self.id} if self.id is not None else {"url": self.url}
        return _clean(
            {
                "type": "media",
                "kind": self.kind,
                "source": source,
                "caption": self.caption,
                "filename": self.filename,
            }
        )


@dataclass
class Location:
    """A map pin."""

    latitude: float
    longitude: float
    name: Optional[str] = None
    address: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(
            {
                "type": "location",
                "latitude": self.latitude,
                "longitude": self.longitude,
                "name": self.name,
                "address": self.address,
            }
        )


@dataclass
class ContactName:
    """A contact's name; ``formatted_name`` is required."""

    formatted_name: str
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    middle_name: Optional[str] = None
    prefix: Optional[str] = None
    suffix: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(dict(self.__dict__))


@dataclass
class ContactPhone:
    """A phone number; ``label`` is HOME, WORK, CELL, …"""

    phone: str
    label: Optional[str] = None
    wa_id: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(dict(self.__dict__))


@dataclass
class ContactEmail:
    """An e-mail address."""

    email: str
    label: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(dict(self.__dict__))


@dataclass
class ContactUrl:
    """A web address."""

    url: str
    label: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(dict(self.__dict__))


@dataclass
class ContactAddress:
    """A postal address."""

    street: Optional[str] = None
    city: Optional[str] = None
    state: Optional[str] = None
    zip: Optional[str] = None
    country: Optional[str] = None
    country_code: Optional[str] = None
    label: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(dict(self.__dict__))


@dataclass
class ContactOrg:
    """An organisation."""

    company: Optional[str] = None
    department: Optional[str] = None
    title: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(dict(self.__dict__))


@dataclass
class Contact:
    """A contact card."""

    name: ContactName
    phones: List[ContactPhone] = field(default_factory=list)
    emails: List[ContactEmail] = field(default_factory=list)
    urls: List[ContactUrl] = field(default_factory=list)
    addresses: List[ContactAddress] = field(default_factory=list)
    org: Optional[ContactOrg] = None
    birthday: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(
            {
                "name": self.name.to_dict(),
                "phones": [p.to_dict() for p in self.phones],
                "emails": [e.to_dict() for e in self.emails],
                "urls": [u.to_dict() for u in self.urls],
                "addresses": [a.to_dict() for a in self.addresses],
                "org": self.org.to_dict() if self.org else None,
                "birthday": self.birthday,
            }
        )


@dataclass
class Contacts:
    """One or more contact cards."""

    contacts: List[Contact]

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return {"type": "contacts", "contacts": [c.to_dict() for c in self.contacts]}


@dataclass
class Reaction:
    """An emoji reaction to ``message_id``; an empty emoji removes it."""

    message_id: str
    emoji: str

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return {"type": "reaction", "message_id": self.message_id, "emoji": self.emoji}


@dataclass
class ReplyButton:
    """A reply button: ``id`` comes back in the webhook, ``title`` is shown."""

    id: str
    title: str

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return {"id": self.id, "title": self.title}


@dataclass
class ReplyButtons:
    """Text with a few reply buttons (WhatsApp buttons, Messenger quick replies)."""

    body: str
    buttons: List[ReplyButton]
    header: Optional[str] = None
    footer: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(
            {
                "type": "reply_buttons",
                "body": self.body,
                "buttons": [b.to_dict() for b in self.buttons],
                "header": self.header,
                "footer": self.footer,
            }
        )


@dataclass
class Choice:
    """One choice of a list."""

    id: str
    title: str
    description: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(dict(self.__dict__))


@dataclass
class ChoiceSection:
    """A section of a list; ``title`` is required with more than one section."""

    rows: List[Choice]
    title: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean({"title": self.title, "rows": [r.to_dict() for r in self.rows]})


@dataclass
class ChoiceList:
    """Text with a menu of choices, opened by ``button``."""

    body: str
    button: str
    sections: List[ChoiceSection]
    header: Optional[str] = None
    footer: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(
            {
                "type": "choice_list",
                "body": self.body,
                "button": self.button,
                "sections": [s.to_dict() for s in self.sections],
                "header": self.header,
                "footer": self.footer,
            }
        )


@dataclass
class SenderAction:
    """Typing indicator or read receipt: ``action`` is "typing_on", "typing_off"
    or "mark_seen"; WhatsApp needs the inbound ``message_id``."""

    action: str
    message_id: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean({"type": "sender_action", "action": self.action, "message_id": self.message_id})
