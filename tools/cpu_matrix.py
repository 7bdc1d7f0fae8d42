"""Run the notebook suite (strict nbval) under several CPU code paths: `make cpu-matrix`.

The last bits of floating point differ between CPUs: PyTorch picks its vectorised kernels by the CPU's
instruction set (``ATEN_CPU_CAPABILITY`` forces one), its BLAS (MKL) picks its own code path
(``MKL_ENABLE_INSTRUCTIONS`` caps it) and numpy's OpenBLAS picks a kernel by core type
(``OPENBLAS_CORETYPE``). A notebook whose saved outputs pass under each leg passes on other machines.

    python tools/cpu_matrix.py [--legs native,default,avx2] [--vary-blas] [notebook ...]

A leg that cannot apply on this machine (a CPU without AVX2, a processor that is not x86-64) is reported
and skipped. Where the machine itself sets ``OPENBLAS_CORETYPE`` (some do, because older OpenBLAS builds
misbehave on their processors), numpy's core type is left as the machine set it unless ``--vary-blas``.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# leg -> (ATEN_CPU_CAPABILITY, MKL_ENABLE_INSTRUCTIONS, OPENBLAS_CORETYPE); None leaves the machine's setting
LEGS: dict[str, tuple[str | None, str | None, str | None]] = {
    "native": (None, None, None),
    "default": ("default", "SSE4_2", "Prescott"),
    "avx2": ("avx2", "AVX2", "Haswell"),
    "avx512": ("avx512", "AVX512", "SkylakeX"),
}
PROBE = "import torch; print(torch.backends.cpu.get_cpu_capability())"


def leg_environment(leg: str, vary_blas: bool) -> tuple[dict[str, str], list[str]]:
    """The environment for one leg and the notes to print about what it could not set."""
    aten, mkl, blas = LEGS[leg]
    env, notes = dict(os.environ), []
    env.pop("MPLBACKEND", None)
    if aten is not None:
        env["ATEN_CPU_CAPABILITY"] = aten
        env["MKL_ENABLE_INSTRUCTIONS"] = mkl
    if blas is not None:
        machine = os.environ.get("OPENBLAS_CORETYPE")
        if machine and not vary_blas:
            notes.append(f"numpy's BLAS core type stays as this machine sets it (OPENBLAS_CORETYPE={machine})")
        else:
            env["OPENBLAS_CORETYPE"] = blas
            env.pop("OPENBLAS_L2_SIZE", None)   # goes with the machine's core type; unset both together
    return env, notes


def applies(leg: str, env: dict[str, str]) -> str | None:
    """None when the leg runs as asked on this machine, else the reason it cannot."""
    aten = LEGS[leg][0]
    if aten is None:
        return None
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return f"ATEN_CPU_CAPABILITY={aten} is an x86-64 setting; this processor is {platform.machine()}"
    got = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True).stdout.strip()
    if got.lower() != aten:
        return f"ATEN_CPU_CAPABILITY={aten} cannot apply on this CPU (torch runs {got or 'nothing'})"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", default="native,default,avx2", help="comma-separated, from: " + ", ".join(LEGS))
    parser.add_argument("--vary-blas", action="store_true",
                        help="set numpy's OPENBLAS_CORETYPE per leg even where this machine sets it")
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: all)")
    args = parser.parse_args()
    legs = [leg.strip() for leg in args.legs.split(",") if leg.strip()]
    unknown = [leg for leg in legs if leg not in LEGS]
    if unknown:
        parser.error(f"unknown leg(s) {', '.join(unknown)}; choose from {', '.join(LEGS)}")
    targets = args.notebooks or ["notebooks"]
    results = []
    for leg in legs:
        env, notes = leg_environment(leg, args.vary_blas)
        reason = applies(leg, env)
        settings = " ".join(f"{k}={env[k]}" for k in ("ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS",
                                                      "OPENBLAS_CORETYPE") if k in env) or "as the machine is"
        print(f"\n== CPU leg {leg}: {settings} ==", flush=True)
        for note in notes:
            print(f"   note: {note}", flush=True)
        if reason:
            print(f"   skipped: {reason}", flush=True)
            results.append((leg, "skipped", 0.0))
            continue
        start = time.perf_counter()
        code = subprocess.run([sys.executable, "-m", "pytest", "-q", *targets], cwd=ROOT, env=env).returncode
        results.append((leg, "passed" if code == 0 else f"FAILED (exit {code})", time.perf_counter() - start))
    print("\n== CPU matrix ==")
    for leg, verdict, seconds in results:
        print(f"   {leg:8s} {verdict:18s} {seconds:6.0f} s")
    return 0 if all(v in ("passed", "skipped") for _, v, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
