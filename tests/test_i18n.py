"""Message catalogs: both languages say everything; English counts agree in number."""

from __future__ import annotations

import pytest

from sitegen.core.i18n import Messages

KINDS = ("messages", "ui", "authoring", "gantt")


@pytest.mark.parametrize("kind", KINDS)
def test_both_languages_have_every_message(kind: str) -> None:
    english = set(Messages("en", kind)._strings)
    chinese = set(Messages("zh-CN", kind)._strings)
    assert english - {key for key in english if key.endswith(".one")} == chinese
    for key in english:
        if key.endswith(".one"):
            assert key.removesuffix(".one") in english, key


def test_a_count_of_one_takes_the_singular_where_there_is_one() -> None:
    ui = Messages("en", "ui")
    assert ui("task.days", count=1) == "1 working day"
    assert ui("task.days", count=2) == "2 working days"
    assert ui("task.days", count=0) == "0 working days"
    assert Messages("en", "gantt")("tip.dates", start="Jul 3", end="Jul 3", days=1).endswith(
        "(1 working day)"
    )
    assert Messages("zh-CN", "ui")("task.days", count=1) == "1 个工作日"


def test_every_finding_a_page_can_list_has_a_name() -> None:
    from sitegen.core.findings import NOTICE_CODES, WARNING_CODES

    for language in ("en", "zh-CN"):
        ui = Messages(language, "ui")
        for code in (*WARNING_CODES, *NOTICE_CODES, "skipped"):  # skipped: see sitegen.content.load
            assert ui.has(f"code.{code}"), (language, code)
