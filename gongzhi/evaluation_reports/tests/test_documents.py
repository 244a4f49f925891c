"""The report's files: the PDF and the Word file carry every figure of the snapshot (the town's in
its tables, a neighborhood's one line a figure in the PDF and one row a figure in Word), the Word
tables are what python-docx writes cell by cell, and the ranking chart is drawn in parts that each
fit on a page."""

import io

import pypdfium2
import pytest
from docx import Document
from PIL import Image

from gongzhi.evaluation_reports import documents

from .factories import TODAY, started, with_cases

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(TODAY)]


def squash(text: str) -> str:
    """The text without white space: the PDF breaks lines where the page needs it."""
    return "".join(str(text).split())


def pdf_text(data: bytes) -> str:
    return "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(data))


def test_the_pdf_and_the_word_file_carry_every_figure(world, django_capture_on_commit_callbacks):
    with_cases(world)
    report = started(world, django_capture_on_commit_callbacks)
    data = documents.document(report)
    pdf = squash(pdf_text(documents.report_pdf(report)))
    word = Document(io.BytesIO(documents.report_docx(report)))
    cells = {squash(cell.text) for table in word.tables for row in table.rows for cell in row.cells}
    town = [f for part in data["parts"] for f in part.figures]
    assert len(town) > 20 and len(data["neighborhood_parts"]) == 2
    for f in town:
        assert squash(f["label"]) in pdf and squash(f["shown"]) in pdf and squash(f["text"]) in pdf
    for part in data["neighborhood_parts"]:
        assert squash(part.heading) in pdf and len(part.lines) == 5  # one row per topic
        assert sum(len(text.split("\n")) for _heading, text in part.lines) == len(part.figures)
        for f in part.figures:
            assert squash(documents.line(f)) in pdf  # "Cases accepted: 10", "… · 8 of 10 accepted cases …"
    for f in town + [f for part in data["neighborhood_parts"] for f in part.figures]:
        assert squash(f["label"]) in cells and squash(f["shown"]) in cells and squash(f["text"]) in cells
    assert "新城" in pdf and "世博" in pdf
    assert len(word.inline_shapes) == len(data["charts"]) == 1  # the rates by neighborhood; no survey closed
    assert {table.style.name for table in word.tables} == {"Table Grid"}


def test_a_word_table_is_what_python_docx_writes_cell_by_cell():
    headings, rows = ["Figure", "Value"], [["8 of 10 · 新城 ", "a\tb\nc\r"], ["<&> ", None], ["", 3]]
    fast = Document()
    documents._table(fast, headings, rows)
    slow = Document()
    table = slow.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = "" if text is None else str(text)
    assert fast.tables[0]._tbl.xml == slow.tables[0]._tbl.xml


def test_the_ranking_chart_is_drawn_in_parts_that_fit_on_a_page():
    snapshot = {
        "town": {"figures": {}},
        "neighborhoods": [
            {"name": f"第{i}居民区", "uid": f"nb{i}", "figures": {"cases": [{"code": "cases.satisfaction", "value": str(60 + i)}]}}
            for i in range(39)
        ],
    }  # fmt: skip
    charts = documents._charts(snapshot)
    sizes = [Image.open(io.BytesIO(chart.png)).size for chart in charts]
    # 39 neighborhoods in 3 parts of 13: each under 1,300 px, so it fits under the report's heading
    # at the page's width (a picture is never split across pages)
    assert len(sizes) == 3 and len(set(sizes)) == 1 and sizes[0][1] < 1300
    assert len(documents._charts({**snapshot, "neighborhoods": snapshot["neighborhoods"][:18]})) == 1
