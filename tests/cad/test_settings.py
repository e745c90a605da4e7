"""Settings come from the environment and are read strictly: a typo stops the start-up with the
variable's name, never a silent default (healthchecks does the same)."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from cad.bench import ROOT
from cad.settings import envbool, envcounts, envfloat, envint, envtable


def test_yes_and_no_are_read_in_the_usual_spellings(monkeypatch):
    for raw, value in [("1", True), ("TRUE", True), ("yes", True), ("on", True), ("0", False),
                       ("false", False), ("No", False), ("off", False)]:
        monkeypatch.setenv("CAD_FLAG", raw)
        assert envbool("CAD_FLAG", not value) is value


def test_an_unset_or_empty_variable_takes_the_default(monkeypatch):
    monkeypatch.delenv("CAD_FLAG", raising=False)
    assert envbool("CAD_FLAG", True) is True
    monkeypatch.setenv("CAD_FLAG", " ")
    assert envint("CAD_FLAG", 7) == 7


@pytest.mark.parametrize("call, raw", [
    (lambda: envbool("CAD_FLAG", False), "ture"),
    (lambda: envint("CAD_FLAG", 5), "5s"),
    (lambda: envint("CAD_FLAG", 5, minimum=1), "0"),
    (lambda: envfloat("CAD_FLAG", 1.0), "fast"),
    (lambda: envfloat("CAD_FLAG", 1.0), "-2"),
    (lambda: envfloat("CAD_FLAG", 1.0), "nan"),
    (lambda: envtable("CAD_FLAG", {}), "engine=fast"),
    (lambda: envtable("CAD_FLAG", {}), "engine"),
    (lambda: envcounts("CAD_FLAG", {}), "officer_safety"),
    (lambda: envcounts("CAD_FLAG", {}), "officer_safety=one"),
    (lambda: envcounts("CAD_FLAG", {}), "officer_safety=12"),
])
def test_a_value_that_cannot_be_meant_stops_the_start_up_and_names_the_variable(monkeypatch, call, raw):
    monkeypatch.setenv("CAD_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="CAD_FLAG"):
        call()


def test_a_speed_table_overrides_only_what_it_names(monkeypatch):
    monkeypatch.setenv("CAD_FLAG", "engine=40, medic=50.5")
    assert envtable("CAD_FLAG", {"engine": 50, "ladder": 45}) == {"engine": 40, "ladder": 45, "medic": 50.5}


def manage_check(**env) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def test_the_server_refuses_to_start_on_a_typo_in_a_boolean():
    done = manage_check(DEBUG="ture")
    assert done.returncode != 0
    assert "DEBUG='ture'" in done.stderr


def test_the_server_refuses_to_start_on_a_speed_for_a_unit_type_that_does_not_exist():
    done = manage_check(CAD_UNIT_SPEEDS_KMH="engine=50,firetruck=40")
    assert done.returncode != 0
    assert "firetruck" in done.stderr


def test_cover_counts_replace_the_default(monkeypatch):
    monkeypatch.setenv("CAD_FLAG", "officer_safety=2, medical=0")
    assert envcounts("CAD_FLAG", {"officer_safety": 1}) == {"officer_safety": 2, "medical": 0}
    monkeypatch.setenv("CAD_FLAG", "")
    assert envcounts("CAD_FLAG", {"officer_safety": 1}) == {"officer_safety": 1}


def test_the_server_refuses_to_start_on_cover_for_a_flag_kind_that_does_not_exist():
    done = manage_check(CAD_COVER_FOR_FLAGS="officer_safty=1")
    assert done.returncode != 0
    assert "officer_safty" in done.stderr
