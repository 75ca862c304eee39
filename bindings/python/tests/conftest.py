import pytest

import switchboard as sb


@pytest.fixture
def emulator():
    with sb.Emulator() as emu:
        yield emu
