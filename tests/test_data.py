"""nnlab.data: the houses file is verified, split reproducibly, and bad files are refused with path and reason."""
import shutil

import numpy as np
import pytest

from nnlab.data import HOUSES_FILE, DataFileError, data_dir, load_houses, read_table

HOUSES_CSV = data_dir() / HOUSES_FILE


def test_load_houses_shapes_split_and_units():
    h = load_houses()
    assert h.features == ("livingArea", "bedrooms", "bathrooms", "age")
    assert h.x_train.shape == (1382, 4) and h.y_train.shape == (1382,)
    assert h.x_test.shape == (346, 4) and h.y_test.shape == (346,)
    assert h.x_train.dtype == np.float64
    # price in k$: the data set's prices run from about 5,000 to 775,000 USD
    assert 4 < min(h.y_train.min(), h.y_test.min()) and max(h.y_train.max(), h.y_test.max()) < 800


def test_split_is_reproducible_disjoint_and_complete():
    a, b = load_houses(), load_houses()
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    table = read_table()
    assert len(a.y_train) + len(a.y_test) == len(table["price"]) == 1728
    # same houses no matter the global random state
    np.random.seed(123)
    assert np.array_equal(load_houses().y_train, a.y_train)
    assert not np.array_equal(load_houses(seed=1).y_train, a.y_train)


def test_other_features():
    h = load_houses(features=["landValue", "livingArea"])
    assert h.x_train.shape == (1382, 2)


@pytest.mark.parametrize("features", [(), ("price",), ("heating",), ("nope",)])
def test_bad_features_are_refused(features):
    with pytest.raises(ValueError, match="features"):
        load_houses(features=features)


def test_missing_file_names_path(tmp_path):
    path = tmp_path / "saratoga_houses.csv"
    with pytest.raises(DataFileError, match=f"{path}.*not found"):
        load_houses(path=path)


def test_truncated_file_is_refused(tmp_path):
    path = tmp_path / "houses.csv"
    lines = HOUSES_CSV.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:1001]))
    with pytest.raises(DataFileError, match=r"houses.csv: SHA-256 .* 1000 data rows, expected 1728 \(truncated"):
        load_houses(path=path)


def test_altered_file_is_refused(tmp_path):
    path = tmp_path / "houses.csv"
    text = HOUSES_CSV.read_text()
    path.write_text(text.replace("132500", "132501", 1))
    with pytest.raises(DataFileError, match="content was altered"):
        load_houses(path=path)


def test_malformed_file_without_checksum_is_refused_with_line(tmp_path):
    path = tmp_path / "houses.csv"
    lines = HOUSES_CSV.read_text().splitlines(keepends=True)
    lines[5] = "1,2,3\n"
    path.write_text("".join(lines))
    with pytest.raises(DataFileError, match="line 6: 3 fields, expected 16"):
        read_table(path, sha256=None)


def test_non_numeric_value_is_refused(tmp_path):
    path = tmp_path / "houses.csv"
    shutil.copy(HOUSES_CSV, path)
    text = path.read_text().replace("132500", "lots", 1)
    path.write_text(text)
    with pytest.raises(DataFileError, match="column 'price' is not numeric"):
        read_table(path, sha256=None)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "houses.csv"
    path.write_text("")
    with pytest.raises(DataFileError, match="empty"):
        read_table(path)


def test_bad_test_fraction():
    with pytest.raises(ValueError, match="test_fraction"):
        load_houses(test_fraction=1.0)


def test_nnlab_data_points_to_another_copy_of_the_data(tmp_path, monkeypatch):
    shutil.copy(HOUSES_CSV, tmp_path / HOUSES_FILE)
    monkeypatch.setenv("NNLAB_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    assert load_houses().x_train.shape == (1382, 4)


def test_a_missing_data_folder_says_how_to_point_to_it(tmp_path, monkeypatch):
    monkeypatch.setenv("NNLAB_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(DataFileError, match="NNLAB_DATA=.*nowhere.*set NNLAB_DATA to the data/ folder"):
        load_houses()
