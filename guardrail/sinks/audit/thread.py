"""A thread of its own for one blocking connection, awaited from the event loop.

``run_in_executor`` on a one-thread pool wraps every call in two futures and a work item and
hands the result back through the pool's queue and callbacks: about 50 us of CPU per call here,
once per audit commit. This thread takes calls from a queue and settles the caller's future
with one ``call_soon_threadsafe``: about half that. Calls run one at a time, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_Call = tuple[Callable[[], Any], asyncio.AbstractEventLoop, "asyncio.Future[Any]"]


class Worker:
    """One named thread running the calls given to ``call``, in order, until ``stop``."""

    def __init__(self, name: str) -> None:
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        # A daemon: a process that exits without closing the store must not hang on it; what
        # it was writing is then rolled back, as a kill would leave it.
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    async def call(self, fn: Callable[[], T]) -> T:
        """``fn()`` run on the thread; what it returns or raises. A caller that stops waiting
        does not stop the call: it runs all the same, as a commit racing a timeout may."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._calls.put((fn, loop, future))
        return await future

    async def stop(self) -> None:
        """Finish the calls given so far, then end the thread."""
        self._calls.put(None)
        await asyncio.get_running_loop().run_in_executor(None, self._thread.join)

    def _serve(self) -> None:
        while (call := self._calls.get()) is not None:
            fn, loop, future = call
            try:
                result = fn()
            except BaseException as exc:  # the caller's to handle, on its loop
                settle: Callable[[], None] = _failed(future, exc)
            else:
                settle = _succeeded(future, result)
            with contextlib.suppress(RuntimeError):  # the caller's loop is closed: nobody waits
                loop.call_soon_threadsafe(settle)


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
