"""The `clippings` command line: every command, its JSON and its exit status."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clippings.cli import main
from tests.conftest import syndicated_copy


class Cli:
    """Runs `clippings --archive DIR …` in-process and keeps what it printed."""

    def __init__(self, archive, capsys):
        self.archive = archive
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main(["--archive", str(self.archive), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str):
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(tmp_path, capsys, archive_kind, request):
    """The command line on an archive folder, or on a team archive (``archive_kind``)."""
    if archive_kind == "team":
        return Cli(request.getfixturevalue("team_url"), capsys)
    return Cli(tmp_path / "archive", capsys)


@pytest.fixture
def seeded(cli, seed, corpus):
    """An archive with the seed and two ecbplus reports of another event (Ellen
    DeGeneres to host the Oscars: hollywoodreporter.com and edition.cnn.com, a same-story
    pair even when one of them is undated)."""
    folder = corpus / "ecbplus" / "text" / "2"
    paths = [str(seed), str(folder / "2_2ecbplus.txt"), str(folder / "2_4ecbplus.txt")]
    result = cli.json("import", *paths)
    assert [r["path"] for r in result["imported"]] == paths
    return cli, {r["path"]: r["id"] for r in result["imported"]}


def test_import_json_shape_and_paths_as_given(cli, seed, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(seed, folder / "sub" / "seed.txt")
    (folder / "animation.gif").write_bytes(b"GIF89a" + bytes(range(256)) * 4)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    code, out, _err = cli("import", str(folder) + "/", "--json")
    assert code == 1  # one file failed; the others are in
    result = json.loads(out)
    assert set(result) == {"imported", "duplicates", "skipped", "failed"}
    assert result["imported"][0]["path"] == str(folder) + "/" + "sub/seed.txt"
    assert set(result["imported"][0]) >= {"path", "id", "title"}
    assert [s["path"] for s in result["skipped"]] == [str(folder) + "/animation.gif"]
    assert result["skipped"][0]["reason"]
    assert [f["path"] for f in result["failed"]] == [str(folder) + "/broken.pdf"]
    assert "damaged" in result["failed"][0]["error"] or "PDF" in result["failed"][0]["error"]


def test_import_exit_status_is_1_when_a_file_failed_but_the_rest_imports(cli, seed, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    code, out, err = cli("import", str(broken), str(seed), "--json")
    assert code == 1
    result = json.loads(out)
    assert len(result["imported"]) == 1 and len(result["failed"]) == 1
    code, out, err = cli("import", str(tmp_path / "nope.txt"))
    assert code == 1
    assert "no such file" in err


def test_duplicates_are_reported_with_the_existing_id(seeded, seed, tmp_path):
    cli, ids = seeded
    again = cli.json("import", str(seed))
    assert again["duplicates"] == [
        {
            "path": str(seed),
            "id": ids[str(seed)],
            "reason": "the same file is already in the archive",
            "kept_as_copy": False,
        }
    ]
    # The same article with other spacing, case and punctuation is a duplicate too.
    text = seed.read_text(encoding="utf-8")
    variant = tmp_path / "copy.txt"
    variant.write_text(
        text.replace("    ", "  ").replace('"', "“").replace("Antonov", "ANTONOV"),
        encoding="utf-8",
    )
    again = cli.json("import", str(variant))
    [duplicate] = again["duplicates"]
    assert (duplicate["path"], duplicate["id"]) == (str(variant), ids[str(seed)])
    # Its bytes are kept with the clipping, as another original of it.
    assert duplicate["kept_as_copy"]
    assert [c["original_name"] for c in cli.json("show", str(ids[str(seed)]))["copies"]] == [
        "copy.txt"
    ]
    assert len(cli.json("list")) == 3


def test_show_json_has_every_field(seeded, seed):
    cli, ids = seeded
    shown = cli.json("show", str(ids[str(seed)]))
    assert set(shown) >= {
        "id",
        "title",
        "outlet",
        "author",
        "published",
        "language",
        "url",
        "text",
        "tags",
        "word_count",
        "page",
        "section",
        "edition",
        "notes",
        "original_name",
        "sha256",
        "imported_at",
        "provenance",
    }
    assert shown["published"] == "2021-07-25T05:05:00+00:00"
    assert shown["provenance"]["title"] == "derived"
    assert shown["original_name"] == seed.name
    assert "Listen Live" not in shown["text"]
    assert shown["language"] == "en"


def test_show_plain_and_unknown_ids(seeded):
    cli, ids = seeded
    code, out, err = cli("show", str(min(ids.values())))
    assert code == 0 and "Published:" in out
    code, out, err = cli("show", "999")
    assert code == 1 and "no clipping 999" in err
    code, out, err = cli("show", "abc")
    assert code == 2 and "not a clipping id" in err


def test_search_json_and_errors(seeded, seed):
    cli, ids = seeded
    hits = cli.json("search", "Antonov")
    assert [h["id"] for h in hits] == [ids[str(seed)]]
    assert set(hits[0]) == {"id", "title", "outlet", "published", "score", "snippet"}
    assert "<mark>Antonov</mark>" in hits[0]["snippet"]
    assert (
        cli.json("search", "DeGeneres", "--sort", "date", "--limit", "1")[0]["id"] in ids.values()
    )
    code, out, err = cli("search", "colour:red")
    assert code == 2 and "unknown field" in err and out == ""
    code, out, err = cli("search", "published:[2021-13-01 to 2021-14-01]", "--json")
    assert code == 2 and out == ""


def test_list_tag_and_tags_commands(seeded, seed):
    cli, ids = seeded
    seed_id = ids[str(seed)]
    others = [i for i in ids.values() if i != seed_id]
    assert cli("tag", str(seed_id), "--add", "Russia/US relations")[0] == 0
    assert cli("tag", *map(str, others), "--add", "Oscars")[0] == 0
    listed = cli.json("list", "--tag", "Russia")
    assert [row["id"] for row in listed] == [seed_id]
    assert set(listed[0]) == {"id", "title", "outlet", "published", "tags"}
    assert listed[0]["tags"] == ["Russia/US relations"]
    # A tag is read in any letter case, as search's tag: reads it; one nobody made is named.
    assert [row["id"] for row in cli.json("list", "--tag", "russia/us RELATIONS")] == [seed_id]
    code, _out, err = cli("list", "--tag", "Nothing here")
    assert code == 1 and "there is no tag 'Nothing here'" in err
    tags = {t["name"]: t for t in cli.json("tags")}
    assert tags["Russia"]["count"] == 1 and tags["Oscars"]["count"] == 2
    assert set(tags["Oscars"]) == {"name", "colour", "count"}

    assert cli("tags", "colour", "Oscars", "#aa3300")[0] == 0
    assert {t["name"]: t["colour"] for t in cli.json("tags")}["Oscars"] == "#aa3300"
    assert cli("tags", "colour", "Oscars", "orange")[0] == 2
    assert cli("tags", "rename", "Oscars", "Awards/Oscars")[0] == 0
    assert len(cli.json("list", "--tag", "Awards")) == 2
    assert cli("tags", "merge", "Awards", "Russia")[0] == 0
    assert len(cli.json("list", "--tag", "Russia")) == 3
    assert cli.json("search", "tag:russia/oscars")
    assert cli("tags", "delete", "Russia")[0] == 0
    assert cli.json("tags") == []
    assert len(cli.json("list")) == 3
    assert cli("tag", str(seed_id), "--remove", "Nothing")[0] == 1
    assert cli("tag", "12345", "--add", "X")[0] == 1
    assert cli("tag", str(seed_id))[0] == 2  # neither --add nor --remove


def test_edit(seeded, seed):
    cli, ids = seeded
    seed_id = str(ids[str(seed)])
    code, _out, err = cli(
        "edit",
        seed_id,
        "--title",
        "Antonov on relations",
        "--outlet",
        "RIA",
        "--published",
        "2021-07-25T08:05+03:00",
        "--notes",
        "weekly",
    )
    assert code == 0, err
    shown = cli.json("show", seed_id)
    assert shown["title"] == "Antonov on relations"
    assert shown["published"] == "2021-07-25T08:05:00+03:00"
    assert shown["provenance"]["title"] == "user" and shown["provenance"]["outlet"] == "user"
    assert shown["notes"] == "weekly"
    assert cli.json("search", "outlet:ria title:relations")[0]["id"] == int(seed_id)
    assert cli("edit", seed_id, "--published", "next week")[0] == 2
    assert cli("edit", seed_id)[0] == 2
    # --author takes the list of names, "; " between them; "Doe, Jane" is one person.
    assert cli("edit", seed_id, "--author", "Doe, Jane;  Associated Press ")[0] == 0
    shown = cli.json("show", seed_id)
    assert shown["author"] == "Doe, Jane; Associated Press"
    assert shown["authors"] == [{"family": "Doe", "given": "Jane"}, {"literal": "Associated Press"}]
    # A URL is a web address on one line, never a script for the exports to link.
    for bad in ("javascript:alert(1)", "https://example.org/a\n[x](javascript:alert(1))"):
        code, _out, err = cli("edit", seed_id, "--url", bad)
        assert code == 2 and "not a web address" in err
    assert cli("edit", seed_id, "--author", "")[0] == 0
    assert cli.json("show", seed_id)["author"] is None


def test_delete_restore_trash_purge(seeded, seed):
    cli, ids = seeded
    seed_id = ids[str(seed)]
    code, _out, err = cli("delete", str(seed_id))
    assert code == 0 and f"(restore with: clippings restore {seed_id})" in err
    code, _out, err = cli("delete", str(seed_id))  # again: where it is already
    assert "1 already in the trash" in err and f"clippings restore {seed_id})" in err
    assert seed_id not in [r["id"] for r in cli.json("list")]
    assert cli.json("search", "Antonov") == []
    assert [r["id"] for r in cli.json("trash")] == [seed_id]
    assert cli("restore", str(seed_id))[0] == 0
    assert cli.json("trash") == []
    assert cli.json("search", "Antonov")[0]["id"] == seed_id
    other = next(i for i in ids.values() if i != seed_id)
    cli("delete", str(seed_id), str(other))
    code, _out, _err = cli("purge", str(seed_id))
    assert code == 0
    assert [r["id"] for r in cli.json("trash")] == [other]
    assert cli("purge")[0] == 0
    assert cli.json("trash") == []
    assert cli("show", str(seed_id))[0] == 1
    assert cli("purge", str(next(iter(set(ids.values()) - {seed_id, other}))))[0] == 2


@pytest.mark.folder_only
def test_reindex_and_check(seeded, seed):
    cli, _ids = seeded
    code, out, err = cli("check")
    assert code == 0 and "ok" in out
    shutil.rmtree(cli.archive / "index")
    original = next((cli.archive / "originals").glob("*/*"))
    original.chmod(0o644)
    original.write_bytes(b"changed")
    code, out, err = cli("check")  # opening rebuilds the index; the original stays wrong
    assert code == 1 and "altered" in err
    assert cli("reindex")[0] == 0
    assert cli.json("search", "Antonov")


def test_an_existing_folder_of_other_files_is_refused(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    code = main(["--archive", str(tmp_path), "list"])
    assert code == 2
    assert "holds other files" in capsys.readouterr().err


def test_archive_from_the_environment(tmp_path, capsys, monkeypatch, seed):
    monkeypatch.setenv("CLIPPINGS_ARCHIVE", str(tmp_path / "env-archive"))
    assert main(["import", str(seed)]) == 0
    assert (tmp_path / "env-archive" / "clippings.sqlite3").is_file()


def test_the_console_script_and_python_m(tmp_path, seed):
    env = {**os.environ, "CLIPPINGS_ARCHIVE": str(tmp_path / "a")}
    done = subprocess.run(
        [sys.executable, "-m", "clippings", "import", str(seed), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["imported"][0]["path"] == str(seed)
    script = shutil.which("clippings", path=os.path.dirname(sys.executable))
    assert script, "the clippings console script is installed beside python"
    done = subprocess.run(
        [script, "list", "--json"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 1
    done = subprocess.run(
        [script, "frobnicate"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 2


def test_export_command(seeded, tmp_path):
    cli, ids = seeded
    assert cli("tag", *map(str, ids.values()), "--add", "Week")[0] == 0
    target = tmp_path / "week.csv"
    code, out, err = cli("export", "--tag", "week", "--format", "csv", "--output", str(target))
    assert code == 0, err
    assert "exported 3 clippings" in err and out == ""
    assert target.read_text(encoding="utf-8").count("\n") >= 4
    code, out, err = cli("export", "--tag", "Week", "--format", "csv", "--output", str(target))
    assert code == 1 and "--force" in err
    assert (
        cli("export", "--tag", "Week", "--format", "csv", "--output", str(target), "--force")[0]
        == 0
    )
    code, out, err = cli(
        "export", "--query", "Antonov", "--format", "json", "--output", str(tmp_path / "a.json")
    )
    assert code == 0 and len(json.loads((tmp_path / "a.json").read_text())["clippings"]) == 1
    assert (
        cli("export", "--ids", "1", "2", "--format", "ris", "--output", str(tmp_path / "a.ris"))[0]
        == 0
    )
    code, out, err = cli(
        "export",
        "--query",
        "nothing-like-this",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "n.csv"),
    )
    assert code == 1 and "nothing to export" in err
    assert (
        cli("export", "--ids", "999", "--format", "csv", "--output", str(tmp_path / "x.csv"))[0]
        == 1
    )
    assert cli("export", "--tag", "Week", "--format", "docx", "--output", "x")[0] == 2
    assert cli("export", "--format", "csv", "--output", "x")[0] == 2


def test_quotes_compare_related_and_stories_json(seeded, seed, tmp_path):
    cli, ids = seeded
    seed_id = ids[str(seed)]
    quotes = cli.json("quotes", str(seed_id))
    assert quotes and set(quotes[0]) == {"speaker", "text"}
    assert any(q["speaker"] and "Antonov" in q["speaker"] for q in quotes)
    assert cli.json("search", "speaker:antonov")[0]["id"] == seed_id

    oscar_a, oscar_b = (i for i in ids.values() if i != seed_id)
    compared = cli.json("compare", str(oscar_a), str(oscar_b))
    assert set(compared) == {"a", "b", "similarity", "a_in_b", "b_in_a", "pairs", "quotes"}
    assert 0 <= compared["a_in_b"] <= 1 and 0 <= compared["b_in_a"] <= 1
    assert compared["a"] == oscar_a and compared["b"] == oscar_b
    assert 0 <= compared["similarity"] <= 1
    kinds = {pair["kind"] for pair in compared["pairs"]}
    assert kinds <= {"same", "changed", "moved", "similar", "only_a", "only_b"}
    # Two outlets' reports of Ellen DeGeneres hosting the Oscars: passages in other words
    # pair as similar, with the names and numbers both carry.
    similar = [p for p in compared["pairs"] if p["kind"] == "similar"]
    assert similar
    assert all(set(p) == {"kind", "a", "b", "shared"} for p in similar)
    assert any("DeGeneres" in p["shared"] or "Ellen" in p["shared"] for p in similar)
    assert all(p["a"] and p["b"] for p in similar)
    assert all(set(p) == {"kind", "a", "b"} for p in compared["pairs"] if p not in similar)
    code, out, _ = cli("compare", str(oscar_a), str(oscar_b))
    assert code == 0 and "≈ A: " in out and "shared: " in out
    assert set(compared["quotes"]) == {"both", "only_a", "only_b"}
    assert cli("compare", str(oscar_a), str(oscar_a))[0] == 2
    assert cli("compare", str(oscar_a), "999")[0] == 1

    related = cli.json("related", str(oscar_a), "--limit", "5")
    assert related and related[0]["id"] == oscar_b
    assert set(related[0]) == {"id", "title", "outlet", "published", "relation", "score", "verdict"}
    assert related[0]["relation"] in {"duplicate", "same story", "related"}
    # The seed (Russia and the US) has nothing of its subject here: nothing is listed,
    # and the command says why, as the window's Related panel does.
    assert cli.json("related", str(seed_id)) == []
    code, out, err = cli("related", str(seed_id), "--json")
    assert code == 0 and "(nothing related found)" in err and "(nothing" not in out
    code, out, _ = cli("related", str(seed_id))
    assert code == 0 and "(nothing related found)" in out and "alike enough" in out
    stories = cli.json("stories")
    assert all(
        set(s) == {"id", "title", "clippings", "outlets", "first", "copies", "copy_of", "verdicts"}
        and s["verdicts"] == []
        for s in stories
    )
    oscars = next(s for s in stories if oscar_a in s["clippings"])
    assert oscar_b in oscars["clippings"] and seed_id not in oscars["clippings"]
    assert oscars["first"] in oscars["clippings"]
    code, out, _ = cli("stories")
    header = next(line for line in out.splitlines() if line.startswith(f"Story {oscars['id']}:"))
    if oscars["first"] != oscars["id"]:  # the title is another clipping's: it says whose
        assert header.endswith(f"the title is clipping {oscars['first']}'s)")
    assert any(line.endswith("  first") for line in out.splitlines())
    # Without dates no report is marked first: which came first is not known.
    for clipping_id in oscars["clippings"]:
        assert cli("edit", str(clipping_id), "--published", "")[0] == 0
    code, out, _ = cli("stories")
    assert code == 0 and not any(line.endswith("  first") for line in out.splitlines())
    undated = next(s for s in cli.json("stories") if oscar_a in s["clippings"])
    assert undated["first"] is None


def test_a_related_list_cut_by_the_limit_says_so(cli, corpus):
    texts = sorted((corpus / "ecbplus" / "text" / "1").glob("1_*ecbplus.txt"))[:5]
    [first, *_] = [r["id"] for r in cli.json("import", *map(str, texts))["imported"]]
    assert len(cli.json("related", str(first))) > 1
    code, out, err = cli("related", str(first), "--limit", "1")
    assert code == 0 and len(out.splitlines()) == 1
    total = len(cli.json("related", str(first), "--limit", "30"))
    assert f"(the 1 closest of {total} shown; all with --limit {total})" in err


def test_the_stories_help_gives_the_default_threshold(cli):
    from clippings.analysis.related_evidence import STORY_THRESHOLD

    code, out, _ = cli("stories", "--help")
    assert code == 0 and f"default {STORY_THRESHOLD}:" in " ".join(out.split())


def test_the_compare_help_explains_the_marks_and_every_json_field(cli):
    """What ``compare`` prints is read from its help: each passage kind's mark and
    every field of --json (the kinds are the model's, all of them)."""
    from typing import get_args

    from clippings.model import PairKind

    code, out, _ = cli("compare", "--help")
    text = " ".join(out.split())
    assert code == 0
    for mark in ("= the same", "~ changed", "↕ moved", "≈ similar", "A only in A", "B only in B"):
        assert mark in text, mark
    kinds = get_args(PairKind)
    assert "similar" in kinds
    for field in ("similarity", "a_in_b", "b_in_a", "pairs", "shared", "quotes", *kinds):
        assert field in text, field


def test_stories_say_which_reports_are_copies(seeded, tmp_path):
    cli, ids = seeded
    source = next(Path(p) for p in ids if p.endswith("2_2ecbplus.txt"))
    copy = syndicated_copy(source, tmp_path)
    [imported] = cli.json("import", str(copy))["imported"]
    story = next(s for s in cli.json("stories") if ids[str(source)] in s["clippings"])
    assert story["copies"] == 1
    assert story["copy_of"] == [[imported["id"], ids[str(source)]]]
    code, out, _ = cli("stories")
    assert code == 0
    line = next(line for line in out.splitlines() if line.strip().startswith(str(imported["id"])))
    assert f"(copy of {ids[str(source)]})" in line


def test_related_marks_a_same_story_label_given_without_a_date(seeded, seed):
    cli, ids = seeded
    oscar_a, oscar_b = (i for i in ids.values() if i != ids[str(seed)])
    assert cli.json("related", str(oscar_a))[0]["relation"] == "same story"
    assert cli.json("related", str(oscar_a))[0]["verdict"] is None
    code, out, err = cli("related", str(oscar_a))
    assert code == 0 and "same story" in out and "no date" not in out + err

    # A piece without a date: its line says so, and how to date it.
    assert cli("edit", str(oscar_b), "--published", "")[0] == 0  # the user clears a date
    code, out, err = cli("related", str(oscar_a))
    line = next(line for line in out.splitlines() if line.split()[0] == str(oscar_b))
    assert code == 0 and "same story" in line and line.endswith("(no date to compare)")
    assert f"1 piece without a date ({oscar_b})" in err
    assert f"clippings edit {oscar_b} --published YYYY-MM-DD" in err
    # The JSON keeps its fields: the dates are in it.
    found = cli.json("related", str(oscar_a))
    assert set(found[0]) == {"id", "title", "outlet", "published", "relation", "score", "verdict"}
    assert next(r for r in found if r["id"] == oscar_b)["published"] is None

    # The clipping asked about without a date: the hint names it; dated pieces' lines
    # show their dates, unmarked.
    assert cli("edit", str(oscar_b), "--published", "2013-08-02")[0] == 0
    assert cli("edit", str(oscar_a), "--published", "")[0] == 0
    code, out, err = cli("related", str(oscar_b))  # lists the undated one, marked
    line = next(line for line in out.splitlines() if line.split()[0] == str(oscar_a))
    assert code == 0 and line.endswith("(no date to compare)")
    code, out, err = cli("related", str(oscar_a))
    assert code == 0 and "same story" in out and "(no date to compare)" not in out
    assert f"clipping {oscar_a} has no date" in err
    assert f"clippings edit {oscar_a} --published YYYY-MM-DD" in err


def test_bad_values_are_usage_errors_not_tracebacks(seeded, seed):
    cli, ids = seeded
    seed_id = str(ids[str(seed)])
    code, out, err = cli("tag", seed_id, "--add", "")
    assert code == 2 and "not a tag name" in err
    code, out, err = cli("edit", seed_id, "--title", "")
    assert code == 2 and "needs a title" in err
    for limit in ("0", "-1", "many"):
        code, out, err = cli("search", "Antonov", "--limit", limit)
        assert code == 2 and "Traceback" not in err
    for threshold in ("2", "-0.5", "strict"):
        code, out, err = cli("stories", "--threshold", threshold)
        assert code == 2 and "Traceback" not in err
        assert "from 0 to 1" in err or "is not a number" in err


def test_a_closed_pipe_is_not_an_error(cli, seed):
    cli.json("import", str(seed))  # in this process: only `show` needs a pipe
    env = {**os.environ, "CLIPPINGS_ARCHIVE": str(cli.archive)}
    done = subprocess.run(
        f"{sys.executable} -m clippings show 1 | head -1",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_import_with_a_password(cli, corpus, tmp_path):
    locked = corpus / "pdf/pdfplumber/password-example.pdf"
    code, out, err = cli("import", str(locked), "--json")
    assert code == 1 and "password" in json.loads(out)["failed"][0]["error"]
    result = cli.json("import", str(locked), "--password", "test")
    assert len(result["imported"]) == 1


@pytest.mark.folder_only
def test_importing_the_same_file_again_repairs_its_original(seeded, seed):
    cli, ids = seeded
    stored = {p.read_bytes(): p for p in (cli.archive / "originals").glob("*/*")}
    target = stored[seed.read_bytes()]
    target.chmod(0o644)
    target.unlink()
    assert cli("check")[0] == 1
    again = cli.json("import", str(seed))
    assert again["duplicates"][0]["id"] == ids[str(seed)]
    code, out, err = cli("check")
    assert code == 0, err


def test_the_window_without_a_display_says_so(monkeypatch, capsys):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    assert main([]) == 2  # as the window's own check answers for an unreachable display
    assert "cannot open its window: there is no display" in capsys.readouterr().err


def _as_left_by_an_older_version(where) -> None:
    """Features of an older FEATURES_VERSION, as a new Clippings finds them."""
    from sqlalchemy import text

    from clippings.services import Archive

    with Archive.open(where) as archive, archive.store.engine.begin() as conn:
        conn.execute(text("UPDATE clipping_analysis SET version = 0"))
        conn.execute(text("DELETE FROM archive_meta WHERE key = 'features_version'"))


def test_stories_after_an_upgrade_analyses_the_archive_first(seeded):
    """A new Clippings that compares texts differently queues every clipping; the next
    `stories` analyses them (a progress bar on a terminal) and then answers."""
    from clippings.services import Archive

    cli, ids = seeded
    before = cli.json("stories")
    _as_left_by_an_older_version(cli.archive)
    assert cli.json("stories") == before
    with Archive.open(cli.archive) as archive:
        assert archive.store.analysis_due_count() == 0
        assert archive.store.meta("features_version") is not None


def test_stories_interrupted_while_analysing_answers_from_what_is_done(seeded, monkeypatch):
    from clippings.services import Archive, related

    cli, ids = seeded
    _as_left_by_an_older_version(cli.archive)
    with Archive.open(cli.archive) as archive:
        assert archive.store.ensure_features_version(related.FEATURES_VERSION) == len(ids)

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(related, "sync", interrupted)
    monkeypatch.setattr(related, "QUICK_SYNC", 0)  # as if the archive were large
    code, out, err = cli("stories")
    assert code == 0
    assert "the rest are analysed later" in err
    with Archive.open(cli.archive) as archive:
        assert archive.store.analysis_due_count() == len(ids), "the rest stays queued"


@pytest.mark.folder_only
def test_a_mistyped_archive_is_not_made_into_an_empty_one(cli, tmp_path):
    # Reading or changing clippings needs an archive: a wrong --archive is named, and no
    # empty archive is left behind. Import starts a new one, as it always did.
    for command in (["list"], ["show", "1"], ["search", "summit"], ["tag", "--add", "X", "1"]):
        code, out, err = cli(*command)
        assert code == 1 and out == ""
        assert f"there is no archive at {tmp_path / 'archive'}" in err
    assert not (tmp_path / "archive").exists()
    assert cli.json("import", "--json", str(_text_file(tmp_path)))["imported"]
    assert len(cli.json("list")) == 1


def _text_file(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("A note about the harbour.\n\nThe harbour reopened on Monday after a week.")
    return path


def cli_run(argv):
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(argv)
    return code, "", err.getvalue()


def test_files_after_the_options_open_the_window_to_import_them(tmp_path, monkeypatch):
    # `clippings FILE …` (a desktop entry's Exec=clippings %F) is not a command: the
    # window opens on the usual archive and imports what it was given.
    from clippings import cli as cli_module

    page = _text_file(tmp_path)
    parser = cli_module.build_parser()
    split = cli_module.split_files_to_open
    assert split([str(page)], parser) == ([], [str(page)])
    assert split(["--archive", "A", "-v", str(page), str(tmp_path)], parser) == (
        ["--archive", "A", "-v"],
        [str(page), str(tmp_path)],
    )
    assert split(["list"], parser) == (["list"], [])  # a command, even if a file is named so
    assert split(["no-such-file.txt"], parser) == (["no-such-file.txt"], [])
    # argparse takes an option cut short ("--arch DIR"): so does the split.
    assert split(["--arch", str(tmp_path), "list"], parser) == (
        ["--arch", str(tmp_path), "list"],
        [],
    )
    code, out, err = cli_run(["/no/such/folder/artcle.html"])
    assert code == 1 and "there is no file or folder /no/such/folder/artcle.html" in err
    opened = []
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(
        "clippings.app.main", lambda archive, files=(): opened.append((archive, files)) or 0
    )
    assert main(["--archive", str(tmp_path / "a"), str(page)]) == 0
    assert opened == [(str(tmp_path / "a"), [str(page)])]


def test_related_takes_the_users_verdict_on_a_pair(seeded, seed):
    cli, ids = seeded
    seed_id = ids[str(seed)]
    oscar_a, oscar_b = (i for i in ids.values() if i != seed_id)

    # Two reports of one event the user says are not the same story.
    code, out, err = cli("related", str(oscar_a), "--not-same-story", str(oscar_b))
    assert code == 0 and "not same story, as you said" in err
    assert "replaces" not in err
    # Said again, or turned round: the message says what it did to the earlier verdict.
    code, _out, err = cli("related", str(oscar_b), "--not-same-story", str(oscar_a))
    assert code == 0 and "not same story, as you had said already" in err
    code, _out, err = cli("related", str(oscar_a), "--same-story", str(oscar_b))
    assert "replaces your earlier verdict (not same story)" in err
    code, _out, err = cli("related", str(oscar_a), "--not-same-story", str(oscar_b))
    assert "replaces your earlier verdict (same story)" in err
    line = next(line for line in out.splitlines() if line.split()[0] == str(oscar_b))
    assert "related" in line and line.endswith("(your verdict: not same story)")
    back = cli.json("related", str(oscar_b))
    assert next(r for r in back if r["id"] == oscar_a)["verdict"] == "not same story"
    assert not any(
        oscar_a in s["clippings"] and oscar_b in s["clippings"] for s in cli.json("stories")
    )

    # Taken back: the program's label stands again.
    code, _out, err = cli("related", str(oscar_a), "--forget-verdict", str(oscar_b))
    assert code == 0 and "taken back" in err
    assert cli.json("related", str(oscar_a))[0] == {
        **cli.json("related", str(oscar_a))[0],
        "relation": "same story",
        "verdict": None,
    }

    # The seed (Antonov on Russia and the US) said to be of the Oscars' story: stderr
    # says what that did to the stories, as the window's status bar does.
    code, _out, err = cli("related", str(oscar_a), "--same-story", str(seed_id))
    assert code == 0 and "joined the story" in err
    code, _out, err = cli("related", str(oscar_a), "--forget-verdict", str(seed_id))
    assert "The story is split" in err and "is in no story" in err
    found = cli.json("related", str(oscar_a), "--same-story", str(seed_id))
    assert next(r for r in found if r["id"] == seed_id)["relation"] == "same story"
    [joined] = [s for s in cli.json("stories") if {oscar_a, seed_id} <= set(s["clippings"])]
    assert joined["verdicts"] == [sorted([oscar_a, seed_id])]
    code, out, _err = cli("stories")
    line = next(line for line in out.splitlines() if line.split()[0] == str(seed_id))
    assert line.endswith(f"(you said: same story as {oscar_a})")
    # Who said what is in both clippings' history, the other named by its title.
    code, out, _err = cli("show", str(seed_id), "--history")
    title_a = cli.json("show", str(oscar_a))["title"]
    assert code == 0 and "History:" in out
    assert f"said it is the same story as “{title_a}” (clipping {oscar_a})" in out
    shown = cli.json("show", str(oscar_a), "--history")
    said = [h for h in shown["history"] if h["action"] == "judged"]
    assert [h["detail"] for h in said] == [
        f"not same story as {oscar_b}",  # said again: nothing changed, nothing recorded
        f"same story as {oscar_b}",
        f"not same story as {oscar_b}",
        f"no verdict on {oscar_b}",
        f"same story as {seed_id}",
        f"no verdict on {seed_id}",
        f"same story as {seed_id}",
    ]
    assert set(said[0]) == {"at", "who", "action", "detail", "said"}
    assert "history" not in cli.json("show", str(oscar_a))
    # Mistakes are refused with a reason; nothing changes.
    code, _out, err = cli("related", str(oscar_a), "--same-story", str(oscar_a))
    assert code == 1 and "two different" in err
    assert cli("related", str(oscar_a), "--same-story", "999")[0] == 1
    assert cli("delete", str(oscar_b))[0] == 0
    code, _out, err = cli("related", str(oscar_a), "--not-same-story", str(oscar_b))
    assert code == 1 and f"clipping {oscar_b} is in the trash" in err
    code, out, _err = cli("related", str(oscar_b))
    assert code == 0 and f"clippings restore {oscar_b}" in out
    assert cli("related", str(oscar_a), "--same-story", "1", "--not-same-story", "2")[0] == 2
