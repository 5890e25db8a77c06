"""The user's verdicts on pairs of clippings: "same story" or "not same story".

A part of ``ClippingStore``. The program labels pairs from what they share; a person
who reads both knows better, and their verdict outranks the label in the related
lists and the stories (``clippings.services.related``). A pair is stored once, the
smaller id first; a verdict goes with either clipping when it is purged (the trash
keeps it, so a restore brings it back).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, insert, or_, select, update

from clippings.model import VERDICTS, NotFoundError, Verdict
from clippings.storage.queue import chunks
from clippings.storage.schema import clippings, pair_verdicts


def _pair(a: int, b: int) -> tuple[int, int]:
    if a == b:
        raise ValueError("a verdict is on two different clippings")
    return (a, b) if a < b else (b, a)


class VerdictStore:
    """The verdicts on pairs (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...

    def set_verdict(
        self,
        a: int,
        b: int,
        verdict: Verdict | None,
        check: Callable[[Mapping[tuple[int, int], Verdict]], None] | None = None,
    ) -> Verdict | None:
        """Give the pair ``verdict`` (None: take the user's verdict back, so the
        program's label stands); returns the verdict it had before.

        ``check`` is called with every verdict as it would be after this one (smaller
        id first) and may raise to refuse it. It runs inside the write transaction,
        which programs sharing the archive take in turn: a verdict another one gives
        at the same moment is either in what it sees or waits until this one is
        written, so two verdicts that contradict each other cannot both be stored."""
        if verdict is not None and verdict not in VERDICTS:
            raise ValueError(f"{verdict!r} is not a verdict ({', '.join(VERDICTS)})")
        first, second = _pair(a, b)
        where = (pair_verdicts.c.first_id == first, pair_verdicts.c.second_id == second)
        with self._writing() as conn:
            if verdict is not None:
                # Checked again under the write lock: another program may have purged
                # one of the two since the caller looked.
                found = set(
                    conn.execute(select(clippings.c.id).where(clippings.c.id.in_([first, second])))
                    .scalars()
                    .all()
                )
                gone = [i for i in (a, b) if i not in found]
                if gone:
                    raise NotFoundError(f"there is no clipping {gone[0]}")
            before = conn.execute(select(pair_verdicts.c.verdict).where(*where)).scalar()
            if check is not None:
                after = {
                    (int(r.first_id), int(r.second_id)): _verdict(r.verdict)
                    for r in conn.execute(select(pair_verdicts))
                }
                if verdict is None:
                    after.pop((first, second), None)
                else:
                    after[(first, second)] = verdict
                check(after)
            if verdict is None:
                conn.execute(delete(pair_verdicts).where(*where))
            elif before is None:
                conn.execute(
                    insert(pair_verdicts).values(
                        first_id=first,
                        second_id=second,
                        verdict=verdict,
                        judged_at=datetime.now(UTC).replace(tzinfo=None),
                    )
                )
            elif before != verdict:
                conn.execute(
                    update(pair_verdicts)
                    .where(*where)
                    .values(verdict=verdict, judged_at=datetime.now(UTC).replace(tzinfo=None))
                )
        return None if before is None else _verdict(before)

    def verdicts_of(self, clipping_id: int) -> dict[int, Verdict]:
        """The user's verdicts on pairs holding this clipping: other id -> verdict."""
        query = select(pair_verdicts).where(
            or_(pair_verdicts.c.first_id == clipping_id, pair_verdicts.c.second_id == clipping_id)
        )
        with self._reading() as conn:
            rows = conn.execute(query).all()
        return {
            int(r.second_id if r.first_id == clipping_id else r.first_id): _verdict(r.verdict)
            for r in rows
        }

    def verdicts(self, ids: Sequence[int] | None = None) -> dict[tuple[int, int], Verdict]:
        """Every verdict (smaller id first), or those on pairs with one of ``ids``."""
        found: dict[tuple[int, int], Verdict] = {}
        with self._reading() as conn:
            for chunk in [None] if ids is None else chunks(sorted(set(ids))):
                query = select(pair_verdicts)
                if chunk is not None:
                    query = query.where(
                        or_(
                            pair_verdicts.c.first_id.in_(chunk),
                            pair_verdicts.c.second_id.in_(chunk),
                        )
                    )
                for r in conn.execute(query):
                    found[(int(r.first_id), int(r.second_id))] = _verdict(r.verdict)
        return found


def _verdict(value: object) -> Verdict:
    text = str(value)
    for verdict in VERDICTS:
        if text == verdict:
            return verdict
    raise ValueError(f"the archive holds an unknown verdict {text!r}")
