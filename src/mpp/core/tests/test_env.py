import pytest

from mpp.core.env import EnvError, env_bool, env_int, env_str


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("false", False), ("", False)])
def test_booleans_are_true_or_false(monkeypatch, raw, expected):
    monkeypatch.setenv("MPP_FLAG", raw)
    assert env_bool("MPP_FLAG", False) is expected


@pytest.mark.parametrize("raw", ["1", "yes", "True", "on", "0"])
def test_anything_else_is_refused_with_the_variable_named(monkeypatch, raw):
    monkeypatch.setenv("MPP_FLAG", raw)
    with pytest.raises(EnvError, match="MPP_FLAG"):
        env_bool("MPP_FLAG", False)


def test_a_secret_is_read_from_its_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("MPP_SECRET_FILE", str(secret))
    assert env_str("MPP_SECRET") == "s3cret"


def test_a_missing_required_value_is_an_error(monkeypatch):
    monkeypatch.delenv("MPP_MISSING", raising=False)
    with pytest.raises(EnvError, match="MPP_MISSING must be set"):
        env_str("MPP_MISSING")


def test_integers_are_checked(monkeypatch):
    monkeypatch.setenv("MPP_N", "twelve")
    with pytest.raises(EnvError):
        env_int("MPP_N", 1)
