"""WhatsApp-only content and options: templates, interactive messages,
the legacy On-Premises ``hsm`` object, and per-message options.

Each content class converts into a :class:`switchboard.Message` content
(``Message(to, Template(...))``); :class:`Options` attaches with
``Message(..., options=[Options(voice=True)])``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

from .content import ChoiceSection, ReplyButton, _clean

__all__ = [
    "MediaRef",
    "Parameter",
    "ButtonParameter",
    "Template",
    "Hsm",
    "Header",
    "Interactive",
    "Buttons",
    "ListAction",
    "Product",
    "ProductSection",
    "ProductList",
    "CatalogMessage",
    "Flow",
    "CtaUrl",
    "LocationRequest",
    "OrderStatus",
    "Options",
    "bold",
    "italic",
    "strikethrough",
    "monospace",
    "escape",
]

CHANNEL = "whatsapp"


def _channel(kind: str, payload: Dict[str, Any]) -> Dict[str, Any]:
    return {"type": "channel", "channel": CHANNEL, "kind": kind, "payload": payload}


@dataclass
class MediaRef:
    """A media file inside a template or header: exactly one of ``id`` and ``link``."""

    id: Optional[str] = None
    link: Optional[str] = None
    filename: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean(dict(self.__dict__))


class Parameter:
    """Template header/body parameters (the ``type`` key names the kind)."""

    @staticmethod
    def text(text: str) -> Dict[str, Any]:
        """A text parameter."""
        return {"type": "text", "text": text}

    @staticmethod
    def currency(fallback_value: str, code: str, amount_1000: int) -> Dict[str, Any]:
        """An amount: ``amount_1000`` is the amount times 1000."""
        return {"type": "currency", "currency": {"fallback_value": fallback_value, "code": code, "amount_1000": amount_1000}}

    @staticmethod
    def date_time(fallback_value: str, **fields: Any) -> Dict[str, Any]:
        """A date and time: ``fallback_value`` plus optional year, month, day_of_month, hour, minute, day_of_week, calendar."""
        return {"type": "date_time", "date_time": {"fallback_value": fallback_value, **fields}}

    @staticmethod
    def image(media: MediaRef) -> Dict[str, Any]:
        """An image (headers)."""
        return {"type": "image", "image": media.to_dict()}

    @staticmethod
    def document(media: MediaRef) -> Dict[str, Any]:
        """A document (headers)."""
        return {"type": "document", "document": media.to_dict()}

    @staticmethod
    def video(media: MediaRef) -> Dict[str, Any]:
        """A video (headers)."""
        return {"type": "video", "video": media.to_dict()}


class ButtonParameter:
    """Template button parameters."""

    @staticmethod
    def payload(payload: str) -> Dict[str, Any]:
        """The payload of a quick-reply button."""
        return {"type": "payload", "payload": payload}

    @staticmethod
    def text(text: str) -> Dict[str, Any]:
        """The URL suffix of a dynamic URL button."""
        return {"type": "text", "text": text}

    @staticmethod
    def coupon_code(code: str) -> Dict[str, Any]:
        """The code of a copy-code button."""
        return {"type": "coupon_code", "coupon_code": code}

    @staticmethod
    def action(
        flow_token: Optional[str] = None,
        flow_action_data: Optional[Dict[str, Any]] = None,
        thumbnail_product_retailer_id: Optional[str] = None,
    ) -> Dict[str, Any]:
        """The action of a flow or catalog button."""
        return {"type": "action", "action": _clean({"flow_token": flow_token, "flow_action_data": flow_action_data, "thumbnail_product_retailer_id": thumbnail_product_retailer_id})}


@dataclass
class Template:
    """A message template — the only content allowed outside the 24-hour window.

    ``header`` and ``body`` are lists of :class:`Parameter` values;
    ``buttons`` is a list of ``(sub_type, index, [ButtonParameter...])``.
    """

    name: str
    language: str
    policy: Optional[str] = None
    namespace: Optional[str] = None
    header: List[Dict[str, Any]] = field(default_factory=list)
    body: List[Dict[str, Any]] = field(default_factory=list)
    buttons: List[Any] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        components: List[Dict[str, Any]] = []
        if self.header:
            components.append({"type": "header", "parameters": list(self.header)})
        if self.body:
            components.append({"type": "body", "parameters": list(self.body)})
        for sub_type, index, params in self.buttons:
            components.append({"type": "button", "sub_type": sub_type, "index": str(index), "parameters": list(params)})
        payload = _clean(
            {
                "name": self.name,
                "language": _clean({"code": self.language, "policy": self.policy}),
                "namespace": self.namespace,
            }
        )
        if components:
            payload["components"] = components
        return _channel("template", payload)


@dataclass
class Hsm:
    """The legacy On-Premises ``hsm`` template (deprecated in v2.39)."""

    namespace: str
    element_name: str
    language: str
    params: List[str] = field(default_factory=list)
    policy: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _channel(
            "hsm",
            {
                "namespace": self.namespace,
                "element_name": self.element_name,
                "language": _clean({"code": self.language, "policy": self.policy}),
                "localizable_params": [{"default": p} for p in self.params],
            },
        )


class Header:
    """Interactive headers."""

    @staticmethod
    def text(text: str) -> Dict[str, Any]:
        """A text header (≤60 characters)."""
        return {"type": "text", "text": text}

    @staticmethod
    def image(media: MediaRef) -> Dict[str, Any]:
        """An image header."""
        return {"type": "image", "image": media.to_dict()}

    @staticmethod
    def video(media: MediaRef) -> Dict[str, Any]:
        """A video header."""
        return {"type": "video", "video": media.to_dict()}

    @staticmethod
    def document(media: MediaRef) -> Dict[str, Any]:
        """A document header."""
        return {"type": "document", "document": media.to_dict()}


@dataclass
class Buttons:
    """Reply buttons (``button``)."""

    buttons: List[ReplyButton]

    def action(self) -> Any:
        """The action's dict form inside :class:`Interactive`."""
        return {"buttons": [b.to_dict() for b in self.buttons]}


