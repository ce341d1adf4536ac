"""The files of a site that are not pages: static files, status.json, tasks.csv, the
calendar, the feed and the schemas, each with what it is made from and how.

What a data file is made from is worked out where it is used: a full build makes these
files on the workers, so the main process (which every worker copies) never holds their
data (6 MiB of status data for 15,000 files), and a worker lets it go once the file is
written. An incremental build works it out where it fingerprints the files.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from sitegen.content.schemas import SCHEMA_KINDS, schema_for
from sitegen.site.analysis import Analysis
from sitegen.site.export import status_data, to_json
from sitegen.site.feeds import atom_feed_xml, calendar_rows, feed_data, task_calendar, task_table


class DataFile:
    """A file of the site that is not a page: what it is made from (``inputs``, worked
    out when first asked for and again after `release`), and how to make it from that.

    ``shows_text``: whether it may show the text of documents (their bodies) beyond what
    the analysis reads of it. One declared not to is made from the analysis alone, so an
    edit the analysis does not see leaves it as it was (see `sitegen.builder.unseen`);
    a new kind of file is taken to show text until it says otherwise."""

    def __init__(self, inputs: Once, make: Callable[[Any], bytes], shows_text: bool = True) -> None:
        self._inputs = inputs
        self._make = make
        self.shows_text = shows_text

    def inputs(self) -> Any:
        return self._inputs()

    def make(self) -> bytes:
        return self._make(self.inputs())

    def release(self) -> None:
        """Let go of the data worked out for this file (see `Once`)."""
        self._inputs.release()


class Once:
    """A value worked out by ``work`` the first time it is asked for, kept until
    `release`d, with the values it was ``made_from`` (the status data, which two data
    files are made from)."""

    def __init__(self, work: Callable[[], Any], made_from: tuple[Once, ...] = ()) -> None:
        self._work = work
        self._made_from = made_from
        self._value: Any = None
        self._made = False

    def __call__(self) -> Any:
        if not self._made:
            self._value, self._made = self._work(), True
        return self._value

    def release(self) -> None:
        self._value, self._made = None, False
        for value in self._made_from:
            value.release()


# A file that is not a page → what it is made from, and how.
DataSources = dict[str, DataFile]


def data_files(analysis: Analysis, static: dict[str, bytes]) -> DataSources:
    """Every file of the site that is not a page; ``static``: the theme's static files."""
    settings, as_of = analysis.site.settings, analysis.status.as_of
    facts = (analysis.site, analysis.status, analysis.health, analysis.findings)
    data = Once(partial(status_data, *facts, analysis.history))
    sources = {  # the theme's files: no content at all
        name: DataFile(Once(partial(_same, content)), bytes, shows_text=False)
        for name, content in static.items()
    }
    sources["status.json"] = DataFile(data, to_json, shows_text=False)
    tasks = Once(lambda: {"tasks": data()["tasks"]}, made_from=(data,))
    sources["tasks.csv"] = DataFile(tasks, task_table, shows_text=False)
    calendar = Once(lambda: (settings, as_of, calendar_rows(analysis)))
    sources["calendar.ics"] = DataFile(
        calendar, lambda inputs: task_calendar(*inputs), shows_text=False
    )
    feed = Once(partial(feed_data, analysis))
    sources["feed.xml"] = DataFile(feed, atom_feed_xml)  # reports' bodies
    for kind in SCHEMA_KINDS:  # made by sitegen's code alone
        schema = Once(partial(_same, kind))
        sources[f"schemas/{kind}.json"] = DataFile(schema, _schema_file, shows_text=False)
    return sources


def _same(value: Any) -> Any:
    return value


def _schema_file(kind: str) -> bytes:
    return to_json(schema_for(kind))


__all__ = ["DataFile", "DataSources", "Once", "data_files"]
