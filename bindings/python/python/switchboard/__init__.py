"""Switchboard: send customer messages over WhatsApp, Facebook Messenger and
Telegram through one channel-neutral API.

Quick start, against the local emulator (no credentials, no network)::

    import switchboard as sb

    with sb.Emulator() as emulator:
        whatsapp = sb.WhatsApp(
            access_token=emulator.access_token,
            phone_number_id="106540352242922",
            base_url=emulator.url("whatsapp"),
        )
        receipt = whatsapp.send(
            sb.Message.text(sb.Recipient.phone_number("+16505551234"), "Your order has shipped")
        )
        print(receipt.message_id)

Every message kind: ``switchboard.content`` (neutral: Text, Media, Location,
Contacts, Reaction, ReplyButtons, ChoiceList, SenderAction),
``switchboard.whatsapp`` (Template, Interactive, Hsm, Options, formatting) and
``switchboard.messenger`` (templates, Images, QuickReply, Options) and
``switchboard.telegram`` (Voice, Animation, ChatAction, Options, escaping), all used as
``Message(to, content, options=[...])``.

Every error is a subclass of :class:`switchboard.Error`.
"""

import atexit

from . import _native, content, messenger, telegram, whatsapp
from ._channels import Messenger, Telegram, WhatsApp
from ._native import (
    Channel,
    Emulator,
    Message,
    Receipt,
    Recipient,
    RoutedReceipt,
    Switchboard,
    Tenants,
    WebhookServer,
    __version__,
    handshake,
    parse_webhook,
    refresh_logging,
    verify_signature,
)
from .content import (
    ChoiceList,
    Contacts,
    Location,
    Media,
    Reaction,
    ReplyButtons,
    SenderAction,
    Text,
)
from .errors import (
    AuthError,
    ConfigError,
    DuplicateError,
    Error,
    InvalidRecipientError,
    NetworkError,
    OutsideWindowError,
    PermissionDeniedError,
    PlatformError,
    PlatformUnavailableError,
    RateLimitedError,
    TimeoutError,
    UnexpectedResponseError,
    UnsupportedError,
    ValidationError,
    WebhookError,
)

__all__ = [
    "content",
    "whatsapp",
    "messenger",
    "telegram",
    "Text",
    "Media",
    "Location",
    "Contacts",
    "Reaction",
    "ReplyButtons",
    "ChoiceList",
    "SenderAction",
    "WebhookServer",
    "verify_signature",
    "handshake",
    "parse_webhook",
    "refresh_logging",
    "WebhookError",
    "Channel",
    "Emulator",
    "Message",
    "Messenger",
    "Telegram",
    "Receipt",
    "Recipient",
    "RoutedReceipt",
    "Tenants",
    "Switchboard",
    "WhatsApp",
    "__version__",
    "AuthError",
    "ConfigError",
    "DuplicateError",
    "Error",
    "InvalidRecipientError",
    "NetworkError",
    "OutsideWindowError",
    "PermissionDeniedError",
    "PlatformError",
    "PlatformUnavailableError",
    "RateLimitedError",
    "TimeoutError",
    "UnexpectedResponseError",
    "UnsupportedError",
    "ValidationError",
]

# Pending webhook handler calls and async sends end quietly at exit.
atexit.register(_native._shutdown)
