"""The coroutine ``send_async`` returns when called outside a running event
loop (as in ``asyncio.run(channel.send_async(message))``)."""

from typing import Any, Awaitable, Callable


async def later(start: Callable[[], Awaitable[Any]]) -> Any:
    """Starts the send once an event loop runs this coroutine."""
    return await start()
