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
pytestmark = pytest.mark.integration   # starts JupyterLab: not part of `make test-fast`


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


@pytest.mark.parametrize("token, message", [("", "without a token"), (None, "without a token"),
                                            ("a", "1 characters long; use at least 16"),
                                            ("fifteen-chars-x", "15 characters long; use at least 16")])
def test_short_or_empty_tokens_are_refused(token, message):
    with pytest.raises(ValueError, match=message):
        load_lab_module().lab_environment(token, base={})


def test_make_lab_refuses_a_short_nnlab_token_with_a_message(tmp_path):
    import os
    import subprocess
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "lab.py"), "--no-browser"], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "NNLAB_TOKEN": "a"})
    assert done.returncode == 1
    assert "make lab: NNLAB_TOKEN is 1 characters long; use at least 16" in done.stderr


def command_lines(pids: list[int]) -> list[str]:
    """What `ps` shows every local user: the command lines of these processes."""
    lines = []
    for pid in pids:
        try:
            lines.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return lines


def test_lab_requires_the_token(tmp_path):
    root_dir = tmp_path / "notebooks"
    root_dir.mkdir()
    shutil.copy(ROOT / "data" / "README.md", root_dir / "README.md")  # something to list
    port, token = free_port(), secrets.token_urlsafe(24)
    launcher = load_lab_module()
    cmd = launcher.lab_command(port, root_dir, browser=False)
    assert "--ServerApp.ip=127.0.0.1" in cmd and "--no-browser" in cmd
    assert not any(token in part for part in cmd)
    process = start_lab(cmd, tmp_path, env=launcher.lab_environment(token))
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/api/status", process, tmp_path / "jupyterlab.log")
        lines = command_lines([process.pid, *server._descendants(process.pid)])
        assert lines and not any(token in line for line in lines), "the token shows in the process table"
        assert status(f"{base}/api/contents") == 403
        assert status(f"{base}/api/contents?token=wrong-{token}") == 403
        assert status(f"{base}/api/contents", {"Authorization": "token not-the-token"}) == 403
        assert status(f"{base}/api/contents?token={token}") == 200
        assert status(f"{base}/api/contents", {"Authorization": f"token {token}"}) == 200
    finally:
        stop_process_tree(process)
    assert process.poll() is not None
