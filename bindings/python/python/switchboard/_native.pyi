"""Type stubs of the native module ``switchboard._native``."""

import os
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Union, final

from typing_extensions import disjoint_base

__all__ = [
    "Channel",
    "Emulator",
    "Message",
    "Messenger",
    "Receipt",
    "Recipient",
    "Switchboard",
    "WebhookServer",
    "WhatsApp",
    "__version__",
    "handshake",
    "parse_webhook",
    "verify_signature",
]

__version__: str

@final
class Recipient:
    """Who receives a message: an id and what kind of id it is."""

    def __new__(cls, kind: str, id: str) -> Recipient: ...
    @staticmethod
    def phone_number(number: str) -> Recipient: ...
    @staticmethod
    def user_id(id: str) -> Recipient: ...
    @staticmethod
    def user_ref(user_ref: str) -> Recipient: ...
    @staticmethod
    def comment_id(id: str) -> Recipient: ...
    @staticmethod
    def post_id(id: str) -> Recipient: ...
    @staticmethod
    def group(id: str) -> Recipient: ...
    @property
    def kind(self) -> str: ...
    @property
    def id(self) -> str: ...

@final
class Message:
    """A message to one recipient: who, what, and per-message options."""

    def __new__(
        cls,
        to: Recipient,
        content: Any,
        *,
        reply_to: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        callback_data: Optional[str] = None,
        notification: Optional[str] = None,
        options: Optional[Iterable[Any]] = None,
    ) -> Message: ...
    @staticmethod
    def text(
        to: Recipient,
        body: str,
        *,
        preview_url: Optional[bool] = None,
        reply_to: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        callback_data: Optional[str] = None,
    ) -> Message: ...
    @staticmethod
    def from_dict(data: Dict[str, Any]) -> Message: ...
    def to_dict(self) -> Dict[str, Any]: ...
    @property
    def to(self) -> Recipient: ...
    @property
    def content_type(self) -> str: ...

@final
class Receipt:
    """The platform's acknowledgement of a sent message."""

    @property
    def channel(self) -> str: ...
    @property
    def message_id(self) -> str: ...
    @property
    def recipient_id(self) -> Optional[str]: ...
    @property
    def status(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    @staticmethod
    def from_dict(data: Dict[str, Any]) -> Receipt: ...

@disjoint_base
class Channel:
    """A configured channel: one account on one platform."""

    @property
    def name(self) -> str: ...
    @property
    def platform(self) -> str: ...
    @property
    def account(self) -> str: ...
    def info(self) -> Dict[str, Any]: ...
    def validate(self, message: Message) -> None: ...
    def send(self, message: Message) -> Receipt: ...
    def send_async(self, message: Message) -> Awaitable[Receipt]: ...
    def with_delivery(
        self,
        *,
        messages_per_second: Optional[int] = None,
        max_attempts: Optional[int] = None,
        retry_ambiguous: bool = False,
        timeout: Optional[float] = None,
        concurrency: Optional[int] = None,
    ) -> Channel: ...

@final
class WhatsApp(Channel):
    """A WhatsApp Business channel (Cloud API by default, or On-Premises)."""

    def __new__(
        cls,
        *,
        access_token: str,
        phone_number_id: Optional[str] = None,
        base_url: Optional[str] = None,
        api_version: Optional[str] = None,
        dialect: str = "cloud",
        timeout: Optional[float] = None,
        name: str = "whatsapp",
    ) -> WhatsApp: ...

@final
class Messenger(Channel):
    """A Facebook Messenger channel (Send API) for one Page."""

    def __new__(
        cls,
        *,
        access_token: str,
        page_id: str,
        base_url: Optional[str] = None,
        api_version: Optional[str] = None,
        timeout: Optional[float] = None,
        name: str = "messenger",
    ) -> Messenger: ...

@final
class Switchboard:
    """Named channels built from a TOML configuration."""

    @staticmethod
    def from_config(path: Union[str, os.PathLike[str]]) -> Switchboard: ...
    @staticmethod
    def from_toml(text: str) -> Switchboard: ...
    def names(self) -> List[str]: ...
    def channel(self, name: str) -> Channel: ...
    def send(self, channel: str, message: Message) -> Receipt: ...
    def send_async(self, channel: str, message: Message) -> Awaitable[Receipt]: ...

@final
class Emulator:
    """The local stand-in for WhatsApp and Messenger, on 127.0.0.1."""

    def __new__(cls) -> Emulator: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def __enter__(self) -> Emulator: ...
    def __exit__(self, *_args: object) -> bool: ...
    @property
    def base_url(self) -> str: ...
    def url(self, platform: str) -> str: ...
    @property
    def access_token(self) -> str: ...
    def platforms(self) -> List[str]: ...
    def config_toml(self) -> str: ...
    def describe(self) -> List[str]: ...
    def channel(self, platform: str, name: Optional[str] = None) -> Channel: ...
    def switchboard(self) -> Switchboard: ...
    def sample_recipient(self, platform: str) -> Recipient: ...
    def records(
        self, platform: Optional[str] = None, recipient: Optional[str] = None
    ) -> List[Dict[str, Any]]: ...
    def fail_next(
        self,
        platform: str,
        count: int = 1,
        *,
        code: Optional[int] = None,
        subcode: Optional[int] = None,
        status: Optional[int] = None,
        hang: Optional[float] = None,
        delivery_failed: Optional[int] = None,
    ) -> None: ...
    def set_failure_rate(
        self,
        platform: str,
        rate: Optional[float],
        *,
        code: Optional[int] = None,
        subcode: Optional[int] = None,
        status: Optional[int] = None,
    ) -> None: ...
    def set_rate_limit(self, platform: str, per_second: Optional[int], code: Optional[int] = None) -> None: ...
    def set_pair_limit(self, platform: str, max: Optional[int], seconds: float) -> None: ...
    def enforce_window(self, platform: str, enforce: bool) -> None: ...
    def open_window(self, platform: str, user: str) -> None: ...
    def advance_clock(self, seconds: float) -> None: ...
    def set_latency(self, platform: str, seconds: Optional[float]) -> None: ...
    def request_count(self, platform: str) -> int: ...
    def set_webhook(self, platform: str, url: str, app_secret: str) -> None: ...
    def send_inbound_text(self, platform: str, sender: str, text: str) -> str: ...
    def webhook_deliveries(self) -> List[Dict[str, Any]]: ...

@final
class WebhookServer:
    """A webhook receiver on 127.0.0.1."""

    def __new__(
        cls,
        platform: str,
        *,
        app_secret: str,
        verify_token: str,
        handler: Callable[[Dict[str, Any]], Any],
        path: str = "/webhook",
        port: int = 0,
    ) -> WebhookServer: ...
    @property
    def url(self) -> str: ...
    def stop(self) -> None: ...
    def __enter__(self) -> WebhookServer: ...
    def __exit__(self, *_args: object) -> bool: ...

def verify_signature(app_secret: str, body: bytes, header: Optional[str]) -> None: ...
def handshake(params: Dict[str, str], verify_token: str) -> str: ...
def parse_webhook(platform: str, body: bytes) -> List[Dict[str, Any]]: ...
