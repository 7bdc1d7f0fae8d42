"""nnlab.setup: seeding, determinism, threads, plot style, device; and the environment step of the Makefile."""
import random
import subprocess
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
import torch

import nnlab

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _restore_global_state():
    """setup() changes process-wide state: put back what it changes, so later tests see what they saw before."""
    rng = random.getstate(), np.random.get_state(), torch.get_rng_state()
    mode, style = torch.get_deterministic_debug_mode(), mpl.rcParams.copy()
    yield
    random.setstate(rng[0]), np.random.set_state(rng[1]), torch.set_rng_state(rng[2])
    torch.set_deterministic_debug_mode(mode)
    mpl.rcParams.update(style)


def _train_once() -> tuple[list[float], torch.Tensor]:
    nnlab.setup(seed=0)
    x = torch.randn(256, 4)
    y = torch.randn(256, 1)
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = torch.mean((model(x) - y) ** 2)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    extra = (random.random(), float(np.random.rand()))
    return losses + list(extra), torch.cat([p.detach().flatten() for p in model.parameters()])


def test_two_runs_are_bit_identical():
    losses_a, params_a = _train_once()
    losses_b, params_b = _train_once()
    assert losses_a == losses_b
    assert torch.equal(params_a, params_b)


def test_different_seeds_differ():
    nnlab.setup(seed=0)
    a = torch.randn(3)
    nnlab.setup(seed=1)
    assert not torch.equal(a, torch.randn(3))


def test_setup_sets_threads_determinism_style_and_returns_cpu():
    device = nnlab.setup(seed=0, threads=1)
    assert device == torch.device("cpu")
    assert torch.get_num_threads() == 1
    assert torch.are_deterministic_algorithms_enabled()
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == nnlab.COLORS[0]


@pytest.mark.parametrize("kwargs, error, words", [({"seed": -1}, ValueError, "seed"),
                                                  ({"threads": 0}, ValueError, "threads"),
                                                  ({"seed": 1.5}, TypeError, "seed must be an integer"),
                                                  ({"seed": True}, TypeError, "seed must be an integer")])
def test_setup_rejects_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        nnlab.setup(**kwargs)


def test_environment_step_is_up_to_date_so_make_skips_the_install():
    # `make -q` exits 0 when the target needs no rebuild: a second `make test` installs nothing.
    result = subprocess.run(["make", "-q", ".venv/.installed"], cwd=ROOT, capture_output=True)
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("not running inside the Makefile's .venv")
    assert result.returncode == 0


def test_lab_command_is_loopback_with_a_token():
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    from lab import lab_command, lab_environment

    cmd = lab_command(8888, browser=False)
    assert "--ServerApp.ip=127.0.0.1" in cmd
    assert not any("token" in part.lower() or "0.0.0.0" in part for part in cmd)
    assert lab_environment("a-token-of-24-characters", base={})["JUPYTER_TOKEN"] == "a-token-of-24-characters"
    with pytest.raises(ValueError, match="token"):
        lab_environment("", base={})
