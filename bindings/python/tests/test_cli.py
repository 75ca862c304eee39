"""``pip install`` provides the ``switchboard`` command (console script and
``python -m switchboard``): the same binary's subcommands and exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import switchboard as sb

SCRIPT = Path(sys.executable).parent / "switchboard"


def test_the_console_script_lists_channels() -> None:
    done = subprocess.run([str(SCRIPT), "channels", "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    names = [p["name"] for p in json.loads(done.stdout)]
    assert {"messenger", "telegram", "whatsapp"} <= set(names)


def test_python_dash_m_sends_through_the_emulator_and_validates(tmp_path: Path) -> None:
    with sb.Emulator() as emulator:
        config = tmp_path / "switchboard.toml"
        config.write_text(emulator.config_toml())
        run = lambda *args: subprocess.run(  # noqa: E731
            [sys.executable, "-m", "switchboard", *args], capture_output=True, text=True, timeout=60
        )
        done = run("send", "-c", str(config), "--channel", "telegram", "--to", "123456789", "--text", "hi", "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["channel"] == "telegram"
        message = tmp_path / "bad.json"
        message.write_text(json.dumps({"to": {"kind": "user_id", "id": "abc"}, "content": {"type": "text", "body": ""},
                                       "options": {"notification": "none"}}))
        done = run("validate", "-c", str(config), "--channel", "telegram", str(message))
        assert done.returncode == 1
        assert len(done.stdout.splitlines()) == 3, done.stdout
        assert len(emulator.records()) == 1
    done = subprocess.run([sys.executable, "-m", "switchboard", "send", "--nope"], capture_output=True, text=True,
                          timeout=60, env={**os.environ})
    assert done.returncode == 2
