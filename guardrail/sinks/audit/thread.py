"""A thread of its own for one blocking connection, awaited from the event loop.

``run_in_executor`` on a one-thread pool wraps every call in two futures and a work item and
hands the result back through the pool's queue and callbacks: about 50 us of CPU per call here,
once per audit commit. This thread takes calls from a queue and settles the caller's future
with one ``call_soon_threadsafe``: about half that. Calls run one at a time, in order.

It also batches (``batched``): items given with one ``Batch`` that queue up while the thread is
busy are run together, in one call of the batch's ``run``, and answered with one hand-off to
the loop. That is group commit with nothing of it on the event loop: no task, no timer, no
future per commit, only each caller's own. The items a loop gives in one of its turns reach the
thread together too, by one ``call_soon`` at the turn's end: one queue put and one wake of the
thread per turn, not per item (each wake is a futex call, and a thread woken while the loop is
busy contends with it for the GIL).

What it has to do when nothing is queued (``idle``) it does then, a piece at a time: the SQLite
writer makes the parts of records it can make before their decisions are final while their
requests are out to the CRM (``record.Ahead``). ``nudge`` wakes it for that.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741 - an item, as R is a result
R = TypeVar("R")

#: A call and the caller's loop and future (both None: posted, nobody waits).
_Call = tuple[Callable[[], Any], asyncio.AbstractEventLoop | None, "asyncio.Future[Any] | None"]
#: The items one loop gave in one turn, in order.
_Items = list["_Item[Any, Any]"]
_NOTHING: Any = object()  # no call taken out of the queue ahead of its turn
_NUDGE: Any = object()  # queued by ``nudge``: nothing to run, only a wake


class Batch(Generic[I, R]):
    """How a Worker runs the items given together: ``run`` on its thread over up to ``most``
    of them at once (their results, in order); ``ran`` on the callers' loop, before they are
    answered, with how many ran, how long that took and what it raised (None: nothing)."""

    def __init__(
        self,
        run: Callable[[list[I]], Sequence[R]],
        ran: Callable[[int, float, BaseException | None], None],
        most: int,
    ) -> None:
        self.run = run
        self.ran = ran
        self.most = most
        self.runs = 0  # how many runs (commits) there were: tests and metrics compare


@dataclass(slots=True)
class _Item(Generic[I, R]):
    batch: Batch[I, R]
    item: I
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[R]

    def take(self) -> I:
        """The item, let go of here: the thread's frames still hold this _Item when its caller
        is answered, and must not keep the decision (and the facts it was judged in) alive."""
        item, self.item = self.item, _NOTHING
        return item


class Worker:
    """One named thread running the calls given to ``call``, in order, until ``stop``; while
    none is queued, ``idle`` (one piece of work each time: whether there was one)."""

    def __init__(self, name: str, idle: Callable[[], bool] | None = None) -> None:
        self._idle = idle
        self._calls: queue.SimpleQueue[_Call | _Items | None] = queue.SimpleQueue()
        # Per loop, the items it gave this turn and has not handed over yet (``batched``).
        self._given: dict[asyncio.AbstractEventLoop, _Items] = {}
        # A daemon: a process that exits without closing the store must not hang on it; what
        # it was writing is then rolled back, as a kill would leave it.
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    async def call(self, fn: Callable[[], T]) -> T:
        """``fn()`` run on the thread; what it returns or raises. A caller that stops waiting
        does not stop the call: it runs all the same, as a commit racing a timeout may."""
        loop = asyncio.get_running_loop()
        self._hand_over(loop)  # the items given before it run before it
        future: asyncio.Future[T] = loop.create_future()
        self._calls.put((fn, loop, future))
        return await future

    def post(self, fn: Callable[[], None]) -> None:
        """``fn()`` run on the thread in its turn, from any thread, nobody waiting: what it
        raises is its own to handle (it is dropped here, and the thread goes on)."""
        self._calls.put((fn, None, None))

    def nudge(self) -> None:
        """Wake the thread for its ``idle`` work (queued calls come first), from the event
        loop: at the end of the loop's turn, with the items given in it (one wake for all)."""
        self._turn(asyncio.get_running_loop())

    def batched(self, batch: Batch[I, R], item: I) -> asyncio.Future[R]:
        """``item``'s result of ``batch.run``, run over it and the items of the same batch
        queued behind it. Handed to the thread at once, so the caller does other work while
        it runs and awaits the future after; a caller that stops waiting does not take its
        item out. The thread gets it at the end of the loop's turn, with the turn's others."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._turn(loop).append(_Item(batch, item, loop, future))
        return future

    def _turn(self, loop: asyncio.AbstractEventLoop) -> _Items:
        """The items ``loop`` gives the thread this turn, handed over at the turn's end."""
        given = self._given.get(loop)
        if given is None:
            given = self._given[loop] = []
            loop.call_soon(self._hand_over, loop)
        return given

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        """The items ``loop`` gave this turn, to the thread in one put (none: a wake alone)."""
        given = self._given.pop(loop, None)
        if given:
            self._calls.put(given)
        elif given is not None:
            self._calls.put(_NUDGE)

    async def stop(self) -> None:
        """Finish the calls given so far, then end the thread."""
        self._hand_over(asyncio.get_running_loop())
        self._calls.put(None)
        await asyncio.get_running_loop().run_in_executor(None, self._thread.join)

    def _serve(self) -> None:
        waiting = _NOTHING
        while True:
            call = self._next() if waiting is _NOTHING else waiting
            if call is None:
                return
            if call is _NUDGE:
                waiting = _NOTHING
                continue
            waiting = self._batch(call) if isinstance(call, list) else _call(call)
            # Nothing a call was given outlives it here (a decision and the facts it was
            # judged in): the next call may be a while coming.
            del call

    def _next(self) -> Any:
        """The next call queued; while there is none, the idle work, a piece at a time."""
        calls = self._calls
        while self._idle is not None:
            if not calls.empty():  # this thread alone takes from the queue: get cannot wait
                return calls.get()
            try:
                if not self._idle():
                    break
            except Exception:  # idle work is only done ahead of time: what failed here is
                break  # done again where it is needed, and fails there for its caller
        return calls.get()

    def _batch(self, items: _Items) -> Any:
        """Run ``items`` with those handed over behind them, each batch's up to its ``most``
        at a time; the call taken out of the queue after them, if any (it runs next)."""
        items = list(items)
        later: Any = _NOTHING
        while len(items) < items[0].batch.most and not self._calls.empty():
            later = self._calls.get()  # there is one, and only this thread takes (``_next``)
            if later is _NUDGE:
                later = _NOTHING
                continue
            if not isinstance(later, list):
                break
            items += later
            later = _NOTHING
        while items:
            batch = items[0].batch
            run = 1
            while run < min(len(items), batch.most) and items[run].batch is batch:
                run += 1
            _run(batch, items[:run])
            del items[:run]
        return later


