import os
import pathlib
import sys
import time

import pytest

from netns import Namespaces
import rgw

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
# An autouse fixture: the secrets every test gives its processes (arguments,
# environment) must not appear in any output it reads back.
import leaks  # noqa: E402

secret_watch = leaks.secret_watch


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes minutes (deselect with -m 'not slow')")


def pytest_addoption(parser):
    parser.addoption("--build-dir", default=None,
                     help="meson build directory holding tests/host/dhcp_probe and sntp_probe "
                          "(default: $B2C_BUILD_DIR or /work/main/build)")


@pytest.fixture(scope="session")
def build_dir(request):
    path = request.config.getoption("--build-dir") or os.environ.get("B2C_BUILD_DIR", "/work/main/build")
    return pathlib.Path(path)


@pytest.fixture
def namespaces():
    """Makes namespaces for one test and deletes them after it, pass or fail."""
    spaces = Namespaces(f"{os.getpid()}-{time.monotonic_ns() % 100000}")
    try:
        yield spaces
    finally:
        spaces.close()


@pytest.fixture(scope="session")
def rgw_cluster(tmp_path_factory):
    """One Ceph cluster (tests/host/rgw.py) for the whole session: it takes
    ~3-5 s to start. Each test takes a user of its own (RGW.add_user), in a
    tenant of its own: bucket names do not collide between tests."""
    with rgw.started(tmp_path_factory.mktemp("rgw")) as cluster:
        print(f"\nRGW cluster: {cluster.describe_start()}")  # with pytest -s
        yield cluster
        print(f"\nRGW cluster: {cluster.rss_kib() // 1024} MiB resident at the end")
