import os
import pathlib
import shutil

import pytest

import ponder

ROOT = pathlib.Path(__file__).resolve().parents[3]


def cli_binary():
    """The `ponder` binary: $PONDER_BIN, else target/release/ponder, else one on PATH; None if absent."""
    explicit = os.environ.get("PONDER_BIN")
    if explicit:
        return explicit
    for candidate in (ROOT / "target" / "release" / "ponder", shutil.which("ponder")):
        if candidate and pathlib.Path(candidate).is_file():
            return str(candidate)
    return None


@pytest.fixture(scope="session")
def cli():
    binary = cli_binary()
    if binary is None:
        if os.environ.get("PONDER_REQUIRE_CLI"):
            pytest.fail("no ponder binary: build it with cargo build --release -p ponder or set PONDER_BIN")
        pytest.skip("no ponder binary (cargo build --release -p ponder, or set PONDER_BIN)")
    return binary

@pytest.fixture(scope="session")
def leduc():
    return ponder.load_game("leduc_poker")


@pytest.fixture(scope="session")
def kuhn():
    return ponder.load_game("kuhn_poker")
