"""A report as its readers see it, one structure for the page, the PDF and the Word file: the
sections in order — each with its heading, the office's text, the figures of its topic (from the
snapshot, each with its link and records) and its tables — then the neighborhoods' sections (all,
or those a recipient receives in full), and the charts drawn from the same snapshot
(gongzhi.evaluation_reports.charts). Nothing here computes a figure."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core.pdf import html_to_pdf

from . import charts, figures

PARTY_KINDS = figures.PARTY_KINDS
# The ranking chart is drawn in parts of at most this many neighborhoods, so that each part fits on
# an A4 page under the report's heading: a picture is never split across pages, and one of 39
# neighborhoods (2,550 px, 45 cm at the page's width) lost its last 13 rows at the page's foot.
CHART_ROWS = 18


@dataclass
class Part:
    key: str
    heading: str
    text: str
    section_id: int
    figures: list = field(default_factory=list)
    tables: dict = field(default_factory=dict)
    neighborhood: dict | None = None
    # A neighborhood's figures by topic as the PDF writes them, one line a figure:
    # [(topic heading, "figure: value · what it counts\n…")], one table row a topic.
    lines: list = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n") if p.strip()]


@dataclass
class Chart:
    title: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode()


def shown(fig: dict) -> str:
    """A figure's value as written in the report: 86.5%, 91.2, 3 — or "no data"."""
    if fig.get("value") is None:
        return _("no data")
    return f"{fig['value']}%" if fig.get("unit") == "%" else str(fig["value"])


def _with_shown(rows: list[dict]) -> list[dict]:
    return [{**row, "shown": shown(row)} for row in rows]


def line(fig: dict) -> str:
    """A figure on one line: "调处率（按时调处）：87.3% · 受理 126 件中按时调处 110 件（口径 2026.3）"."""
    text = _("%(figure)s: %(value)s") % {"figure": fig["label"], "value": fig["shown"]}
    return f"{text} · {fig['text']}" if fig.get("text") else text


def _topic_lines(nb: dict) -> list[tuple[str, str]]:
    headings = {t.key: str(t.heading) for t in figures.TOPICS}
    out = []
    for topic in figures.SOURCE_ORDER:
        rows = _with_shown(nb.get("figures", {}).get(topic, []))
        if rows:
            out.append((headings[topic], "\n".join(line(f) for f in rows)))
    return out


def _survey_rows(table: list[dict]) -> list[dict]:
    out = []
    for row in table:
        cells = []
        for kind in PARTY_KINDS:
            p = row["parties"].get(kind)
            cells.append(f"{p['value']}% [{p['low']}–{p['high']}] n={p['n']}" if p else "—")
        out.append({**row, "cells": cells})
    return out


def _rate_labels() -> list[str]:
    from gongzhi.cases.reports.labels import EFFECTIVE, HANDLING, RATE_LABELS, SATISFACTION

    return [str(RATE_LABELS[k]) for k in (HANDLING, EFFECTIVE, SATISFACTION)]


