"""bench/stages.py: its stages still name functions of sitegen, and it times them nested."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def stages() -> types.ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_stages", BENCH / "stages.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def test_every_stage_names_a_function_where_its_caller_looks_it_up(stages) -> None:
    listed = stages.PIPELINE + stages.ANALYSIS + stages.OUTPUT + stages.PREVIEW
    for module_name, owner_name, name, _label in listed:
        module = importlib.import_module(module_name)
        owner = getattr(module, owner_name) if owner_name else module
        found = owner.__dict__.get(name) if owner_name else getattr(owner, name, None)
        assert found is not None, f"{module_name} {owner_name} {name}"


def test_a_stage_inside_another_is_listed_under_it(stages, monkeypatch) -> None:
    fake = types.ModuleType("fake_build")
    clock = iter([0.0, 1.0, 3.0, 10.0])  # outer starts, inner starts, inner ends, outer ends
    monkeypatch.setattr(stages.time, "perf_counter", lambda: next(clock))

    def inner() -> str:
        return "made"

    def outer() -> str:
        return fake.inner()

    fake.inner, fake.outer = inner, outer
    monkeypatch.setitem(sys.modules, "fake_build", fake)
    timer = stages.Stages()
    timer.wrap([("fake_build", "", "outer", "the build"), ("fake_build", "", "inner", "a step")])

    assert fake.outer() == "made"
    run = timer.take()
    assert run == {("the build",): 10.0, ("the build", "a step"): 2.0}
    assert stages.table([run, run]).splitlines()[2:] == [
        "| the build | 10000 | 10000–10000 |",
        "| &nbsp;&nbsp;a step | 2000 | 2000–2000 |",
    ]


def test_a_stage_that_is_gone_stops_the_script_with_its_name(stages, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "fake_build", types.ModuleType("fake_build"))
    with pytest.raises(SystemExit, match=r"no fake_build\.gone in sitegen"):
        stages.Stages().wrap([("fake_build", "", "gone", "a step")])
