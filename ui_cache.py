"""A process-wide memo for the values every page asks for many times per run (cut-off frames, stamp, views…).

``st.cache_resource`` hashes its arguments on every call (``inspect.signature`` plus its hasher: ~0.25 ms per
call on the 2-core server) and a Resumen run asks for about thirty such values, so at Junta scale — thirty
officials opening the link at once, every run queued on one interpreter — that bookkeeping alone cost each
visit ~7 ms.  These values are keyed by plain strings and numbers (the data version, year, quarter, view), so
a dictionary lookup does (~1 µs).

:func:`shared` keeps ``st.cache_resource``'s rules: arguments whose name starts with ``_`` are not part of the
key (the data version keys the loaded data), the value is shared by every session (callers never mutate it),
at most ``max_entries`` values are kept (least recently used dropped first), the first call of a key computes
it once while concurrent callers of the same key wait for it, and an exception is not remembered.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def shared(max_entries: int) -> Callable[[F], F]:
    """Memoise a function called with positional arguments, keyed by those whose name does not start with
    ``_`` (see the module docstring); the wrapper has ``clear()``."""
    if max_entries < 1:
        raise ValueError("max_entries must be at least 1")

    def decorate(func: F) -> F:
        names = list(inspect.signature(func).parameters)
        keyed = tuple(i for i, name in enumerate(names) if not name.startswith("_"))
        values: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
        pending: dict[tuple[Hashable, ...], threading.Lock] = {}
        lock = threading.Lock()

        @functools.wraps(func)
        def wrapper(*args: Any) -> Any:
            key = tuple(args[i] for i in keyed)
            with lock:
                if key in values:
                    values.move_to_end(key)
                    return values[key]
                computing = pending.setdefault(key, threading.Lock())
            with computing:  # one caller computes, the others of the same key wait and reuse its value
                with lock:
                    if key in values:
                        return values[key]
                try:
                    value = func(*args)
                except BaseException:
                    with lock:
                        pending.pop(key, None)
                    raise
                with lock:
                    values[key] = value
                    while len(values) > max_entries:
                        values.popitem(last=False)
                    pending.pop(key, None)
                return value

        def clear() -> None:
            with lock:
                values.clear()

        wrapper.clear = clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
