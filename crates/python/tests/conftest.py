import pytest

import ponder


@pytest.fixture(scope="session")
def leduc():
    return ponder.load_game("leduc_poker")


@pytest.fixture(scope="session")
def kuhn():
    return ponder.load_game("kuhn_poker")