def _call(call: _Call) -> Any:
    fn, loop, future = call
    if loop is None or future is None:  # posted
        with contextlib.suppress(Exception):
            fn()
        return _NOTHING
    try:
        result = fn()
    except BaseException as exc:  # the caller's to handle, on its loop
        settle: Callable[[], None] = _failed(future, exc)
    else:
        settle = _succeeded(future, result)
    with contextlib.suppress(RuntimeError):  # the caller's loop is closed: nobody waits
        loop.call_soon_threadsafe(settle)
    return _NOTHING


def _run(batch: Batch[I, R], items: list[_Item[I, R]]) -> None:
    batch.runs += 1
    started = time.perf_counter()
    error: BaseException | None = None
    results: Sequence[R] = ()
    values = [i.take() for i in items]
    try:
        results = batch.run(values)
    except BaseException as exc:  # each caller's to handle, on its loop
        error = exc
    del values
    seconds = time.perf_counter() - started
    loops = {i.loop for i in items}  # one, unless several loops share the store (tests)
    for n, loop in enumerate(loops):
        mine = [(k, i) for k, i in enumerate(items) if i.loop is loop]

        def answer(mine: list[tuple[int, _Item[I, R]]] = mine, first: bool = n == 0) -> None:
            if first:
                batch.ran(len(items), seconds, error)
            for k, item in mine:
                if item.future.done():
                    continue
                if error is not None:
                    item.future.set_exception(error)
                else:
                    item.future.set_result(results[k])

        try:  # noqa: SIM105 - contextlib.suppress is a context manager made in Python
            loop.call_soon_threadsafe(answer)
        except RuntimeError:  # the caller's loop is closed: nobody waits
            pass


def _succeeded(future: asyncio.Future[Any], result: Any) -> Callable[[], None]:
    def settle() -> None:
        if not future.done():
            future.set_result(result)

    return settle


def _failed(future: asyncio.Future[Any], exc: BaseException) -> Callable[[], None]:
    def settle() -> None:
        if not future.done():
            future.set_exception(exc)

    return settle
