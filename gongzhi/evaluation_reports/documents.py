"""A report as its readers see it, one structure for the page, the PDF and the Word file: the
sections in order — each with its heading, the office's text, the figures of its topic (from the
snapshot, each with its link and records) and its tables — then the neighborhoods' sections (all,
or those a recipient receives in full), and the charts drawn from the same snapshot
(gongzhi.evaluation_reports.charts). Nothing here computes a figure."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core.pdf import html_to_pdf

from . import charts, figures

PARTY_KINDS = figures.PARTY_KINDS


@dataclass
class Part:
    key: str
    heading: str
    text: str
    section_id: int
    figures: list = field(default_factory=list)
    tables: dict = field(default_factory=dict)
    neighborhood: dict | None = None

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
    if ranking:
        out.append(
            Chart(
                _("The three rates by neighborhood"),
                charts.bars(
                    _("The three rates by neighborhood"),
                    [r["name"] for r in ranking],
                    [
                        charts.Series(handling, tuple(r["handling"] for r in ranking)),
                        charts.Series(effective, tuple(r["effective"] for r in ranking)),
                        charts.Series(satisfaction, tuple(r["satisfaction"] for r in ranking)),
                    ],
                    empty=_("no data"),
                ),
            )
        )
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
                {"uid": nb.get("uid"), "name": section.heading},
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
    if not rows:
        return
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = str(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = "" if text is None else str(text)


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
