"""The audit trail's triggers on a team archive's server (PostgreSQL-only SQL).

One trigger function, ``clippings_audit``, writes ``audit_log`` rows after each row
of ``clippings`` is inserted (imported), updated (trashed or restored; edited, with
the fields changed) or deleted (purged, with its title), after each row of
``clipping_tags`` is inserted or deleted (tagged, untagged, with the tag's name; the
tags a purge removes with its clipping are not listed one by one), and after each of
the user's verdicts on a pair (``pair_verdicts``, schema 15) is given, changed or taken
back (judged, on both clippings: "not same story as 12", "no verdict on 12"; not when
a purge takes it with a clipping).

It is ``SECURITY DEFINER`` (owned by the database's owner, ``search_path`` pinned), so
users need no right on ``audit_log`` beyond reading it, and no one but the owner can
write, change or delete the trail. It records ``session_user``, the login that
connected: inside a SECURITY DEFINER function ``current_user`` names the function's
owner, and ``session_user`` cannot be changed by ``SET ROLE``. The ``WHEN`` clauses
and the column list keep the trigger from running at all for the updates that
change neither (the index queue's revision bumps), so an import pays one function
call a row (and one a tag).

Installed by migration 13 (the verdicts' trigger by migration 15) and again by every
``server upgrade`` (``install`` replaces the function and triggers), so a newer
version's definition takes over.
"""

from __future__ import annotations

from sqlalchemy import Connection

from clippings.storage.audit import AUDITED_FIELDS
from clippings.storage.postgres import execute_verbatim

_FUNCTION = """
CREATE OR REPLACE FUNCTION public.clippings_audit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $clippings$
DECLARE
    who text := session_user;
    stamp timestamp := now() AT TIME ZONE 'UTC';
    changed text;
BEGIN
    IF TG_TABLE_NAME = 'clippings' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO public.audit_log (at, who, action, clipping_id)
            VALUES (stamp, who, 'imported', NEW.id);
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO public.audit_log (at, who, action, clipping_id, detail)
            VALUES (stamp, who, 'purged', OLD.id, OLD.title);
        ELSE
            IF OLD.trashed IS DISTINCT FROM NEW.trashed THEN
                INSERT INTO public.audit_log (at, who, action, clipping_id)
                VALUES (stamp, who, CASE WHEN NEW.trashed THEN 'trashed' ELSE 'restored' END,
                        NEW.id);
            END IF;
            changed := concat_ws(', ', {changed});
            IF changed <> '' THEN
                INSERT INTO public.audit_log (at, who, action, clipping_id, detail)
                VALUES (stamp, who, 'edited', NEW.id, changed);
            END IF;
        END IF;
    ELSIF TG_TABLE_NAME = 'pair_verdicts' THEN
        IF TG_OP = 'DELETE' THEN
            IF (SELECT count(*) FROM public.clippings
                WHERE id IN (OLD.first_id, OLD.second_id)) = 2 THEN
                INSERT INTO public.audit_log (at, who, action, clipping_id, detail)
                VALUES (stamp, who, 'judged', OLD.first_id, 'no verdict on ' || OLD.second_id),
                       (stamp, who, 'judged', OLD.second_id, 'no verdict on ' || OLD.first_id);
            END IF;
        ELSIF TG_OP = 'INSERT' OR OLD.verdict IS DISTINCT FROM NEW.verdict THEN
            INSERT INTO public.audit_log (at, who, action, clipping_id, detail)
            VALUES (stamp, who, 'judged', NEW.first_id, NEW.verdict || ' as ' || NEW.second_id),
                   (stamp, who, 'judged', NEW.second_id, NEW.verdict || ' as ' || NEW.first_id);
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO public.audit_log (at, who, action, clipping_id, detail)
        VALUES (stamp, who, 'tagged', NEW.clipping_id,
                (SELECT name FROM public.tags WHERE id = NEW.tag_id));
    ELSIF EXISTS (SELECT 1 FROM public.clippings WHERE id = OLD.clipping_id) THEN
        INSERT INTO public.audit_log (at, who, action, clipping_id, detail)
        VALUES (stamp, who, 'untagged', OLD.clipping_id,
                (SELECT name FROM public.tags WHERE id = OLD.tag_id));
    END IF;
    RETURN NULL;
END
$clippings$
"""

_TRIGGERS = (
    ("clippings_audit_insert", "AFTER INSERT ON public.clippings", ""),
    ("clippings_audit_update", "AFTER UPDATE OF {columns} ON public.clippings", "{when}"),
    ("clippings_audit_delete", "AFTER DELETE ON public.clippings", ""),
    ("clippings_audit_tags", "AFTER INSERT OR DELETE ON public.clipping_tags", ""),
    (
        "clippings_audit_verdicts",
        "AFTER INSERT OR UPDATE OR DELETE ON public.pair_verdicts",
        "",
    ),
)


def _triggers(conn: Connection) -> list[tuple[str, str, str]]:
    """The triggers whose tables the archive has (``pair_verdicts`` from schema 15: an
    archive upgraded from before 13 runs migration 13's ``install`` without it)."""
    return [
        trigger
        for trigger in _TRIGGERS
        if conn.exec_driver_sql(f"SELECT to_regclass('{trigger[1].rsplit(' ', 1)[1]}')").scalar()
        is not None
    ]


def install(conn: Connection) -> None:
    """Create (or replace) the audit trail's trigger function and triggers."""
    changed = ", ".join(
        f"CASE WHEN OLD.{field} IS DISTINCT FROM NEW.{field} THEN '{field}' END"
        for field in AUDITED_FIELDS
    )
    when = (
        "WHEN ("
        + " OR ".join(
            f"OLD.{field} IS DISTINCT FROM NEW.{field}" for field in ("trashed", *AUDITED_FIELDS)
        )
        + ")"
    )
    # Only an UPDATE that sets one of these columns considers the trigger (the index
    # queue's revision bumps never do), and only a real change of one runs it.
    columns = ", ".join(("trashed", *AUDITED_FIELDS))
    execute_verbatim(conn, _FUNCTION.replace("{changed}", changed))
    execute_verbatim(conn, "REVOKE ALL ON FUNCTION public.clippings_audit() FROM PUBLIC")
    for name, event, condition in _triggers(conn):
        table = event.rsplit(" ", 1)[1]
        execute_verbatim(conn, f"DROP TRIGGER IF EXISTS {name} ON {table}")
        execute_verbatim(
            conn,
            f"CREATE TRIGGER {name} {event.replace('{columns}', columns)} FOR EACH ROW "
            f"{condition.replace('{when}', when)} EXECUTE FUNCTION public.clippings_audit()",
        )
    # The trail is read by everyone, written only by the function above.
    execute_verbatim(conn, "REVOKE ALL ON public.audit_log FROM PUBLIC")


def set_enabled(conn: Connection, enabled: bool) -> None:
    """Switch the audit trail's triggers on or off inside ``conn``'s transaction (a
    rollback undoes it). Needs the tables' owner."""
    switch = "ENABLE" if enabled else "DISABLE"
    for name, event, _ in _triggers(conn):
        table = event.rsplit(" ", 1)[1]
        conn.exec_driver_sql(f"ALTER TABLE {table} {switch} TRIGGER {name}")
