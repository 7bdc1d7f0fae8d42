"""`make lab`'s launcher (tools/lab.py): loopback only, and every request without the token is refused."""
from __future__ import annotations

import importlib.util
import secrets
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def load_lab_module():
    return load("nnlab_lab_launcher", ROOT / "tools" / "lab.py")


server = load("nnlab_labserver", ROOT / "tests" / "browser" / "labserver.py")
free_port, start_lab, stop_process_tree, wait_for_http = (server.free_port, server.start_lab, server.stop_process_tree,
                                                          server.wait_for_http)


def status(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_lab_command_refuses_an_empty_token():
    with pytest.raises(ValueError, match="token"):
        load_lab_module().lab_command(8888, "", ROOT / "notebooks", browser=False)


def test_lab_requires_the_token(tmp_path):
    root_dir = tmp_path / "notebooks"
    root_dir.mkdir()
    shutil.copy(ROOT / "data" / "README.md", root_dir / "README.md")  # something to list
    port, token = free_port(), secrets.token_urlsafe(24)
    cmd = load_lab_module().lab_command(port, token, root_dir, browser=False)
    assert "--ServerApp.ip=127.0.0.1" in cmd and "--no-browser" in cmd
    process = start_lab(cmd, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/api/status", process, tmp_path / "jupyterlab.log")
        assert status(f"{base}/api/contents") == 403
        assert status(f"{base}/api/contents?token=wrong-{token}") == 403
        assert status(f"{base}/api/contents", {"Authorization": "token not-the-token"}) == 403
        assert status(f"{base}/api/contents?token={token}") == 200
        assert status(f"{base}/api/contents", {"Authorization": f"token {token}"}) == 200
    finally:
        stop_process_tree(process)
    assert process.poll() is not None