def _charts(snapshot: dict) -> list[Chart]:
    out = []
    handling, effective, satisfaction = _rate_labels()
    ranking = figures.ranking(snapshot)
    title = _("The three rates by neighborhood")
    parts = -(-len(ranking) // CHART_ROWS)
    size = -(-len(ranking) // parts) if parts else 1  # parts of equal size: 39 neighborhoods → 13 + 13 + 13
    for start in range(0, len(ranking), size):
        rows = ranking[start : start + size]
        png = charts.bars(
            title,
            [r["name"] for r in rows],
            [
                charts.Series(handling, tuple(r["handling"] for r in rows)),
                charts.Series(effective, tuple(r["effective"] for r in rows)),
                charts.Series(satisfaction, tuple(r["satisfaction"] for r in rows)),
            ],
            empty=_("no data"),
        )
        out.append(Chart(title, png))
    town = snapshot.get("town", {})
    means = [figures.figure(town, f"surveys.satisfaction.{kind}") for kind in PARTY_KINDS]
    if any(m and m["value"] is not None for m in means):
        out.append(
            Chart(
                _("Residents' satisfaction with each party (sampling surveys)"),
                charts.bars(
                    _("Residents' satisfaction with each party (sampling surveys)"),
                    [str(figures.PARTY_LABELS[kind]) for kind in PARTY_KINDS],
                    [charts.Series("", tuple(m["value"] if m else None for m in means))],
                    empty=_("no data"),
                ),
            )
        )
    return out


def document(report, neighborhood_ids: list[int] | None = None) -> dict:
    """The report for a reader: `neighborhood_ids` None for every neighborhood's section."""
    snapshot = report.figures or {}
    town = snapshot.get("town", {"figures": {}, "tables": {}})
    by_nb = {part["id"]: part for part in snapshot.get("neighborhoods", [])}
    parts, nb_parts = [], []
    ranking = figures.ranking(snapshot)
    for section in report.sections.select_related("neighborhood").order_by("position", "pk"):
        if section.neighborhood_id is None:
            tables = {}
            if section.key == "cases":
                tables["ranking"] = ranking
            if section.key == "evaluation":
                tables["surveys"] = _survey_rows(town.get("tables", {}).get("surveys", []))
            if section.key in ("assessments", "awards", "groups"):
                tables[section.key] = town.get("tables", {}).get(section.key, [])
            parts.append(
                Part(section.key, section.heading, section.text, section.pk,
                     _with_shown(town.get("figures", {}).get(section.key, [])), tables)
            )  # fmt: skip
            continue
        if neighborhood_ids is not None and section.neighborhood_id not in neighborhood_ids:
            continue
        nb = by_nb.get(section.neighborhood_id, {"figures": {}, "tables": {}})
        flat = [row for topic in figures.SOURCE_ORDER for row in nb.get("figures", {}).get(topic, [])]
        nb_parts.append(
            Part(
                figures.NEIGHBORHOOD_TOPIC, section.heading, section.text, section.pk, _with_shown(flat), {},
                {"uid": nb.get("uid"), "name": section.heading}, _topic_lines(nb),
            )
        )  # fmt: skip
    return {
        "report": report,
        "snapshot": snapshot,
        "period": snapshot.get("period", {}),
        "parts": parts,
        "neighborhood_parts": nb_parts,
        "whole_town": neighborhood_ids is None,
        "charts": _charts(snapshot) if snapshot else [],
        "party_labels": [str(figures.PARTY_LABELS[k]) for k in PARTY_KINDS],
        "rate_labels": _rate_labels(),
        "survey_definition": snapshot.get("survey_definition", ""),
    }


def report_pdf(report, neighborhood_ids: list[int] | None = None) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "evaluation_reports/report_pdf.html",
            {**document(report, neighborhood_ids), "LANGUAGE_CODE": settings.LANGUAGE_CODE, "now": timezone.now()},
        )
    return html_to_pdf(html)


def report_docx(report, neighborhood_ids: list[int] | None = None) -> bytes:
    """The report as an editable Word file (python-docx): headings, the text, a table of figures per
    section, the survey and assessment tables, the charts as pictures."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    with translation.override(settings.LANGUAGE_CODE):
        doc_data = document(report, neighborhood_ids)
        doc = Document()
        normal = doc.styles["Normal"]
        normal.font.size = Pt(11)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
        doc.add_heading(str(report), 0)
        doc.add_paragraph(_meta_line(report, doc_data))
        for chart in doc_data["charts"]:
            doc.add_picture(io.BytesIO(chart.png), width=Cm(16))
        for part in doc_data["parts"] + doc_data["neighborhood_parts"]:
            doc.add_heading(part.heading, 1)
            for paragraph in part.paragraphs:
                doc.add_paragraph(paragraph)
            if part.figures:
                _table(doc, [_("Figure"), _("Value"), _("What it counts")],
                       [[f["label"], f["shown"], f["text"]] for f in part.figures])  # fmt: skip
            for key, rows in part.tables.items():
                _docx_table(doc, key, rows, doc_data)
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def _meta_line(report, data) -> str:
    period = data["period"]
    line = _("Period %(label)s (%(start)s to %(end)s), version %(n)s.") % {
        "label": period.get("label", report.period), "start": period.get("start", ""), "end": period.get("end", ""),
        "n": report.number,
    }  # fmt: skip
    if report.approved_at:
        line += " " + _("Approved by the leadership group on %(day)s.") % {
            "day": timezone.localtime(report.approved_at).date().isoformat()
        }
    if report.figures_at:
        line += " " + _("Figures as of %(at)s.") % {
            "at": timezone.localtime(report.figures_at).strftime("%Y-%m-%d %H:%M")
        }
    return line


def _table(doc, headings: list[str], rows: list[list]) -> None:
    """A "Table Grid" table: the headings, then one row per item. The rows are written as one piece
    of XML (python-docx's add_row and cell.text take ~1 ms a cell: a second for a town's report);
    each cell holds what `cell.text = …` would: one paragraph, one run."""
    if not rows:
        return
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    table = doc.add_table(rows=0, cols=len(headings))
    table._tbl.tblStyle_val = "TableGrid"  # the id of "Table Grid" in python-docx's template (no lookup by name)
    widths = [col.w.twips for col in table._tbl.tblGrid.gridCol_lst]  # as add_row writes them

    def tr(cells) -> str:
        tcs = (
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr><w:p>{_run(text)}</w:p></w:tc>'
            for w, text in zip(widths, cells, strict=True)
        )
        return f"<w:tr>{''.join(tcs)}</w:tr>"

    xml = tr([str(h) for h in headings]) + "".join(tr(["" if t is None else str(t) for t in row]) for row in rows)
    for row in parse_xml(f"<w:tbl {nsdecls('w')}>{xml}</w:tbl>"):
        table._tbl.append(row)


def _run(text: str) -> str:
    """`<w:r>` for `text` as python-docx writes a run's text: a tab as `<w:tab/>`, each line break
    (\\n or \\r) as `<w:br/>`, the rest in `<w:t>` (spaces kept where a piece begins or ends with one)."""
    out = []
    for piece in _CONTROL.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\n", "\r"):
            out.append("<w:br/>")
        elif piece:
            keep = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{keep}>{escape(piece)}</w:t>")
    return "<w:r>" + "".join(out) + "</w:r>"


_CONTROL = re.compile(r"([\t\r\n])")


def _docx_table(doc, key: str, rows: list[dict], data: dict) -> None:
    if key == "ranking":
        _table(doc, [_("Neighborhood"), *data["rate_labels"], _("Joint-meeting compliance")],
               [[r["name"], *(f"{r[k]}%" if r[k] is not None else "—"
                              for k in ("handling", "effective", "satisfaction", "compliance"))] for r in rows])  # fmt: skip
    elif key == "surveys":
        _table(doc, [_("Compound"), _("Quarter"), *data["party_labels"]],
               [[r["compound"], r["quarter"], *r["cells"]] for r in rows])  # fmt: skip
    elif key == "assessments":
        _table(doc, [_("Assessed"), _("Kind"), _("Period"), _("Score"), _("Grade"), _("Rank")],
               [[r["subject"], r["kind"], r["period"], r["total"], r["band"], r["rank"]] for r in rows])  # fmt: skip
    elif key == "awards":
        _table(doc, [_("Award"), _("Year"), _("Awarded")], [[r["award"], r["year"], r["name"]] for r in rows])
    elif key == "groups":
        _table(doc, [_("Inspection group"), _("Inspections"), _("Rectification orders issued")],
               [[r["name"], r["inspections"], r["orders"]] for r in rows])  # fmt: skip
