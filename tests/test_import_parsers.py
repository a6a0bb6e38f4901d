"""Properties of the import parsers: literal TSV, JSON arrays, dotted paths and dates."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from factdb.errors import Hint, ImportFormatError, Setting
from factdb.formats.readers.csv_records import TableOptions, read_csv
from factdb.formats.readers.dates import DateProblem, read_date_text
from factdb.formats.readers.json_records import member_values, read_json
from factdb.formats.readers.mapped import MapOptions

# Cells as TSV can carry them: anything but the tab and the line breaks that delimit them.
tsv_cell = st.text(
    alphabet=st.characters(exclude_characters="\t\n\r", exclude_categories=["Cs"]), max_size=15
)


@given(st.lists(st.lists(tsv_cell, min_size=3, max_size=3), min_size=1, max_size=8))
def test_literal_tsv_gives_back_every_cell_exactly(rows: list[list[str]]) -> None:
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    assume(rows)
    data = "".join("\t".join(row) + "\n" for row in rows).encode("utf-8")
    options = MapOptions(columns={"1": "text", "2": "note", "3": "rating_label"})
    table = TableOptions(delimiter="\t", quote=None, header=False)
    records = list(read_csv(io.BytesIO(data), name="f.tsv", mapping=options, table=table))
    assert len(records) == len(rows)
    for record, row in zip(records, rows, strict=True):
        assert record.problem is None
        assert record.data["text"] == row[0].strip()
        review = record.data.get("reviews", [{}])[0]
        assert review.get("rating_label", "") == row[2].strip()


@given(st.lists(tsv_cell, min_size=1, max_size=4), st.integers(1, 3))
def test_a_torn_tsv_row_is_rejected_alone_with_its_line(cells: list[str], extra: int) -> None:
    good = "a\tb\tc\n"
    torn = "\t".join(["x", *cells, *(["y"] * extra)]) + "\n"
    if torn.count("\t") == 2:
        return  # not torn after all
    data = (good + torn + good.replace("a", "d")).encode("utf-8")
    table = TableOptions(delimiter="\t", quote=None, header=False)
    options = MapOptions(columns={"1": "text"})
    records = list(read_csv(io.BytesIO(data), name="f.tsv", mapping=options, table=table))
    assert [record.location for record in records] == [f"f.tsv: line {n}" for n in (1, 2, 3)]
    assert [record.problem is None for record in records] == [True, False, True]


@pytest.mark.parametrize("text", ['"Obamacare" costs more.', 'Ban "all gas stoves.', '"', '""'])
def test_quotes_are_characters_in_literal_tsv(text: str) -> None:
    data = f"1\t{text}\n".encode()
    table = TableOptions(delimiter="\t", quote=None, header=False)
    options = MapOptions(columns={"2": "text"})
    (record,) = read_csv(io.BytesIO(data), name="f.tsv", mapping=options, table=table)
    assert record.data["text"] == text


json_scalar = st.one_of(
    st.text(min_size=1, max_size=10).filter(str.strip),
    st.integers(-(10**6), 10**6),
)
member_name = st.text(
    alphabet=st.characters(categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=6
).filter(lambda name: not name.isdigit())


@given(st.lists(member_name, min_size=1, max_size=4), json_scalar)
def test_a_dotted_path_reaches_the_nested_member(path: list[str], value: Any) -> None:
    document: Any = value
    for name in reversed(path):
        document = {name: document}
    assert member_values(document, ".".join(path)) == str(value)


@given(member_name, member_name, st.lists(json_scalar, min_size=2, max_size=5))
def test_a_path_through_an_array_collects_every_element(
    outer: str, inner: str, values: list[Any]
) -> None:
    document = {outer: [{inner: value} for value in values]}
    assert member_values(document, f"{outer}.{inner}") == [str(value) for value in values]
    assert member_values(document, f"{outer}.0.{inner}") == str(values[0])


def test_a_member_named_with_dots_is_found_by_its_name() -> None:
    assert member_values({"a.b": "whole", "a": {"b": "nested"}}, "a.b") == "whole"


@given(
    st.lists(st.fixed_dictionaries({"text": st.text(min_size=1, max_size=30)}), max_size=20),
    st.sampled_from(["", "records", "data"]),
    st.integers(1, 64),
)
def test_json_arrays_stream_in_any_chunk_size(
    records: list[dict[str, str]], key: str, chunk: int
) -> None:
    document: Any = {"meta": {"n": [1, 2]}, key: records} if key else records
    data = json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8")
    import factdb.formats.readers.json_records as module

    saved = module.CHUNK_CHARS
    module.CHUNK_CHARS = chunk
    try:
        found = [record.data for record in read_json(io.BytesIO(data), name="f.json")]
    finally:
        module.CHUNK_CHARS = saved
    assert found == records


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[{"text": "a"} {"text": "b"}]', "line 1: invalid JSON"),
        (b'{"meta": 1}', "holds no array"),
        (b'"text"', "expected a JSON array or object"),
        (b'[{"text": "a"},\n{"text": tru}]', "line 2: invalid JSON"),
    ],
)
def test_broken_json_is_located(data: bytes, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        list(read_json(io.BytesIO(data), name="f.json"))


days = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


@given(days)
def test_unambiguous_forms_read_as_the_same_day(day: date) -> None:
    forms = [
        day.isoformat(),
        f"{day.year}-{day.month}-{day.day}",
        f"{day.year}/{day.month}/{day.day}",
        day.strftime("%B ") + f"{day.day}, {day.year}",
        f"{day.day} " + day.strftime("%B ") + str(day.year),
    ]
    for form in forms:
        assert read_date_text(form, date_only=True) == day.isoformat(), form


@given(days)
def test_rfc_2822_keeps_its_offset(day: date) -> None:
    moment = datetime(day.year, day.month, day.day, 10, 30, tzinfo=None)
    text = moment.strftime("%a, %d %b %Y %H:%M:%S +0200")
    assert read_date_text(text) == f"{day.isoformat()}T10:30:00+02:00"


@given(days)
def test_numeric_dates_without_the_year_first_need_a_format(day: date) -> None:
    for form in (f"{day.day}/{day.month}/{day.year}", f"{day.day:02d}-{day.month:02d}-{day.year}"):
        with pytest.raises(DateProblem) as raised:
            read_date_text(form)
        assert raised.value.hints == (Hint.give(Setting.DATE_FORMAT, "%d/%m/%Y"),)
    told = read_date_text(f"{day.day}/{day.month}/{day.year}", date_format="%d/%m/%Y")
    assert told.startswith(day.isoformat())


@pytest.mark.parametrize(
    "text",
    ["2020", "March 2020", "yesterday", "5 mars 2020", "2020-13-45", "March 5, 2020 10:00 EST"],
)
def test_incomplete_or_unknown_dates_are_refused_with_their_value(text: str) -> None:
    with pytest.raises(DateProblem) as raised:
        read_date_text(text)
    assert repr(text) in str(raised.value)
    assert raised.value.hints == (Hint.give(Setting.DATE_FORMAT, "%d/%m/%Y"),)
