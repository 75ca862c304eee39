"""Shortcuts that open the channels this package ships, by name, through
their plugins: ``WhatsApp(...)`` is ``Channel.open("whatsapp", ...)``.

Any other linked channel plugin opens the same way with ``Channel.open``.
"""

from typing import Optional

from ._native import Channel

__all__ = ["Messenger", "Telegram", "WhatsApp"]


def WhatsApp(
    *,
    access_token: str,
    phone_number_id: Optional[str] = None,
    base_url: Optional[str] = None,
    api_version: Optional[str] = None,
    dialect: str = "cloud",
    timeout: Optional[float] = None,
    name: str = "whatsapp",
) -> Channel:
    """A WhatsApp Business channel (Cloud API by default, or On-Premises).

    Args:
        access_token: the token, or "env:VARIABLE" to read it from the environment.
        phone_number_id: the business phone number id (Cloud API).
        base_url: the API host (Graph by default; the emulator's URL in
            development; your WhatsApp client for On-Premises).
        api_version: the Graph API version, e.g. "v26.0".
        dialect: "cloud" (default) or "on_premises".
        timeout: seconds allowed for one request.
        name: the channel's name in receipts and errors.

    Raises ``ConfigError`` (a ``ValueError``) naming a wrong setting.

    Example::

        wa = WhatsApp(access_token="env:WHATSAPP_TOKEN", phone_number_id="106540352242922")
        receipt = wa.send(Message.text(Recipient.phone_number("+16505551234"), "Hi!"))
    """
    return Channel.open(
        "whatsapp",
        name=name,
        access_token=access_token,
        phone_number_id=phone_number_id,
        base_url=base_url,
        api_version=api_version,
        dialect=dialect,
        timeout_secs=timeout,
    )


def Messenger(
    *,
    access_token: str,
    page_id: str,
    base_url: Optional[str] = None,
    api_version: Optional[str] = None,
    timeout: Optional[float] = None,
    name: str = "messenger",
) -> Channel:
    """A Facebook Messenger channel (Send API) for one Page.

    Args:
        access_token: the page token, or "env:VARIABLE".
        page_id: the Facebook Page id.
        base_url: the Graph host (the emulator's URL in development).
        api_version: the Graph API version, e.g. "v26.0".
        timeout: seconds allowed for one request.
        name: the channel's name in receipts and errors.

    Raises ``ConfigError`` (a ``ValueError``) naming a wrong setting.
    """
    return Channel.open(
        "messenger",
        name=name,
        access_token=access_token,
        page_id=page_id,
        base_url=base_url,
        api_version=api_version,
        timeout_secs=timeout,
    )


def Telegram(
    *,
    bot_token: str,
    base_url: Optional[str] = None,
    timeout: Optional[float] = None,
    name: str = "telegram",
) -> Channel:
    """A Telegram bot (Bot API).

    Args:
        bot_token: the token from @BotFather, or "env:VARIABLE".
        base_url: the Bot API host (the emulator's URL in development).
        timeout: seconds allowed for one request.
        name: the channel's name in receipts and errors.

    Recipients are ``Recipient.user_id(chat_id)`` for a private chat and
    ``Recipient.group(chat_id)`` for a group or channel (or "@username").
    Raises ``ConfigError`` (a ``ValueError``) naming a wrong setting.

    Example::

        bot = Telegram(bot_token="env:TELEGRAM_BOT_TOKEN")
        bot.send(Message.text(Recipient.user_id("123456789"), "Your order has shipped"))
    """
    return Channel.open(
        "telegram",
        name=name,
        bot_token=bot_token,
        base_url=base_url,
        timeout_secs=timeout,
    )
