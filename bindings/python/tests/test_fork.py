"""Forking after `import switchboard` (multiprocessing's fork start method,
gunicorn / uwsgi / celery pre-fork with preload): the child gets a runtime
and connections of its own, and the parent keeps working."""

import asyncio
import multiprocessing
import os
import signal
import time

import switchboard as sb

TO = sb.Recipient.phone_number("+16505551234")
# A child that hangs is killed by this alarm (seconds), so a regression fails
# the test instead of wedging it.
CHILD_DEADLINE = 20


def whatsapp(emulator: sb.Emulator) -> sb.Channel:
    return emulator.channel("whatsapp")


def wait_for(pid: int, deadline: float = CHILD_DEADLINE + 5) -> int:
    """The child's exit status; kills it if it outlives `deadline`."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError("the forked child hung")


def send_async(channel: sb.Channel, text: str) -> None:
    async def go() -> None:
        await channel.send_async(sb.Message.text(TO, text))

    asyncio.run(go())


def child_sends(emulator: sb.Emulator, inherited: sb.Channel) -> int:
    """Runs in the child: blocking and async sends on the inherited channel
    and on a new one. Returns the exit code."""
    signal.alarm(CHILD_DEADLINE)
    try:
        inherited.send(sb.Message.text(TO, "child, inherited channel"))
        whatsapp(emulator).send(sb.Message.text(TO, "child, new channel"))
        send_async(inherited, "child, async")
        return 0
    except BaseException as e:  # noqa: BLE001 - reported through the exit code
        print(f"child failed: {e!r}", flush=True)
        return 1


def test_fork_after_sending_then_both_sides_send() -> None:
    with sb.Emulator() as emulator:
        wa = whatsapp(emulator)
        # The parent's runtime and pooled connection exist before the fork.
        wa.send(sb.Message.text(TO, "parent, before fork"))
        pid = os.fork()
        if pid == 0:
            os._exit(child_sends(emulator, wa))
        for i in range(5):
            wa.send(sb.Message.text(TO, f"parent, while the child runs {i}"))
        assert wait_for(pid) == 0
        wa.send(sb.Message.text(TO, "parent, after the child"))
        send_async(wa, "parent, async after")
        texts = sorted(r["body"]["text"]["body"] for r in emulator.records("whatsapp"))
    assert "child, inherited channel" in texts
    assert "child, new channel" in texts
    assert "child, async" in texts
    assert "parent, after the child" in texts
    assert "parent, async after" in texts
    assert len(texts) == 11


def test_fork_in_a_forked_child() -> None:
    with sb.Emulator() as emulator:
        wa = whatsapp(emulator)
        wa.send(sb.Message.text(TO, "parent"))
        pid = os.fork()
        if pid == 0:
            signal.alarm(CHILD_DEADLINE)
            code = child_sends(emulator, wa)
            grandchild = os.fork()
            if grandchild == 0:
                os._exit(child_sends(emulator, wa))
            os._exit(code or (1 if wait_for(grandchild) else 0))
        assert wait_for(pid, 2 * CHILD_DEADLINE) == 0
        wa.send(sb.Message.text(TO, "parent again"))
        assert len(emulator.records("whatsapp")) == 8


def send_from_pool_worker(args: tuple[str, str, str]) -> str:
    base_url, token, text = args
    wa = sb.WhatsApp(access_token=token, phone_number_id="106540352242922", base_url=base_url)
    return wa.send(sb.Message.text(TO, text)).message_id


def test_multiprocessing_fork_pool() -> None:
    with sb.Emulator() as emulator:
        whatsapp(emulator).send(sb.Message.text(TO, "parent"))
        base = emulator.url("whatsapp")
        jobs = [(base, emulator.access_token, f"worker {i}") for i in range(8)]
        with multiprocessing.get_context("fork").Pool(2) as pool:
            ids = pool.map_async(send_from_pool_worker, jobs).get(timeout=CHILD_DEADLINE)
        assert len(set(ids)) == 8
        whatsapp(emulator).send(sb.Message.text(TO, "parent after the pool"))
        assert len(emulator.records("whatsapp")) == 10
