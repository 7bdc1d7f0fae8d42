"""Small simulators of two system-identification benchmarks, plus their input and noise signals.

Equations and fitted parameters as published with the Cascaded Tanks benchmark (Schoukens, Mattsson, Wigren,
Noël, 2016) and the Silverbox benchmark (Wigren, Schoukens, 2013); data/SYSTEMS.md gives the provenance.
Used from 05_narx_models.ipynb on; arrays are float64 numpy, time runs along the last axis.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from ..checks import finite, integer, non_empty, number, real_array


def _check_x0(x0: tuple[float, float] | None, default: tuple[float, float]) -> tuple[float, float]:
    a = real_array("x0", default if x0 is None else x0).astype(np.float64)
    if a.shape != (2,) or not np.isfinite(a).all():
        raise ValueError(f"x0 must be 2 finite numbers (the initial state), got {x0!r}")
    return float(a[0]), float(a[1])


def check_signal(u: np.ndarray, name: str = "u") -> np.ndarray:
    """Return u as a finite, non-empty float64 array of shape (T,), or raise saying what is wrong: TypeError
    for what is not real numbers (None, strings, complex values), ValueError for a wrong shape, no samples, NaN."""
    a = real_array(name, u)
    if a.ndim != 1:
        raise ValueError(f"{name} must be a 1-D signal of shape (T,), got shape {a.shape}")
    return finite(name, non_empty(name, a.astype(np.float64, copy=False)))


def _check_states(states: np.ndarray) -> np.ndarray:
    a = real_array("states", states)
    if a.ndim != 2 or a.shape[1] != 2:
        raise ValueError(f"states must have shape (T, 2), got {a.shape}")
    return finite("states", non_empty("states", a.astype(np.float64, copy=False)))


def _check_parameters(sim: CascadedTanks | Duffing) -> None:
    """Every field of a simulator: finite numbers, ts > 0, integer substeps >= 1 and n_skip >= 0, x0 two numbers."""
    for f in fields(sim):
        value = getattr(sim, f.name)
        if f.name == "substeps":
            integer("substeps", value, 1)
        elif f.name == "n_skip":
            integer("n_skip", value, 0)
        elif f.name == "x0":
            _check_x0(value, value)
        else:
            number(f.name, value, positive=f.name == "ts")


@dataclass(frozen=True)
class CascadedTanks:
    """Two cascaded water tanks, upper one can overflow; pump voltage u (V) -> lower-tank level sensor y (V).

    Per sample (Ts = 4 s, input held), ``substeps`` Euler steps of h = Ts / substeps:
        inflow = k4 max(u - u_off, 0);  q1 = k1 sqrt(x1)
        over   = inflow - q1 if x1 >= x1_max and inflow > q1 else 0       (overflow)
        x1 <- min(x1 + h (inflow - q1 - over), x1_max)
        x2 <- x2 + h (k2 sqrt(x1) - k3 sqrt(x2) + k5 over)                 (both clipped at >= 0)
        y  =  min(x2 + y_off, y_sat)                                       (sensor saturates)
    Defaults: the parameters fitted to the real benchmark rig. States x1, x2 are levels in sensor volts.
    """

    k1: float = 0.0346
    k2: float = 0.0660
    k3: float = 0.0808
    k4: float = 0.0454
    k5: float = 0.99
    x1_max: float = 15.07
    y_sat: float = 9.90
    u_off: float = 0.498
    y_off: float = -0.578
    x0: tuple[float, float] = (8.22, 5.79)
    ts: float = 4.0
    substeps: int = 4
    n_skip: int = 5

    def __post_init__(self) -> None:
        _check_parameters(self)

    def states(self, u: np.ndarray, x0: tuple[float, float] | None = None) -> np.ndarray:
        """States (T, 2) = (x1(k), x2(k)) at each sample, before the input u(k) acts; u is (T,) in volts."""
        u = check_signal(u)
        x1, x2 = _check_x0(x0, self.x0)
        if x1 < 0 or x2 < 0:
            raise ValueError(f"x0 must be two finite levels >= 0, got {x0!r}")
        k1, k2, k3, k4, k5, x1_max = self.k1, self.k2, self.k3, self.k4, self.k5, self.x1_max
        h = self.ts / self.substeps
        out = np.empty((u.size, 2))
        sqrt = math.sqrt
        for k, uk in enumerate(u.tolist()):
            out[k, 0], out[k, 1] = x1, x2
            inflow = k4 * max(uk - self.u_off, 0.0)
            for _ in range(self.substeps):
                s1 = sqrt(x1)
                q1 = k1 * s1
                over = inflow - q1 if (x1 >= x1_max and inflow > q1) else 0.0
                dx1 = inflow - q1 - over
                dx2 = k2 * s1 - k3 * sqrt(x2) + k5 * over
                x1 = min(max(x1 + h * dx1, 0.0), x1_max)
                x2 = max(x2 + h * dx2, 0.0)
        return out

    def output(self, states: np.ndarray) -> np.ndarray:
        """Noise-free sensor reading y (T,) in volts from states (T, 2)."""
        states = _check_states(states)
        return np.minimum(states[:, 1] + self.y_off, self.y_sat)

    def simulate(self, u: np.ndarray, x0: tuple[float, float] | None = None) -> np.ndarray:
        """Noise-free output y (T,) in volts for the pump voltage u (T,) in volts, from state x0 (default: fitted)."""
        return self.output(self.states(u, x0))

    def steady_state(self, u: float) -> tuple[float, float]:
        """Equilibrium (x1, x2) for a constant input u below the overflow level (inflow = outflow in both tanks)."""
        u = number("u", u)
        inflow = self.k4 * max(u - self.u_off, 0.0)
        x1 = (inflow / self.k1) ** 2
        if x1 > self.x1_max:
            u_max = self.u_off + self.k1 * math.sqrt(self.x1_max) / self.k4
            raise ValueError(f"u must stay below the overflow level u = {u_max:.3f} V for a steady state, got {u:g} "
                             "(above it the upper tank overflows)")
        return x1, (self.k2 / self.k3) ** 2 * x1

    def static_output(self, u: np.ndarray) -> np.ndarray:
        """Steady-state sensor reading y_ss (n,) in volts for each constant input in u (n,), overflow included.

        Inflow = outflow in each tank: k4 (u - u_off) = k1 sqrt(x1) and k2 sqrt(x1) = k3 sqrt(x2), so below the
        overflow x2 = (k2 k4 (u - u_off) / (k1 k3))^2, a square law in u. Above it x1 = x1_max, the excess
        inflow k4 (u - u_off) - k1 sqrt(x1_max) falls into the lower tank (times k5), and
        k3 sqrt(x2) = k2 sqrt(x1_max) + k5 (excess). Then y_ss = min(x2 + y_off, y_sat).
        """
        u = check_signal(u)
        inflow = self.k4 * np.maximum(u - self.u_off, 0.0)
        s1_max = math.sqrt(self.x1_max)
        excess = np.maximum(inflow - self.k1 * s1_max, 0.0)
        s1 = np.minimum(inflow / self.k1, s1_max)                          # sqrt(x1)
        x2 = ((self.k2 * s1 + self.k5 * excess) / self.k3) ** 2
        return np.minimum(x2 + self.y_off, self.y_sat)

    def overflow_input(self) -> float:
        """The constant pump voltage (V) above which the upper tank overflows at steady state."""
        return self.u_off + self.k1 * math.sqrt(self.x1_max) / self.k4


@dataclass(frozen=True)
class Duffing:
    """A mass with a hardening spring (the Silverbox circuit): input u (V) -> displacement-like output y (V).

        y'' = -c y' - k1 y - k2 y^2 - k3 y^3 + b (u - u0);   measured output = y + D (u - u0)
    RK4 with ``substeps`` sub-steps per sample (fs = 610.35 Hz), input linearly interpolated between samples.
    Defaults: the parameters fitted to the real Silverbox (68.3 Hz natural frequency, damping ratio 0.049).
    """

    c: float = 41.88
    k1: float = 1.843e5
    k2: float = -6.23e3
    k3: float = 7.316e5
    b: float = 1.942e5
    u0: float = 5.44e-3
    d: float = -0.040
    ts: float = 1.0 / 610.35
    substeps: int = 2
    n_skip: int = 50

    def __post_init__(self) -> None:
        _check_parameters(self)

    def states(self, u: np.ndarray, x0: tuple[float, float] | None = None) -> np.ndarray:
        """States (T, 2) = (y(k), y'(k)) at each sample; u is (T,) in volts; x0 defaults to rest (0, 0)."""
        u = check_signal(u)
        p, v = _check_x0(x0, (0.0, 0.0))
        c, k1, k2, k3, b, u0 = self.c, self.k1, self.k2, self.k3, self.b, self.u0
        h = self.ts / self.substeps

        def acc(p: float, v: float, f: float) -> float:
            return -c * v - k1 * p - k2 * p * p - k3 * p * p * p + b * (f - u0)

        ul = u.tolist()
        ul.append(ul[-1])  # hold the last input
        out = np.empty((u.size, 2))
        n = self.substeps
        for k in range(u.size):
            out[k, 0], out[k, 1] = p, v
            ua, ub = ul[k], ul[k + 1]
            for j in range(n):
                fa = ua + (ub - ua) * j / n
                fm = ua + (ub - ua) * (j + 0.5) / n
                fb = ua + (ub - ua) * (j + 1) / n
                a1 = acc(p, v, fa)
                p2, v2 = p + 0.5 * h * v, v + 0.5 * h * a1
                a2 = acc(p2, v2, fm)
                p3, v3 = p + 0.5 * h * v2, v + 0.5 * h * a2
                a3 = acc(p3, v3, fm)
                p4, v4 = p + h * v3, v + h * a3
                a4 = acc(p4, v4, fb)
                p, v = p + h / 6 * (v + 2 * v2 + 2 * v3 + v4), v + h / 6 * (a1 + 2 * a2 + 2 * a3 + a4)
            if not (math.isfinite(p) and abs(p) < 1e6):
                raise ValueError(f"the oscillator blew up at sample {k} (|y| = {abs(p):.3g}); input too large")
        return out

    def output(self, states: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Measured output y + D (u - u0), shape (T,), from states (T, 2) and input (T,)."""
        states, u = _check_states(states), check_signal(u)
        if u.shape != states.shape[:1]:
            raise ValueError(f"u must have one sample per row of states, shape ({states.shape[0]},), got {u.shape}")
        return states[:, 0] + self.d * (u - self.u0)

    def simulate(self, u: np.ndarray, x0: tuple[float, float] | None = None) -> np.ndarray:
        """Noise-free measured output (T,) in volts for the input u (T,) in volts."""
        return self.output(self.states(u, x0), u)

    def energy(self, states: np.ndarray) -> np.ndarray:
        """Mechanical energy per unit mass (T,): v^2/2 + k1 y^2/2 + k2 y^3/3 + k3 y^4/4 (decays when unforced)."""
        states = _check_states(states)
        p, v = states[:, 0], states[:, 1]
        return 0.5 * v ** 2 + 0.5 * self.k1 * p ** 2 + self.k2 * p ** 3 / 3 + 0.25 * self.k3 * p ** 4


def multisine(n: int, harmonics: np.ndarray | range, std: float, mean: float = 0.0, seed: int = 0,
              periods: int = 1) -> np.ndarray:
    """Random-phase multisine (n * periods,): equal-amplitude cosines at the given harmonics of an n-sample period.

    u(k) = mean + A sum_h cos(2 pi h k / n + phi_h), phi_h ~ U[0, 2 pi) from ``seed``, A set so std(u) = std.
    """
    n, periods = integer("n", n, 2), integer("periods", periods, 1)
    std, mean = number("std", std, positive=True), number("mean", mean)
    seed = integer("seed", seed, 0)
    if isinstance(harmonics, (str, bytes)) or not hasattr(harmonics, "__iter__"):
        raise TypeError(f"harmonics must be a sequence of integers, got {type(harmonics).__name__}")
    h = real_array("harmonics", list(harmonics))
    if h.size == 0:
        raise ValueError("harmonics is empty: a multisine needs at least one harmonic")
    if h.dtype.kind not in "iu":
        raise TypeError(f"harmonics must be integers (harmonic numbers), got dtype {h.dtype}")
    h = h.astype(np.int64)
    if h.ndim != 1 or h.min() < 1 or h.max() >= n / 2:
        raise ValueError(f"harmonics must lie in 1..n/2-1 = 1..{(n - 1) // 2}, got {h.min()}..{h.max()}")
    phases = np.random.default_rng(seed).uniform(0.0, 2 * np.pi, size=h.size)
    spectrum = np.zeros(n // 2 + 1, dtype=np.complex128)
    spectrum[h] = np.exp(1j * phases)
    one = np.fft.irfft(spectrum, n)
    one = one / one.std() * std
    return mean + np.tile(one, periods)


def add_noise(y: np.ndarray, std: float, seed: int) -> np.ndarray:
    """y (T,) plus white Gaussian noise of standard deviation ``std`` drawn from ``seed``."""
    y = check_signal(y, "y")
    std, seed = number("std", std, lo=0.0), integer("seed", seed, 0)
    return y + std * np.random.default_rng(seed).standard_normal(y.size)