@dataclass
class ListAction:
    """A list (``list``)."""

    button: str
    sections: List[ChoiceSection]

    def action(self) -> Any:
        """The action's dict form inside :class:`Interactive`."""
        return {"list": {"button": self.button, "sections": [s.to_dict() for s in self.sections]}}


@dataclass
class Product:
    """One product (``product``)."""

    catalog_id: str
    product_retailer_id: str

    def action(self) -> Any:
        """The action's dict form inside :class:`Interactive`."""
        return {"product": {"catalog_id": self.catalog_id, "product_retailer_id": self.product_retailer_id}}


@dataclass
class ProductSection:
    """A section of a product list."""

    product_retailer_ids: List[str]
    title: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _clean({"title": self.title, "product_retailer_ids": list(self.product_retailer_ids)})


@dataclass
class ProductList:
    """Several products in sections (``product_list``; needs a text header)."""

    catalog_id: str
    sections: List[ProductSection]

    def action(self) -> Any:
        """The action's dict form inside :class:`Interactive`."""
        return {"product_list": {"catalog_id": self.catalog_id, "sections": [s.to_dict() for s in self.sections]}}


@dataclass
class CatalogMessage:
    """The whole catalog (``catalog_message``)."""

    thumbnail_product_retailer_id: Optional[str] = None

    def action(self) -> Any:
        """The action's dict form inside :class:`Interactive`."""
        return {"catalog_message": {"thumbnail_product_retailer_id": self.thumbnail_product_retailer_id}}


