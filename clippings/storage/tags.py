"""Tags: the tree of names a user sorts clippings under, and who carries which.

A part of ``ClippingStore``. A tag covers its children (``a`` covers ``a/x``), so
most of what is here works on a tag's subtree. Changing who carries a tag queues the
clippings for the index only: tags are not part of the analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, CursorResult, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from clippings.model import NotFoundError, Tag, TagError, tag_ancestors, tag_name
from clippings.storage.queue import queue_changes
from clippings.storage.schema import clipping_tags, clippings, tags


def tag_filter(name: str) -> Any:
    """The tag and all of its children, by the name as stored (letter case included).

    The children are matched by their first characters rather than by ``LIKE``, whose
    letter case rule differs between SQLite (ASCII letters alike) and PostgreSQL.
    """
    prefix = name + "/"
    return or_(tags.c.name == name, func.substr(tags.c.name, 1, len(prefix)) == prefix)


def stored_tag_name(conn: Connection, name: str) -> str:
    """The tag a reader means by ``name``: itself if a tag (or a tag below it) is stored
    under that name, else the stored tag it names in other letter case ("politics" for
    "Politics"), else ``name`` unchanged. Writes keep the exact name; reading by a tag
    (list, export) forgives the case, as search's ``tag:`` does."""
    if conn.execute(select(tags.c.id).where(tag_filter(name)).limit(1)).first() is not None:
        return name
    folded = name.casefold()
    for stored in sorted(conn.execute(select(tags.c.name)).scalars()):
        parts = str(stored).split("/")
        for depth in range(1, len(parts) + 1):
            candidate = "/".join(parts[:depth])
            if candidate.casefold() == folded:
                return candidate
    return name


