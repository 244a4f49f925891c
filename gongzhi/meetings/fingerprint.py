"""The joint-meeting compliance table in a database's fingerprint (gongzhi.core.fingerprint): each
town's neighborhoods, this year, month by month, as the compliance page computes it
(`compliance.table`)."""

from __future__ import annotations

from datetime import date

from gongzhi.core.fingerprint import platform_reader

from . import compliance


def compliance_figures(today: date) -> dict[str, str]:
    """`<town code>/<neighborhood code>` → this year's months held of months assessed, and each
    month's status."""
    neighborhoods = compliance.neighborhoods_for(platform_reader()).select_related("town")
    out = {}
    for row in compliance.table(neighborhoods, today.year, today):
        months = " ".join(f"{period[-2:]} {status}" for period, status in row.months)
        out[f"{row.neighborhood.town.code}/{row.neighborhood.code}"] = (
            f"{today.year}: {row.held} of {row.assessed} held; {months}"
        )
    return out
