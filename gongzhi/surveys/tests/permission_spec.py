"""Permission-matrix routes of the satisfaction surveys. The survey of 世博家园 (c3) is seen by the town
(office, leadership), inspection group g1 (which covers 世博) and the parties of 世博家园 (the
property company serving it, 世博's party organisation where 'cross_appointed' sits); it is
conducted only by g1 and the office, managed by the office. The resident's page opens by its
link, without sign-in."""

from gongzhi.core.tests.matrix import ANON, PERSONAS, Route, only

VIEWERS = (
    "office", "leader", "inspector", "party_secretary", "rc_worker", "oc_member", "property_manager",
    "cross_appointed", "outsider", "admin",
)  # fmt: skip
SEE_C3 = ("office", "leader", "inspector", "property_manager", "cross_appointed", "admin")
CONDUCT_C3 = ("office", "inspector", "admin")
MANAGE = ("office", "admin")


def ok(personas, status=200):
    return only({p: status for p in personas})


def everyone(status):
    return {**{p: status for p in PERSONAS}, ANON: status}


def routes(world):
    from gongzhi.surveys import services
    from gongzhi.surveys.models import SampledUnit
    from gongzhi.surveys.tests.factories import fill, open_survey

    fill(world.c3, {"2号楼": 12})
    survey = open_survey(world)
    row = survey.units.filter(status=SampledUnit.Status.PENDING).first()
    token = services.link_token(row)
    q = survey.questionnaire.uid
    s, u = survey.uid, row.uid
    return [
        Route("surveys:list", expect=ok(VIEWERS)),
        Route("surveys:new", expect=ok((*MANAGE, "outsider"))),
        Route("surveys:new", method="POST", data={}, expect=ok((*MANAGE, "outsider"), 400)),
        Route("surveys:questionnaires", expect=ok((*MANAGE, "outsider"))),
        Route("surveys:questionnaire_new", expect=ok(("office", "outsider"))),  # the administrator has no one town
        Route("surveys:settings", expect=ok(("office", "outsider"))),  # the office's own town; not the administrator
        Route("surveys:settings", method="POST", data={}, expect=ok(("office", "outsider"), 400)),
        Route("surveys:questionnaire", args=(q,), expect=ok(MANAGE)),
        Route("surveys:questionnaire", args=(q,), method="POST", data={}, expect=ok(MANAGE, 400)),
        Route("surveys:questionnaire_publish", args=(q,), method="POST", expect=ok(MANAGE, 302)),
        Route("surveys:detail", args=(s,), expect=ok(SEE_C3)),
        Route("surveys:draw", args=(s,), method="POST", expect=ok(CONDUCT_C3, 302)),
        Route("surveys:open", args=(s,), method="POST", expect=ok(MANAGE, 302)),
        Route("surveys:close", args=(s,), method="POST", expect=ok(MANAGE, 302)),  # no version: refused, back
        Route("surveys:unit", args=(s, u), expect=ok(CONDUCT_C3)),
        Route("surveys:unit", args=(s, u), method="POST", data={}, expect=ok(CONDUCT_C3, 400)),
        Route("surveys:nonresponse", args=(s, u), method="POST", data={}, expect=ok(CONDUCT_C3, 302)),
        Route("surveys:links", args=(s,), expect=ok(CONDUCT_C3)),
        Route("surveys:results", args=(s,), expect=ok(SEE_C3)),
        Route("surveys:export", args=(s,), expect=ok(SEE_C3)),
        Route("surveys:pdf", args=(s,), expect=ok(SEE_C3)),
        Route("surveys:answer", args=(token,), expect=everyone(200)),
        Route("surveys:answer", args=("not-a-token",), expect=everyone(404)),
        Route("surveys:thanks", expect=everyone(200)),
    ]
