"""Outlets: one row per publication, the single home of its name (schema 10).

An outlet is found by its *keys*: ``name:<folded name>`` for every name it was
declared under ("The Guardian", "Guardian"), and ``domain:<host>`` for every site it
publishes on ("theguardian.com"). An import resolves the page's declared outlet and
its URL's host to one outlet, in the transaction that stores the clipping:

- the host's outlet if the domain is known, else the outlet of the declared name;
- otherwise a new outlet, named by the page ("page") or, when the page declares no
  usable name, by its domain ("domain": ``afpbb.com``);
- an outlet named only by its domain takes the first real name a page of that domain
  declares (and every clipping of it shows that name); a name the user gave ("user")
  is never replaced.

Each clipping keeps its outlet's id (``clippings.outlet_id``) and a copy of its name in
``clippings.outlet``, which the list sorts on and the search index reads; only this
module writes that copy, so a rename reaches every clipping (and queues them for the
index) in the rename's own transaction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import Connection, delete, func, insert, select, update

from clippings.model import NotFoundError, Outlet
from clippings.storage.queue import queue_changes
from clippings.storage.schema import clippings, outlet_keys, outlets

#: How an outlet got its name: from a page, from its domain, from the user.
NAMED_BY_PAGE = "page"
NAMED_BY_DOMAIN = "domain"
NAMED_BY_USER = "user"


def name_key(name: str) -> str:
    """The key of a declared name: case, accents' forms and spacing folded."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "name:" + " ".join(folded.split())