def tags_of(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The exact tags of each of these clippings, by name."""
    if not ids:
        return {}
    found: dict[int, list[str]] = {}
    for clipping_id, name in conn.execute(
        select(clipping_tags.c.clipping_id, tags.c.name)
        .join(tags, tags.c.id == clipping_tags.c.tag_id)
        .where(clipping_tags.c.clipping_id.in_(list(ids)))
        .order_by(tags.c.name)
    ):
        found.setdefault(int(clipping_id), []).append(str(name))
    return {k: tuple(v) for k, v in found.items()}


class TagStore:
    """The tags (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...
        def require(self, ids: Iterable[int]) -> list[int]: ...

    def tags(self) -> list[Tag]:
        """Every tag, with implicit parents, and how many live clippings each covers.

        A tag's count includes the clippings of its children.
        """
        with self._reading() as conn:
            stored = {
                str(row.name): row.colour
                for row in conn.execute(select(tags.c.name, tags.c.colour)).all()
            }
            pairs = conn.execute(
                select(tags.c.name, clipping_tags.c.clipping_id)
                .join(clipping_tags, clipping_tags.c.tag_id == tags.c.id)
                .join(clippings, clippings.c.id == clipping_tags.c.clipping_id)
                .where(clippings.c.trashed.is_(False))
            ).all()
        covered: dict[str, set[int]] = {}
        for name in stored:
            for ancestor in tag_ancestors(name):
                covered.setdefault(ancestor, set())
        for name, clipping_id in pairs:
            for ancestor in tag_ancestors(str(name)):
                covered[ancestor].add(int(clipping_id))
        return [
            Tag(name=name, colour=stored.get(name), count=len(ids))
            for name, ids in sorted(covered.items(), key=lambda item: item[0].casefold())
        ]

    def tag_exists(self, name: str) -> bool:
        """Whether a tag (or one below it) is stored under exactly this name."""
        with self._reading() as conn:
            return (
                conn.execute(select(tags.c.id).where(tag_filter(name)).limit(1)).first() is not None
            )

    def tag_called(self, name: str) -> str | None:
        """The stored tag a reader means by ``name``, in any letter case, or None."""
        with self._reading() as conn:
            stored = stored_tag_name(conn, tag_name(name))
            found = conn.execute(select(tags.c.id).where(tag_filter(stored)).limit(1)).first()
            return stored if found is not None else None

    def create_tag(self, name: str) -> None:
        """Make a tag that no clipping carries yet (it shows in the tag tree)."""
        with self._writing() as conn:
            self._tag_id(conn, tag_name(name))

    def add_tag(self, ids: Iterable[int], name: str) -> list[int]:
        """Tag clippings; returns the ids that did not have the tag before."""
        wanted = self.require(ids)
        with self._writing() as conn:
            added = self._attach(conn, wanted, tag_name(name))
            queue_changes(conn, added, analyse=False)
        return added

    def remove_tag(self, ids: Iterable[int], name: str) -> list[int]:
        """Untag clippings (the tag and its children); returns the ids that had it."""
        wanted = self.require(ids)
        name = tag_name(name)
        with self._writing() as conn:
            tag_ids = list(conn.execute(select(tags.c.id).where(tag_filter(name))).scalars())
            had = sorted(
                {
                    int(i)
                    for i in conn.execute(
                        select(clipping_tags.c.clipping_id).where(
                            clipping_tags.c.tag_id.in_(tag_ids),
                            clipping_tags.c.clipping_id.in_(wanted),
                        )
                    ).scalars()
                }
            )
            conn.execute(
                delete(clipping_tags).where(
                    clipping_tags.c.tag_id.in_(tag_ids), clipping_tags.c.clipping_id.in_(wanted)
                )
            )
            queue_changes(conn, had, analyse=False)
        return had

    def tag_members(self, name: str) -> dict[int, list[str]]:
        """Which clippings carry the tag (or a child), and under which exact names."""
        with self._reading() as conn:
            rows = conn.execute(
                select(clipping_tags.c.clipping_id, tags.c.name)
                .join(tags, tags.c.id == clipping_tags.c.tag_id)
                .where(tag_filter(tag_name(name)))
            ).all()
        members: dict[int, list[str]] = {}
        for clipping_id, exact in rows:
            members.setdefault(int(clipping_id), []).append(str(exact))
        return members

    def rename_tag(self, old: str, new: str) -> None:
        """Rename a tag and its children (``a`` -> ``b`` renames ``a/x`` to ``b/x``).

        Raises:
            NotFoundError: no such tag.
            TagError: the new name is taken, or lies inside the old one.
        """
        old, new = tag_name(old), tag_name(new)
        if old == new:
            return
        if new.startswith(old + "/"):
            raise TagError(f"cannot move tag {old!r} inside itself")
        with self._writing() as conn:
            moving = self._subtree(conn, old)
            clash = conn.execute(
                select(tags.c.name).where(tag_filter(new), tags.c.id.notin_(list(moving)))
            ).first()
            if clash is not None:
                raise TagError(f"there is already a tag {new!r}: use merge to put the two together")
            for tag_id, name in moving.items():
                conn.execute(
                    update(tags).where(tags.c.id == tag_id).values(name=new + name[len(old) :])
                )
            queue_changes(conn, self._clippings_of_tags(conn, list(moving)), analyse=False)

    def merge_tag(self, source: str, target: str) -> None:
        """Give ``source``'s clippings ``target`` instead, then drop ``source``.

        Children move along: ``source/x`` becomes ``target/x``.
        """
        source, target = tag_name(source), tag_name(target)
        if source == target:
            return
        if target.startswith(source + "/"):
            raise TagError(f"cannot merge tag {source!r} into its own child {target!r}")
        with self._writing() as conn:
            moving = self._subtree(conn, source)
            affected = self._clippings_of_tags(conn, list(moving))
            for tag_id, name in moving.items():
                destination = target + name[len(source) :]
                members = [
                    int(i)
                    for i in conn.execute(
                        select(clipping_tags.c.clipping_id).where(clipping_tags.c.tag_id == tag_id)
                    ).scalars()
                ]
                self._attach(conn, members, destination)
                conn.execute(delete(clipping_tags).where(clipping_tags.c.tag_id == tag_id))
                conn.execute(delete(tags).where(tags.c.id == tag_id))
            queue_changes(conn, affected, analyse=False)

    def delete_tag(self, name: str) -> list[int]:
        """Delete a tag and its children; the clippings stay. Returns the clippings
        that carried it."""
        name = tag_name(name)
        with self._writing() as conn:
            doomed = self._subtree(conn, name)
            affected = self._clippings_of_tags(conn, list(doomed))
            conn.execute(delete(clipping_tags).where(clipping_tags.c.tag_id.in_(list(doomed))))
            conn.execute(delete(tags).where(tags.c.id.in_(list(doomed))))
            queue_changes(conn, affected, analyse=False)
        return affected

    def set_tag_colour(self, name: str, colour: str | None) -> None:
        name = tag_name(name)
        with self._writing() as conn:
            exact = conn.execute(select(tags.c.id).where(tags.c.name == name)).scalar()
            if exact is None:
                if not self._subtree(conn, name):
                    raise NotFoundError(f"there is no tag {name!r}")
                # An implicit parent gets a row of its own to hold the colour.
                conn.execute(insert(tags).values(name=name, colour=colour))
            else:
                conn.execute(update(tags).where(tags.c.id == exact).values(colour=colour))

    def restore_tags(self, assignments: Mapping[int, Iterable[str]]) -> None:
        """Give clippings these exact tags back (undo of a tag removal)."""
        with self._writing() as conn:
            touched: list[int] = []
            for clipping_id, names in assignments.items():
                for name in names:
                    touched += self._attach(conn, [clipping_id], name)
            queue_changes(conn, sorted(set(touched)), analyse=False)

    # --- Internals --------------------------------------------------------------------

    def _tag_id(self, conn: Connection, name: str) -> int:
        found = conn.execute(select(tags.c.id).where(tags.c.name == name)).scalar()
        if found is not None:
            return int(found)
        try:
            with conn.begin_nested():
                return _new_id(conn.execute(insert(tags).values(name=name)))
        except IntegrityError:  # another writer made it meanwhile
            return int(conn.execute(select(tags.c.id).where(tags.c.name == name)).scalar_one())

    def _attach(self, conn: Connection, ids: Sequence[int], name: str) -> list[int]:
        tag_id = self._tag_id(conn, name)
        present = set(
            conn.execute(
                select(clipping_tags.c.clipping_id).where(
                    clipping_tags.c.tag_id == tag_id, clipping_tags.c.clipping_id.in_(list(ids))
                )
            ).scalars()
        )
        added = [i for i in dict.fromkeys(ids) if i not in present]
        if added:
            conn.execute(
                insert(clipping_tags), [{"clipping_id": i, "tag_id": tag_id} for i in added]
            )
        return added

    def _subtree(self, conn: Connection, name: str) -> dict[int, str]:
        found = {
            int(row.id): str(row.name)
            for row in conn.execute(select(tags.c.id, tags.c.name).where(tag_filter(name)))
        }
        if not found:
            raise NotFoundError(f"there is no tag {name!r}")
        return found

    def _clippings_of_tags(self, conn: Connection, tag_ids: list[int]) -> list[int]:
        return sorted(
            {
                int(i)
                for i in conn.execute(
                    select(clipping_tags.c.clipping_id).where(clipping_tags.c.tag_id.in_(tag_ids))
                ).scalars()
            }
        )


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
