"""Start JupyterLab on the course's notebooks: 127.0.0.1 only, with a random token (`make lab`).

The token reaches JupyterLab through its environment (JUPYTER_TOKEN), never its command line, which every
local user can read (`ps`). NNLAB_TOKEN sets a token of your own: at least 16 characters.
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIN_TOKEN_LENGTH = 16


def check_token(token: str | None) -> str:
    """The token itself if it is long enough not to be guessed; else a ValueError (a TypeError for a non-str)."""
    if token is not None and not isinstance(token, str):
        raise TypeError(f"token must be a str, got {type(token).__name__}")
    if not token:
        raise ValueError("refusing to start JupyterLab without a token")
    if len(token) < MIN_TOKEN_LENGTH:
        raise ValueError(f"NNLAB_TOKEN is {len(token)} characters long; use at least {MIN_TOKEN_LENGTH} "
                         "(or unset it for a fresh random token)")
    return token


def lab_environment(token: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The server's environment: the token in JUPYTER_TOKEN, this environment's python first on the PATH."""
    if base is not None and not isinstance(base, dict):
        raise TypeError(f"base must be a dict of environment variables or None, got {type(base).__name__}")
    env = dict(os.environ if base is None else base)
    env["JUPYTER_TOKEN"] = check_token(token)
    env.pop("NNLAB_TOKEN", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")  # kernels find this python
    return env


def lab_command(port: int, root_dir: Path = ROOT / "notebooks", browser: bool = True) -> list[str]:
    """The JupyterLab command line (no token on it): loopback only, no port hopping."""
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"port must be an integer, got {port!r} ({type(port).__name__})")
    if not 1 <= port <= 65535:
        raise ValueError(f"port must be in [1, 65535], got {port}")
    if not isinstance(browser, bool):
        raise TypeError(f"browser must be True or False, got {browser!r}")
    cmd = [sys.executable, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root_dir}", "--ServerApp.disable_check_xsrf=False"]
    if not browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    given = os.environ.get("NNLAB_TOKEN")
    try:
        env = lab_environment(given or secrets.token_urlsafe(24))  # unset or empty: a fresh random token
    except ValueError as exc:
        sys.exit(f"make lab: {exc}")
    token = env["JUPYTER_TOKEN"]
    print(f"\nThe course: http://127.0.0.1:{args.port}/lab/tree/00_start_here.ipynb?token={token}\n"
          f"(listening on 127.0.0.1 only; requests without the token are refused; Ctrl-C twice stops it)\n",
          flush=True)
    cmd = lab_command(args.port, browser=not args.no_browser)
    os.execve(cmd[0], cmd, env)


if __name__ == "__main__":
    main()
