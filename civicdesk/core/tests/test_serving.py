import multiprocessing
import signal
import socket

import pytest

from civicdesk.core.serving import reuse_port_supported, run_workers

pytestmark = pytest.mark.skipif(not reuse_port_supported(), reason="needs SO_REUSEPORT")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def signal_handlers():
    """The supervisor installs its own handlers: give the test runner its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_a_stop_signal_caught_before_the_supervisor_starts_nothing(signal_handlers):
    """`serve --workers N` catches SIGTERM itself until uvicorn's supervisor installs its
    handlers; a signal in that moment must not be lost, leaving N workers serving."""
    port = _free_port()
    asked = []

    def stopping():
        # By the time it is asked, the supervisor's handlers are the ones in place.
        asked.append(signal.getsignal(signal.SIGTERM))
        return True

    run_workers(
        "civicdesk.config.asgi:application",
        host="127.0.0.1",
        port=port,
        workers=2,
        stopping=stopping,
        log_level="warning",
        lifespan="off",
    )

    assert len(asked) == 1 and asked[0] is not signal.SIG_DFL
    assert multiprocessing.active_children() == []
    with socket.socket() as probe:  # nothing listens, and the sockets were closed
        assert probe.connect_ex(("127.0.0.1", port)) != 0
        probe.bind(("127.0.0.1", port))
