"""nnlab.experiments.lessons_ffn: notebook 03's experiments are registered with their claims; baselines; recipes."""
import numpy as np
import pytest
import torch

from nnlab.experiments import lessons_ffn as L
from nnlab.experiments import robustness

NAMES = ["03-init", "03-net-vs-linear", "03-one-change", "03-overfitting", "03-small-vs-large", "03-step-size"]


def test_notebook_03_experiments_are_registered():
    experiments = robustness.registry()
    for name in NAMES:
        assert name in experiments and experiments[name].notebook == "03" and experiments[name].claims


def test_baselines_on_the_same_1106_houses():
    d = L.data()
    assert len(d.x_train) == 1106 and len(d.x_test) == 346
    train_rmse, test_rmse, err = L.linear_baseline()
    assert round(test_rmse, 1) == 65.0 and err.shape == (346,)
    np.testing.assert_allclose(np.sqrt(np.mean(err ** 2)), test_rmse)
    const_train, const_test = L.constant_baseline()
    assert const_train == pytest.approx(d.y_std, rel=1e-6)     # standardised targets: the mean is 0, the RMS 1
    assert train_rmse < const_train and test_rmse < const_test


def test_equal_budget_recipes():
    """Every recipe sees EPOCHS x 1,106 samples; the one-change runs differ from the baseline in one setting."""
    base = L.RECIPES["sgd_full"]
    for name in ("sgd_batches", "adam_full", "tanh_sgd"):
        assert sum(a != b for a, b in zip(L.RECIPES[name], base)) == 1


def test_recipe_is_cached_and_refuses_unknown_names():
    with pytest.raises(ValueError, match="name"):
        L.recipe("adam", 0)
    with pytest.raises(ValueError, match="seed"):
        L.recipe("sgd_0.1", -1)
    run = L.recipe("sgd_0.1", 0, (4, 3, 1))
    assert run is L.recipe("sgd_0.1", 0, (4, 3, 1)) and run.test_errors.shape == (346,)


def test_bootstrap_interval_is_ordered_and_seeded():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=50), rng.normal(size=50)
    lo, hi = L._bootstrap(a, b, seed=1)
    assert lo < hi and (lo, hi) == L._bootstrap(a, b, seed=1)
    assert L._bootstrap(a, a, seed=1) == (0.0, 0.0)


def test_notes_recipe_run_is_the_notes_loop_and_leaves_the_initial_weights_alone():
    init, model, losses = L.notes_recipe_run(seed=2, epochs=2)
    assert len(losses) == 2 and losses[1] < losses[0]
    assert not torch.equal(init.fc1.weight, model.fc1.weight)             # trained ...
    _, _, again = L.notes_recipe_run(seed=2, epochs=2)
    assert again == losses                                                 # ... reproducibly per seed
    with pytest.raises(ValueError, match="epochs"):
        L.notes_recipe_run(seed=0, epochs=0)


def test_init_net_redraws_the_weights_of_the_seed_and_refuses_unknown_names():
    default, xavier = L.init_net("default", 3), L.init_net("xavier", 3)
    assert torch.equal(default[0].weight, L.init_net("default", 3)[0].weight)      # reproducible per seed
    assert not torch.equal(default[0].weight, L.init_net("default", 4)[0].weight)
    assert all(float(layer.bias.detach().abs().max()) == 0.0 for layer in xavier[::2])
    bound = 4.0 * np.sqrt(6.0 / (200 + 300))                                        # xavier_uniform_, gain 4
    assert float(xavier[2].weight.detach().abs().max()) <= bound
    with pytest.raises(ValueError, match="name"):
        L.init_net("glorot", 0)
    with pytest.raises(ValueError, match="seed"):
        L.init_net("default", -1)
