import os
import pathlib

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes minutes (deselect with -m 'not slow')")


def pytest_addoption(parser):
    parser.addoption("--build-dir", default=None,
                     help="meson build directory holding tests/host/dhcp_probe "
                          "(default: $B2C_BUILD_DIR or /work/main/build)")


@pytest.fixture(scope="session")
def build_dir(request):
    path = request.config.getoption("--build-dir") or os.environ.get("B2C_BUILD_DIR", "/work/main/build")
    return pathlib.Path(path)
