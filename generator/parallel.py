"""Work on every core: forked workers that inherit what they need instead of receiving it pickled.

Parsing sources, running the link rules and rendering pages all need a large read-only state (the corpus, the
view models) in every worker. Forking shares it for free; ``fork_map`` hands it to the workers through the one
module global here, for the duration of one call, so no stage keeps such a global of its own."""
from __future__ import annotations

import ctypes
import os
from contextlib import contextmanager
from typing import Any, Callable, Iterable

_PR_SET_PDEATHSIG = 1
_CALL: tuple[Callable, Any] | None = None  # (function, shared state) of the running fork_map
# frozen_heap blocks and fork_map calls open in this process (a fork inherits the count, as it inherits the frozen
# objects): gc.get_freeze_count() would say whether objects are frozen, but it counts them one by one (0.3 s a call
# once an archive's corpus is frozen)
_FROZEN = [0]


def _freeze() -> None:
    import gc

    gc.freeze()
    _FROZEN[0] += 1


def _thaw() -> None:
    """The end of a block begun by ``_freeze``: the outermost hands the objects back to the collector."""
    import gc

    _FROZEN[0] -= 1
    if not _FROZEN[0]:
        gc.unfreeze()


def die_with_parent(parent: int | None = None) -> None:
    """In a forked worker (the initializer of every pool): be killed when the build process dies. A build
    stopped with kill -9 must not leave workers that go on writing into its staging folder (the next build
    deletes it) and hold its lock (inherited through the fork). Linux only; elsewhere nothing is done. Ctrl-C
    is left to the build process, which stops its workers: a worker interrupted on its own would print a
    traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:  # the parent died before the call above
        os._exit(1)


@contextmanager
def _held_ctrl_c():
    """SIGINT held back in this thread inside the block, and delivered at its end: a pool (or a process) whose
    start a Ctrl-C interrupts half-way is never stopped (its handler threads then wait for ever at exit, holding
    the build's lock). The threads started inside keep it held back, so only this one receives it."""
    import signal

    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def can_fork(workers: int | None = None) -> bool:
    """Whether work can go to forked workers here: more than one core (or ``workers``) and a fork."""
    return (workers or os.cpu_count() or 1) > 1 and hasattr(os, "fork")


def _call(item):
    fn, state = _CALL
    return fn(state, item)


def fork_map(fn: Callable[[Any, Any], Any], state: Any, items: Iterable, *, min_items: int = 2,
             workers: int | None = None, chunksize: int = 1,
             while_waiting: Callable[[Any], None] | None = None) -> list:
    """``[fn(state, item) for item in items]``, in order. With at least ``min_items`` items and more than one
    core, on ``workers`` (default: every core) forked workers that inherit ``state``; else in this process.
    ``while_waiting(pending)`` runs in this process while the workers work (``pending`` is the pool's
    AsyncResult: ``ready()``, ``wait(seconds)``); it is not called when the work runs here."""
    global _CALL
    items = list(items)
    workers = min(workers or os.cpu_count() or 1, len(items))
    if len(items) < min_items or not can_fork(workers):
        return [fn(state, item) for item in items]
    import multiprocessing

    _CALL = (fn, state)
    # the state the workers inherit stays shared with this process as far as it can: the collector (which
    # writes into every object it visits) leaves the inherited objects alone in the workers; a caller that froze
    # them already (the build, see frozen_heap) keeps them frozen after the call
    _freeze()
    try:
        with _held_ctrl_c():  # a Ctrl-C while the pool starts is delivered once it has started (below)
            pool = multiprocessing.get_context("fork").Pool(workers, die_with_parent, (os.getpid(),))
        with pool:
            # workers that are done exit at once, not when while_waiting ends: each holds memory of its own
            # (the callback runs once every result is in; a pool stopped by an error never calls it)
            pending = pool.map_async(_call, items, chunksize=chunksize, callback=lambda _: pool.close())
            if while_waiting is not None:
                while_waiting(pending)
            return pending.get()
    finally:
        _thaw()
        _CALL = None


class Forked:
    """``fn()`` running in a forked process from now on, while this one goes on: ``result()`` waits for it and
    returns what it returned, or raises the error it raised; ``stop()`` ends it (a build that fails or is
    stopped must not leave it writing into its staging folder). The process inherits everything, as fork_map's
    workers do, and dies with this one (``die_with_parent``)."""

    def __init__(self, fn: Callable[[], Any]):
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        parent = os.getpid()

        def run():
            die_with_parent(parent)
            try:
                out = (True, fn())
            except BaseException as e:  # raised here, in this process, by the caller of result()
                out = (False, e)
            try:
                send.send(out)
            except Exception as e:  # a value or an error that cannot be pickled
                send.send((False, RuntimeError(f"{type(out[1]).__name__}: {out[1]}: {e}")))

        freeze_more()  # what the process inherits stays shared (the collector does not write into it there)
        self._proc = ctx.Process(target=run, daemon=True)
        with _held_ctrl_c():  # started whole, so that stop() can end it
            self._proc.start()
        send.close()

    def result(self) -> Any:
        try:
            ok, value = self._recv.recv()
        except EOFError:  # it died without a word (killed, out of memory)
            self._proc.join()
            raise RuntimeError(f"a forked process ended without its result (exit code {self._proc.exitcode})")
        self._proc.join()
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()


@contextmanager
def frozen_heap():
    """Leave every object alive now out of the collector's work until the end of the block (``gc.freeze``):
    a large archive's corpus and catalogs are millions of objects that live for the whole build, and each
    full collection visited them all again (seconds each, several in a build), for no garbage. Cycles made
    later are collected as before; the objects are handed back to the collector at the end."""
    _freeze()
    try:
        yield
    finally:
        _thaw()


@contextmanager
def paused_collector(garbage: Callable[[], bool] | None = None):
    """No cyclic collection inside the block, and the collector as it was after it. For loading many objects
    that all stay alive (a corpus's parse-cache entries, the catalogs' entries): each collection the allocations
    set off visits the objects loaded so far, for no garbage. On the full archive, unpickling its 751 parse-cache
    entries took 7.5 CPU-s with the collector running and 2.3 s without; not a rule for every large load: the
    manifest's was slower paused (``bench/README.md``).

    Inside ``frozen_heap`` (a build) what the block made is frozen at its end as well: everything made while the
    collector is paused sits in its youngest generation, so the first collections after the block would visit all
    of it, twice (on the full archive 0.7 s and 1.6 s right after its parse entries were loaded).
    ``garbage()``: whether the block left cyclic garbage, collected before anything is frozen."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was and garbage is not None and garbage():
            gc.collect()
        freeze_more()
        if was:
            gc.enable()


def freeze_more() -> None:
    """Inside ``frozen_heap``: what was made since it began (a loaded corpus, the catalogs) is left out of the
    collector's work too. Elsewhere nothing is done."""
    import gc

    if _FROZEN[0]:
        gc.freeze()
