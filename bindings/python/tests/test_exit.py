"""Exiting while webhook handler calls or async sends are still pending:
the interpreter exits normally and quietly (it used to abort with
`PyGILState_Release … finalizing` or print a Rust panic)."""

import subprocess
import sys
import textwrap

PENDING_HANDLERS = textwrap.dedent(
    """
    import switchboard as sb

    emulator = sb.Emulator()
    emulator.start()
    hooks = sb.WebhookServer("whatsapp", app_secret="s3cret", verify_token="v", handler=lambda e: None)
    emulator.set_webhook("whatsapp", hooks.url, "s3cret")
    for i in range(300):
        emulator.send_inbound_text("whatsapp", "16505551234", f"hello {i}")
    print("exiting", flush=True)
    """
)

PENDING_SENDS = textwrap.dedent(
    """
    import asyncio
    import switchboard as sb

    emulator = sb.Emulator()
    emulator.start()
    wa = emulator.channel("whatsapp")
    to = sb.Recipient.phone_number("+16505551234")
    sends = []

    async def main():
        for i in range(50):
            emulator.fail_next("whatsapp", 1, hang=0.001 * i)
            sends.append(asyncio.ensure_future(wa.send_async(sb.Message.text(to, f"n{i}"))))
        await asyncio.sleep(0.01)

    asyncio.run(main())
    print("exiting", flush=True)
    """
)


def exit_cleanly(script: str, runs: int) -> None:
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout == "exiting\n"
        assert "panicked" not in done.stderr and "Fatal" not in done.stderr, done.stderr[-2000:]


def test_exit_with_pending_webhook_handler_calls() -> None:
    exit_cleanly(PENDING_HANDLERS, 20)


def test_exit_with_async_sends_in_flight() -> None:
    exit_cleanly(PENDING_SENDS, 6)