@dataclass
class Flow:
    """A Flow (``flow``): by ``flow_id`` or ``flow_name``."""

    flow_cta: str
    flow_id: Optional[str] = None
    flow_name: Optional[str] = None
    flow_token: Optional[str] = None
    mode: Optional[str] = None
    flow_action: Optional[str] = None
    screen: Optional[str] = None
    data: Optional[Dict[str, Any]] = None

    def action(self) -> Any:
        """The action's dict form inside :class:`Interactive`."""
        if (self.flow_id is None) == (self.flow_name is None):
            raise ValueError("Flow needs exactly one of flow_id= and flow_name=")
        flow = {"id": self.flow_id} if self.flow_id is not None else {"name": self.flow_name}
        payload = _clean({"screen": self.screen, "data": self.data}) if self.screen is not None else None
        return {"flow": _clean({"flow": flow, "flow_cta": self.flow_cta, "flow_token": self.flow_token, "mode": self.mode, "flow_action": self.flow_action, "flow_action_payload": payload})}


@dataclass
class CtaUrl:
    """A call-to-action URL button (``cta_url``)."""

    display_text: str
    url: str

    def action(self) -> Any:
        """The action's dict form inside :class:`Interactive`."""
        return {"cta_url": {"display_text": self.display_text, "url": self.url}}


@dataclass
class LocationRequest:
    """Asks for the customer's location (``location_request_message``)."""

    def action(self) -> Any:
        """The action's dict form inside :class:`Interactive`."""
        return "location_request"


@dataclass
class OrderStatus:
    """An update of an order (``order_status``)."""

    reference_id: str
    status: str
    description: Optional[str] = None

    def action(self) -> Any:
        """The action's dict form inside :class:`Interactive`."""
        return {"order_status": {"reference_id": self.reference_id, "status": self.status, "description": self.description}}


ActionType = Union[Buttons, ListAction, Product, ProductList, CatalogMessage, Flow, CtaUrl, LocationRequest, OrderStatus]


@dataclass
class Interactive:
    """An interactive message: an action with optional header, body and footer."""

    action: ActionType
    body: Optional[str] = None
    header: Optional[Dict[str, Any]] = None
    footer: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The dict form :class:`switchboard.Message` reads."""
        return _channel("interactive", _clean({"header": self.header, "body": self.body, "footer": self.footer, "action": self.action.action()}))


@dataclass
class Options:
    """WhatsApp-only options of one message.

    ``voice`` sends audio as a voice note; ``ttl`` (On-Premises) is seconds or
    an ISO-8601 duration such as "P7D"; ``media_provider`` names an
    On-Premises media provider; ``typing_indicator`` goes with mark-as-read;
    ``raw_patch`` is the escape hatch for what Switchboard does not model
    yet: a JSON merge patch (RFC 7396) of the request body, sent as written.
    """

    voice: bool = False
    ttl: Optional[Union[int, str]] = None
    media_provider: Optional[str] = None
    typing_indicator: bool = False
    raw_patch: Optional[Dict[str, Any]] = None

    def to_extension(self) -> Dict[str, Any]:
        """The dict form of these options in :class:`switchboard.Message`."""
        return {
            "channel": CHANNEL,
            **_clean(
                {
                    "voice": self.voice or None,
                    "ttl": self.ttl,
                    "media_provider": self.media_provider,
                    "typing_indicator": self.typing_indicator or None,
                    "raw_patch": self.raw_patch,
                }
            ),
        }


_WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """``text`` with WhatsApp's formatting markers neutralised (shown literally)."""
    return "".join(c + _WORD_JOINER if c in "*_~`" else c for c in text)


def bold(text: str) -> str:
    """``*text*`` with ``text`` escaped."""
    return "*" + escape(text) + "*"


def italic(text: str) -> str:
    """``_text_`` with ``text`` escaped."""
    return "_" + escape(text) + "_"


def strikethrough(text: str) -> str:
    """``~text~`` with ``text`` escaped."""
    return "~" + escape(text) + "~"


def monospace(text: str) -> str:
    """```` ```text``` ```` with ``text`` escaped."""
    return "```" + escape(text) + "```"

