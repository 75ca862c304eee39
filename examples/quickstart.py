"""The Python twin of the quickstart: start the emulator, send a text through
both channels and print the receipts. Run after `pip install ./bindings/python`:

    python examples/quickstart.py
"""

import switchboard as sb

with sb.Emulator() as emulator:
    board = sb.Switchboard.from_toml(emulator.config_toml())
    for name in board.names():
        to = emulator.sample_recipient(name)
        receipt = board.send(name, sb.Message(to, sb.Text("Hello from Switchboard! Your order #1042 has shipped.")))
        print(f"{name:<10} receipt: {receipt.to_dict()}")
