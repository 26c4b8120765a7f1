"""Run a function in a separate process with an address-space and time limit.

GDAL parses untrusted bytes in C; a crash, a runaway allocation or an
endless loop must cost a child process, not the web worker.
"""
from __future__ import annotations

import importlib
import logging
import multiprocessing
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from geo.errors import GeoInputError, N_

#: Modules the forkserver imports once, so each child starts without import cost.
PRELOAD = ["geo.layers._child"]
#: Each child's time and peak memory at INFO: what an operator sizes the limits by.
log = logging.getLogger(__name__)
_context: multiprocessing.context.BaseContext | None = None


def _get_context() -> multiprocessing.context.BaseContext:
    global _context
    if _context is None:
        if sys.platform.startswith("linux"):
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(PRELOAD)
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def _resolve(target: Callable[..., Any] | str) -> Callable[..., Any]:
    if callable(target):
        return target
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _child(conn: Any, target: Callable[..., Any] | str, args: tuple, kwargs: dict, memory_bytes: int) -> None:
    import resource

    try:
        target = _resolve(target)
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        result = ("ok", target(*args, **kwargs))
    except GeoInputError as exc:
        result = ("refused", (exc.message, exc.params))
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:  # reported to the parent, which turns it into a GeoInputError
        result = ("failed", f"{type(exc).__name__}: {exc}"[:500] + "\n" + traceback.format_exc(limit=-3)[-1500:])
    try:
        conn.send((*result, _peak_mb()))
    except MemoryError:
        conn.send(("memory", None, _peak_mb()))
    finally:
        conn.close()


def _peak_mb() -> float | None:
    """This process's peak resident memory (VmHWM) in MB, where Linux tells it."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return None


def run_limited(target: Callable[..., Any] | str, *args: Any, timeout: float, memory_bytes: int,
                **kwargs: Any) -> Any:
    """Call ``target(*args, **kwargs)`` in a child process and return its result.

    Parameters
    ----------
    target : callable or str
        A module-level function (pickled by reference), or ``"module:function"``
        to import it only in the child.
    *args, **kwargs
        Picklable arguments.
    timeout : float
        Seconds of wall-clock time before the child is killed.
    memory_bytes : int
        RLIMIT_AS for the child.

    Returns
    -------
    object
        Whatever `target` returned (it must be picklable).

    Raises
    ------
    GeoInputError
        The child's own GeoInputError, or one describing a timeout, memory
        exhaustion, a crash, or an unexpected error in the reader.
    """
    if not callable(target) and not (isinstance(target, str) and ":" in target):
        raise TypeError("target must be callable or 'module:function'")
    if not timeout > 0 or not memory_bytes > 0:
        raise ValueError("timeout and memory_bytes must be positive")
    context = _get_context()
    started = time.perf_counter()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, target, args, kwargs, memory_bytes), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise GeoInputError(N_("Reading the file took longer than {seconds} seconds and was stopped; "
                                   "simplify the data or split it into smaller files."), seconds=round(timeout))
        try:
            kind, payload, peak = receiver.recv()
        except (EOFError, OSError):
            process.join(5)
            raise GeoInputError(N_("The reader stopped unexpectedly (exit code {code}); the file is probably "
                                   "damaged or needs more than {megabytes} MB of memory."),
                                code=process.exitcode, megabytes=memory_bytes // 2**20) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    name = target if isinstance(target, str) else getattr(target, "__qualname__", repr(target))
    log.info("Sandboxed %s: %s, %.1f s, peak memory %s MB", name, kind, time.perf_counter() - started,
             "?" if peak is None else f"{peak:.0f}")
    if kind == "ok":
        return payload
    if kind == "refused":
        message, params = payload
        raise GeoInputError(message, **params)
    if kind == "memory":
        raise GeoInputError(N_("Reading the file needed more than {megabytes} MB of memory and was stopped; "
                               "split it into smaller files."), megabytes=memory_bytes // 2**20)
    raise GeoInputError(N_("The file could not be read because of an unexpected error in the reader ({reason})."),
                        reason=payload.splitlines()[0])
