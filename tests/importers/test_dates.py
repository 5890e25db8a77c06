"""Datelines as news sites print them, read into the dates a user sees."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from clippings.importers.dates import find_date, parse_dateline, url_date, url_month

EDT = timezone(timedelta(hours=-4))
PDT = timezone(timedelta(hours=-7))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("05:05 GMT25 July 2021", datetime(2021, 7, 25, 5, 5, tzinfo=UTC)),
        ("July 25, 2021", date(2021, 7, 25)),
        ("Thursday, Aug 18, 2011", date(2011, 8, 18)),
        ("25.07.2021", date(2021, 7, 25)),
        ("2021-07-25T05:05:00Z", datetime(2021, 7, 25, 5, 5, tzinfo=UTC)),
        ("AUGUST 2, 2013 | 08: 06AM PT", datetime(2013, 8, 2, 8, 6, tzinfo=PDT)),
        ("8 / 2 / 13 at 1: 30 PM", date(2013, 8, 2)),
        (
            "16 September 2013 Last updated at 12: 42 GMT",
            datetime(2013, 9, 16, 12, 42, tzinfo=UTC),
        ),
        (
            "2 October 2013, 15: 39 (GMT+05: 00)",
            datetime(2013, 10, 2, 15, 39, tzinfo=timezone(timedelta(hours=5))),
        ),
        ("12: 52 p. m. EDT May 2, 2013", datetime(2013, 5, 2, 12, 52, tzinfo=EDT)),
        (
            "7: 00pm UK, Wednesday 05 May 2010",
            datetime(2010, 5, 5, 19, 0, tzinfo=timezone(timedelta(hours=1))),
        ),
        (
            "Published: Tuesday, Dec. 20 2005 12: 00 a. m. MST",
            datetime(2005, 12, 20, 0, 0, tzinfo=timezone(timedelta(hours=-7))),
        ),
        ("POSTED: 1052 GMT (1852 HKT), April 10, 2007", datetime(2007, 4, 10, 10, 52, tzinfo=UTC)),
        (
            "Reuters Sep 18, 2013, 02. 16PM IST",
            datetime(2013, 9, 18, 14, 16, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        (
            "Posted: Nov 27, 2005 8: 20 AM ET Last Updated: Nov 27, 2005 8: 10 PM ET",
            datetime(2005, 11, 27, 8, 20, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("Last updated 13: 26 14 / 09 / 2013", date(2013, 9, 14)),
        ("Novemer 27, 2005", date(2005, 11, 27)),
        ("2013 - 09 - 26", date(2013, 9, 26)),
        ("Published: 2012. 08. 08 09: 01 AM", date(2012, 8, 8)),
        ("WASHINGTON, DC, April 28, 2009", date(2009, 4, 28)),
        ("25 июля 2021", date(2021, 7, 25)),
        ("25. Juli 2021", date(2021, 7, 25)),
        ("25 juillet 2021", date(2021, 7, 25)),
        ("25 de julio de 2021", date(2021, 7, 25)),
        (
            "12 июля 2021 г., 14:30 МСК",
            datetime(2021, 7, 12, 14, 30, tzinfo=timezone(timedelta(hours=3))),
        ),
    ],
)
def test_dateline_shapes(line: str, expected: date) -> None:
    got = parse_dateline(line)
    assert got == expected
    # An aware datetime compares by instant: check the offset is the source's own too.
    if isinstance(expected, datetime):
        assert isinstance(got, datetime)
        assert got.utcoffset() == expected.utcoffset()
    else:
        assert type(got) is date


def test_a_time_without_a_zone_keeps_the_day_only() -> None:
    assert parse_dateline("May 2, 2013 12: 50 PM") == date(2013, 5, 2)


@pytest.mark.parametrize(
    "line",
    [
        "There were 2021 protesters and 25 police officers",
        "The gang member shot Jerry Ortiz outside a Hawaiian Gardens building in 2005.",
        "Vincent 'The Chin' Gigante died while in prison custody on December 19, 2005.",
        "Posted 1 year, 160 days ago [downloaded on 2 October 2013]",
        "8: 24am:",
        "APR 28",
        "",
    ],
)
def test_lines_that_are_not_datelines(line: str) -> None:
    assert parse_dateline(line) is None


def test_a_date_without_a_year_needs_the_callers_year() -> None:
    assert find_date("MOSCOW, July 25 (Reuters) -") is None
    found = find_date("MOSCOW, July 25 (Reuters) -", reference_year=2021)
    assert found is not None
    assert found[0] == date(2021, 7, 25)
    assert found[1] == "July 25"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://news4allz.blogspot.nl/2010/09/kraft-shooting.html", (2010, 9)),
        ("http://articles.timesofindia.indiatimes.com/2013-09-18/internet/4218", (2013, 9)),
        ("https://www.cnn.com/2009/POLITICS/03/03/endangered.species.act/", None),
        ("https://example.com/story/123456/2021", None),
        (None, None),
    ],
)
def test_the_month_a_pages_address_gives(url: str | None, expected: object) -> None:
    assert url_month(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://ktla.com/2013/05/03/lohan-may-miss-rehab-deadline-dad-says/", date(2013, 5, 3)),
        ("http://www.theguardian.com/film/2013/aug/02/ellen-degeneres-host", date(2013, 8, 2)),
        (
            "http://www.itv.com/news/westcountry/story/2013-07-21/wellington-fire/",
            date(2013, 7, 21),
        ),
        (
            "http://www.timesledger.com/stories/2013/38/hitrun_web_2013_09_14_q.html",
            date(2013, 9, 14),
        ),
        (
            "http://www.rollingstone.com/movies/news/gary-ross-will-not-direct-20120411",
            date(2012, 4, 11),
        ),
        (
            "http://boston.redsox.mlb.com/news/article.jsp?ymd=20081216&content_id=3718",
            date(2008, 12, 16),
        ),
        ("https://www.commondreams.org/newswire/2009/04/27-1", date(2009, 4, 27)),
        # A date, then an article number that is none.
        ("http://worldnews.nbcnews.com/_news/2013/09/09/20401724-thieves", date(2013, 9, 9)),
        # Only a month, a year and a week, an article number, the host, the future.
        ("http://www.mlbtraderumors.com/2008/12/red-sox-make--1.html", None),
        ("http://www.timesledger.com/stories/2013/38/hitrun.html", None),
        ("http://www.nbcnews.com/id/18022825/ns/us_news", None),
        ("http://2013-05-03.example.com/story", None),
        ("https://example.com/2099/01/01/story", None),
        ("https://example.com/1970/01/01/story", None),
        (None, None),
    ],
)
def test_the_day_a_pages_address_gives(url: str | None, expected: date | None) -> None:
    assert url_date(url) == expected


def test_a_slashed_date_that_reads_both_ways_follows_the_hint() -> None:
    assert parse_dateline("11 / 09 / 2010") == date(2010, 11, 9)
    assert parse_dateline("11 / 09 / 2010", month_hint=(2010, 9)) == date(2010, 9, 11)
    assert parse_dateline("11 / 09 / 2010", month_hint=(2010, 11)) == date(2010, 11, 9)
    # Both readings in the hinted month (9/9): nothing to choose.
    assert parse_dateline("9/9/2010", month_hint=(2010, 9)) == date(2010, 9, 9)
    assert parse_dateline("25/09/2010", month_hint=(2010, 3)) == date(2010, 9, 25)


def test_find_date_in_a_sentence() -> None:
    found = find_date("He left the Betty Ford Center on June 13, 2013 at 4: 59 PM EDT, aides said.")
    assert found == (datetime(2013, 6, 13, 16, 59, tzinfo=EDT), "June 13, 2013 at 4:59 PM EDT")


def test_every_ecbplus_date_line_reads(corpus: Path) -> None:
    with (corpus / "ecbplus" / "index.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    lines = {r["date_line"].strip() for r in rows if r["subcorpus"] == "ecbplus"} - {""}
    # Not datelines: a sentence, and a relative date next to a download date.
    not_dates = {
        "The gang member shot Jerry Ortiz outside a Hawaiian Gardens building in 2005.",
        "Vincent 'The Chin' Gigante died while in prison custody on December 19, 2005.",
        "Posted 1 year, 160 days ago [downloaded on 2 October 2013]",
    }
    unread = sorted(line for line in lines - not_dates if parse_dateline(line) is None)
    assert unread == []
    assert len(lines) > 150


def test_parsing_is_fast() -> None:
    import time

    lines = ["Posted on November 15, 2011 6: 07: 15 PM GMT+01: 0", "A headline about 2014 Oscars"]
    started = time.perf_counter()
    for _ in range(200):
        for line in lines:
            parse_dateline(line)
    assert (time.perf_counter() - started) / 400 < 0.003
