"""`DerivedMemo`: what a resident preview keeps of values made from one document."""

from __future__ import annotations

from sitegen.engine.memo import DerivedMemo


class Document:
    """A stand-in for a loaded document: only its identity matters to the memo."""


def made_by(log: list[str], value: str):
    def make() -> str:
        log.append(value)
        return value

    return make


def test_a_value_is_made_once_in_an_analysis_and_kept_for_the_next_while_its_document_is():
    memo, made = DerivedMemo(), []
    kept, edited = Document(), Document()
    table = memo.table("plans", "day 1")
    assert table.get(kept, None, made_by(made, "a")) == "a"
    assert table.get(kept, None, made_by(made, "a again")) == "a"  # asked twice: made once
    assert table.get(edited, None, made_by(made, "b")) == "b"
    memo.finish()
    resaved = Document()  # the edited file, read again: another object
    table = memo.table("plans", "day 1")
    assert table.get(kept, None, made_by(made, "a anew")) == "a"
    assert table.get(resaved, None, made_by(made, "c")) == "c"
    assert made == ["a", "b", "c"]


def test_another_context_or_an_unused_value_makes_the_value_again():
    memo, made = DerivedMemo(), []
    one, two = Document(), Document()
    table = memo.table("plans", "day 1")
    table.get(one, None, made_by(made, "one"))
    table.get(two, None, made_by(made, "two"))
    memo.finish()
    memo.table("plans", "day 1").get(one, None, made_by(made, "one, kept"))
    memo.finish()  # `two` was not asked for: forgotten
    table = memo.table("plans", "day 1")
    assert table.inherited
    assert table.get(two, None, made_by(made, "two again")) == "two again"
    assert memo.table("plans", "day 2").get(one, None, made_by(made, "one, day 2")) == (
        "one, day 2"
    )
    assert not memo.table("other kind").inherited
    assert made == ["one", "two", "two again", "one, day 2"]
