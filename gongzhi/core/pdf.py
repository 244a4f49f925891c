"""PDF from an HTML template with WeasyPrint (DESIGN.md: letters, minutes, reports, posters).
The documents need nothing from outside: no URL protocol is allowed but `data:` (pictures drawn
on the server and embedded in the page, such as a report's charts), so nothing is ever fetched,
and their fonts are the machine's CJK fonts (Debian fonts-wqy-microhei or Noto CJK)."""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading WeasyPrint takes a moment
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()
