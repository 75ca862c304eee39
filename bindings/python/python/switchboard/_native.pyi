"""Type stubs of the native module ``switchboard._native``."""

import os
from typing import Any, Awaitable, Dict, List, Optional, Union, final

from typing_extensions import disjoint_base

__all__ = [
    "Channel",
    "Emulator",
    "Message",
    "Messenger",
    "Receipt",
    "Recipient",
    "Switchboard",
    "WhatsApp",
    "__version__",
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
    ) -> None: ...
