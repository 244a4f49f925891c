"""The trend chart in a real browser (Debian's Chromium through Playwright): the unfinished month
is drawn apart — its point hollow, the segment to it dashed, its axis label followed by "so far (not
finished)" — and the composite index is a series where the town shows it. The story is
test_rates_honest's (October finished, today in November). Screenshots go to
test-artifacts/screenshots/."""

import pytest

from gongzhi.browser_testing import screenshot
from gongzhi.cases.models import CaseSettings

from .test_rates_honest import client_for, story  # noqa: F401 - the same story and clients

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen("2026-10-12 09:00")]


def test_the_unfinished_month_is_hollow_dashed_and_labelled(
    live_server,
    world,
    story,  # noqa: F811
    client_for,  # noqa: F811
    desktop_page,
):
    CaseSettings.objects.update_or_create(town=world.town, defaults={"show_composite": True})
    session = client_for("office").cookies["sessionid"].value
    page = desktop_page
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": session, "url": live_server.url},
            {"name": "django_language", "value": "en", "url": live_server.url},
        ]
    )
    page.goto(f"{live_server.url}/rates/?at=town.{world.town.uid}&start=2026-09&end=2026-11")
    page.wait_for_function("window.echarts && echarts.getInstanceByDom(document.getElementById('rates-chart'))")
    option = page.evaluate(
        """() => {
        const chart = echarts.getInstanceByDom(document.getElementById('rates-chart'));
        const o = chart.getOption();
        return {
          series: o.series.map(s => ({name: s.name, dashed: (s.lineStyle || {}).type === 'dashed',
                                      data: s.data.map(d => (d && typeof d === 'object') ? d : {value: d})})),
          legend: o.legend[0].data,
          labels: o.xAxis[0].data.map((v, i) => o.xAxis[0].axisLabel.formatter(v, i)),
        };
    }"""
    )
    assert option["labels"] == ["2026-09", "2026-10", "2026-11\nso far (not finished)"]
    names = ["Handling rate (调处率)", "Effective-disposal rate (处置有效率)", "Satisfaction rate (群众满意率)"]
    assert option["legend"] == [*names, "Composite index (综合指数)"]
    solid = [s for s in option["series"] if not s["dashed"]]
    dashed = [s for s in option["series"] if s["dashed"]]
    assert len(solid) == len(dashed) == 4
    handling_solid = next(s for s in solid if s["name"] == names[0])
    handling_dashed = next(s for s in dashed if s["name"] == names[0])
    # The finished months on the solid line; the unfinished one only on the dashed segment, hollow,
    # the segment starting (without a second symbol) at the last finished point.
    assert [d["value"] for d in handling_solid["data"]] == [None, 92.9, None]
    assert handling_dashed["data"][0]["value"] is None
    assert handling_dashed["data"][1] == {"value": 92.9, "symbol": "none"}
    assert handling_dashed["data"][2]["value"] == 0.0 and handling_dashed["data"][2]["symbol"] == "emptyCircle"
    screenshot(page, "rates-trend-unfinished-month")
