"""Start JupyterLab on the course's notebooks: 127.0.0.1 only, with a random token (`make lab`)."""
from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lab_command(port: int, token: str, root_dir: Path = ROOT / "notebooks", browser: bool = True) -> list[str]:
    """The JupyterLab command line: loopback only, token required, no port hopping."""
    if not token:
        raise ValueError("refusing to start JupyterLab without a token")
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root_dir}", "--ServerApp.disable_check_xsrf=False"]
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
    token = os.environ.get("NNLAB_TOKEN") or secrets.token_urlsafe(24)
    # Kernels started by JupyterLab must find this environment's python first.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    print(f"\nThe course: http://127.0.0.1:{args.port}/lab/tree/00_start_here.ipynb?token={token}\n"
          f"(listening on 127.0.0.1 only; requests without the token are refused; Ctrl-C twice stops it)\n",
          flush=True)
    cmd = lab_command(args.port, token, browser=not args.no_browser)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