def domain_of(url: str | None) -> str | None:
    """A URL's host without ``www.`` ("https://www.fr.de/x" -> "fr.de"), or None."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host.removeprefix("www.")


@dataclass(frozen=True)
class Resolved:
    """The outlet a clipping belongs to, and the name it shows."""

    id: int
    name: str


def resolve_outlet(
    conn: Connection, name: str | None, url: str | None, *, by_user: bool = False
) -> Resolved | None:
    """The outlet of a declared ``name`` and a page ``url`` (made if new), inside the
    caller's write transaction; None when there is neither.

    ``by_user``: the user typed ``name`` for a clipping: the outlet of that name, or a
    new one named by the user (the URL's domain is not consulted).
    """
    name = " ".join(name.split()) if name else None
    site = None
    if name and _is_address(name):
        # An address is no name ("https://www.fr.de"): it names its site ("fr.de").
        site = domain_of(name if "://" in name else "http://" + name)
        name = site if by_user else None
    domain = None if by_user else domain_of(url) or site
    if name and domain and name.casefold().removeprefix("www.") == domain:
        name = None  # an importer's stand-in from the address: the domain names it
    if not name and not domain:
        return None
    # Both keys in one statement (domain first: it names the outlet before a name does);
    # a known outlet then costs two statements, not five (a team archive's server is a
    # round trip away).
    keys = [
        k for k in ("domain:" + domain if domain else None, name_key(name) if name else None) if k
    ]
    known = _by_keys(conn, keys)
    found = next((known[k] for k in keys if k in known), None)
    if found is None:
        named_by = NAMED_BY_USER if by_user else NAMED_BY_PAGE if name else NAMED_BY_DOMAIN
        shown = name or domain or ""
        result = conn.execute(insert(outlets).values(name=shown, named_by=named_by))
        key = result.inserted_primary_key
        assert key is not None
        found = int(key[0])
    else:
        row = conn.execute(
            select(outlets.c.name, outlets.c.named_by).where(outlets.c.id == found)
        ).one()
        shown = str(row.name)
        if name and row.named_by == NAMED_BY_DOMAIN:
            # A real name at last for an outlet known only by its domain.
            _rename(conn, found, name, NAMED_BY_USER if by_user else NAMED_BY_PAGE)
            shown = name
            known = _by_keys(conn, keys)  # the rename keyed the name
    for key_text in keys:
        if key_text not in known:
            conn.execute(insert(outlet_keys).values(key=key_text, outlet_id=found))
    return Resolved(found, shown)


def _is_address(name: str) -> bool:
    """Whether a declared outlet is a web address rather than a name."""
    lowered = name.casefold()
    return (
        lowered.startswith(("http://", "https://", "www."))
        and " " not in name
        and domain_of(name if "://" in name else "http://" + name) is not None
    )


def _by_keys(conn: Connection, keys: Sequence[str]) -> dict[str, int]:
    """The outlets of those of ``keys`` that are known."""
    if not keys:
        return {}
    rows = conn.execute(
        select(outlet_keys.c.key, outlet_keys.c.outlet_id).where(outlet_keys.c.key.in_(keys))
    )
    return {str(row.key): int(row.outlet_id) for row in rows}


def _by_key(conn: Connection, key: str) -> int | None:
    found = conn.execute(select(outlet_keys.c.outlet_id).where(outlet_keys.c.key == key)).scalar()
    return int(found) if found is not None else None


def _rename(conn: Connection, outlet_id: int, name: str, named_by: str) -> None:
    """Give an outlet a new name; its clippings show it (and are queued for the index)."""
    conn.execute(
        update(outlets).where(outlets.c.id == outlet_id).values(name=name, named_by=named_by)
    )
    if _by_key(conn, name_key(name)) is None:
        conn.execute(insert(outlet_keys).values(key=name_key(name), outlet_id=outlet_id))
    ids = conn.execute(select(clippings.c.id).where(clippings.c.outlet_id == outlet_id)).scalars()
    changed = [int(i) for i in ids]
    if changed:
        conn.execute(
            update(clippings).where(clippings.c.outlet_id == outlet_id).values(outlet=name)
        )
        queue_changes(conn, changed, analyse=False)


class OutletStore:
    """Outlets (a part of ``ClippingStore``): the list, renames and merges."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...

    def all_outlets(self) -> list[Outlet]:
        """Every outlet with clippings outside the trash, with their number and its keys,
        by name."""
        with self._reading() as conn:
            counts: Mapping[int, int] = {
                int(row.outlet_id): int(row.n)
                for row in conn.execute(
                    select(clippings.c.outlet_id, func.count().label("n"))
                    .where(clippings.c.outlet_id.is_not(None), clippings.c.trashed.is_(False))
                    .group_by(clippings.c.outlet_id)
                )
            }
            keys: dict[int, list[str]] = {}
            for row in conn.execute(select(outlet_keys).order_by(outlet_keys.c.key)):
                keys.setdefault(int(row.outlet_id), []).append(str(row.key))
            rows = conn.execute(select(outlets)).all()
        found = [
            Outlet(
                id=int(row.id),
                name=str(row.name),
                named_by=str(row.named_by),
                count=counts.get(int(row.id), 0),
                domains=tuple(k[7:] for k in keys.get(int(row.id), []) if k.startswith("domain:")),
                names=tuple(k[5:] for k in keys.get(int(row.id), []) if k.startswith("name:")),
            )
            for row in rows
        ]
        # An outlet none of whose clippings is left (all moved, or in the trash) stays
        # for its names and sites, but is not listed.
        found = [o for o in found if o.count]
        return sorted(found, key=lambda o: (o.name.casefold(), o.id))

    def rename_outlet(self, old: str, new: str) -> Outlet:
        """Give the outlet called ``old`` the name ``new`` (the user's, never replaced by
        an import). When another outlet is already called ``new``, the two become one:
        its clippings, names and domains join the other.

        Raises:
            NotFoundError: no outlet is called ``old``.
            ValueError: ``new`` is empty.
        """
        new = " ".join(new.split())
        if not new:
            raise ValueError("an outlet needs a name")
        with self._writing() as conn:
            source = _by_key(conn, name_key(old))
            if source is None:
                source = conn.execute(
                    select(outlets.c.id).where(func.lower(outlets.c.name) == old.strip().lower())
                ).scalar()
            if source is None:
                raise NotFoundError(f"there is no outlet called {old!r}")
            target = _by_key(conn, name_key(new))
            if target is not None and target != source:
                _merge(conn, source, target)
                _rename(conn, target, new, NAMED_BY_USER)
                outlet_id = target
            else:
                _rename(conn, int(source), new, NAMED_BY_USER)
                outlet_id = int(source)
        return next(
            (o for o in self.all_outlets() if o.id == outlet_id),
            Outlet(id=outlet_id, name=new, named_by=NAMED_BY_USER),
        )

    def set_outlet(self, conn: Connection, ids: Iterable[int], name: str | None) -> None:
        """Put clippings under the outlet the user named (None: no outlet), inside the
        caller's write transaction."""
        resolved = resolve_outlet(conn, name, None, by_user=True) if name else None
        conn.execute(
            update(clippings)
            .where(clippings.c.id.in_(list(ids)))
            .values(
                outlet_id=resolved.id if resolved else None,
                outlet=resolved.name if resolved else None,
            )
        )


def _merge(conn: Connection, source: int, target: int) -> None:
    """Move an outlet's clippings and keys to another, and remove it."""
    conn.execute(update(clippings).where(clippings.c.outlet_id == source).values(outlet_id=target))
    conn.execute(
        update(outlet_keys).where(outlet_keys.c.outlet_id == source).values(outlet_id=target)
    )
    conn.execute(delete(outlets).where(outlets.c.id == source))


__all__ = [
    "NAMED_BY_DOMAIN",
    "NAMED_BY_PAGE",
    "NAMED_BY_USER",
    "OutletStore",
    "Resolved",
    "domain_of",
    "name_key",
    "resolve_outlet",
]
