"""ui_cache.shared: computed once per key (arguments named ``_…`` left out), LRU bound, one computation for
concurrent callers, exceptions not remembered."""

from __future__ import annotations

import threading
import time

import pytest

from ui_cache import shared


def test_once_per_key_and_underscore_arguments_are_not_the_key():
    calls = []

    @shared(max_entries=8)
    def value(version: str, anio: int, _loaded: object) -> tuple[str, int, int]:
        calls.append((version, anio))
        return version, anio, len(calls)

    first = value("v1", 2023, object())
    assert value("v1", 2023, object()) is first          # another _loaded: same key, same object
    assert value("v2", 2023, None) == ("v2", 2023, 2)
    assert value("v1", 2024, None) == ("v1", 2024, 3)
    assert calls == [("v1", 2023), ("v2", 2023), ("v1", 2024)]
    value.clear()
    assert value("v1", 2023, None) == ("v1", 2023, 4)


def test_least_recently_used_is_dropped_first():
    calls = []

    @shared(max_entries=2)
    def square(n: int) -> int:
        calls.append(n)
        return n * n

    square(1), square(2), square(1)   # 1 used last
    square(3)                         # drops 2
    square(1), square(3)
    assert calls == [1, 2, 3]
    square(2)
    assert calls == [1, 2, 3, 2]


def test_concurrent_callers_of_one_key_compute_it_once():
    calls = []
    gate = threading.Event()

    @shared(max_entries=4)
    def slow(version: str) -> list[str]:
        calls.append(version)
        gate.wait(5)
        return [version]

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow("v"))) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join(5)
    assert calls == ["v"] and len(results) == 8 and all(r is results[0] for r in results)


def test_an_exception_is_not_remembered():
    attempts = []

    @shared(max_entries=4)
    def flaky(version: str) -> str:
        attempts.append(version)
        if len(attempts) == 1:
            raise OSError("disco ocupado")
        return version

    with pytest.raises(OSError):
        flaky("v")
    assert flaky("v") == "v" and flaky("v") == "v"
    assert attempts == ["v", "v"]


def test_max_entries_must_be_positive():
    with pytest.raises(ValueError):
        shared(max_entries=0)
