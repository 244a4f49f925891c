"""Who gets what on every URL of the evaluation reports (walked by core/tests/test_permission_matrix.py).
Actions are posted without their forms' data: whoever may take the action gets the page back with
the reason (400) — nothing changes, so the walk is repeatable; whoever may not gets 404.

The office, the leadership group and the inspection groups read their town's reports; the office
writes them (the outsider, another town's office, reaches only its own pages); the leadership group
decides. A recipient organisation's members read what it received (新城党总支's secretary: the
delivery to 新城党总支, not 世博党总支's) and confirm it (the confirmation changes nothing the second
time); the office, the leadership group and the inspection groups read every delivery of their
town's reports but confirm none."""

from gongzhi.core.tests.matrix import Route, only

VIEWERS = ("office", "leader", "inspector", "admin")
WRITERS = ("office", "admin")
OFFICES = ("office", "outsider", "admin")
DECIDERS = ("office", "leader", "admin")  # the office carries the permission; the service refuses it
RECEIVERS = ("party_secretary", "rc_worker", "oc_member", "property_manager", "gov_staff", "cross_appointed", "admin")


def ok(personas, status=200):
    return only({p: status for p in personas})


def routes(world):
    from django.utils import timezone

    from gongzhi.evaluation_reports import services
    from gongzhi.evaluation_reports.models import Delivery

    office, leader = world.users["office"], world.users["leader"]
    year = timezone.localdate().year - 1
    draft = services.create_report(actor=office, town=world.town, kind="quarter", period=f"{year}Q4")
    services.assemble(draft.pk, draft.assembly_requested_at.isoformat())
    done = services.create_report(actor=office, town=world.town, kind="year", period=str(year))
    services.assemble(done.pk, done.assembly_requested_at.isoformat())
    done.refresh_from_db()
    done = services.submit(actor=office, report=done, version=done.version)
    done = services.approve(actor=leader, report=done, version=done.version)
    services.make_files(done.pk)
    done.refresh_from_db()
    done = services.distribute(actor=office, report=done, version=done.version)
    po1 = Delivery.objects.get(report=done, organization=world.orgs["po1"])
    section = draft.sections.get(key="overview")
    readers_of_po1 = {"party_secretary": 200, **{p: 200 for p in VIEWERS}}
    return [
        Route("evaluation_reports:home", expect=ok((*VIEWERS, "outsider"))),
        Route("evaluation_reports:home", query="kind=year", expect=ok((*VIEWERS, "outsider"))),
        Route("evaluation_reports:new", expect=ok(OFFICES)),
        Route("evaluation_reports:new", method="POST", data={}, expect=ok(OFFICES, 400)),
        Route("evaluation_reports:recipients", expect=ok(OFFICES)),
        Route("evaluation_reports:recipients", method="POST", data={}, expect=ok(OFFICES, 400)),
        Route("evaluation_reports:received_list", expect=ok(RECEIVERS)),
        Route("evaluation_reports:report", args=(draft.uid,), expect=ok(VIEWERS)),
        Route("evaluation_reports:report", args=(done.uid,), expect=ok(VIEWERS)),
        Route("evaluation_reports:report", args=("abcdefghjkmn",), expect=ok(())),
        Route("evaluation_reports:progress", args=(draft.uid,), expect=ok(VIEWERS)),
        Route("evaluation_reports:assemble", args=(draft.uid,), method="POST", expect=ok(WRITERS, 400)),
        Route("evaluation_reports:submit", args=(draft.uid,), method="POST", expect=ok(WRITERS, 400)),
        Route("evaluation_reports:approve", args=(draft.uid,), method="POST", expect=ok(DECIDERS, 400)),
        Route("evaluation_reports:send_back", args=(draft.uid,), method="POST", expect=ok(DECIDERS, 400)),
        Route("evaluation_reports:distribute", args=(done.uid,), method="POST", expect=ok(WRITERS, 400)),
        Route("evaluation_reports:files", args=(done.uid,), method="POST", expect=ok(WRITERS, 400)),
        Route("evaluation_reports:new_version", args=(done.uid,), method="POST", expect=ok(WRITERS, 400)),
        Route("evaluation_reports:pdf", args=(done.uid,), expect=ok(VIEWERS)),
        Route("evaluation_reports:docx", args=(done.uid,), expect=ok(VIEWERS)),
        Route("evaluation_reports:pdf", args=(draft.uid,), expect=ok(())),  # a draft has no files
        Route("evaluation_reports:transmittal", args=(done.uid,), expect=ok(VIEWERS)),
        Route("evaluation_reports:transmittal_pdf", args=(done.uid,), expect=ok(VIEWERS)),
        Route("evaluation_reports:transmittal", args=(draft.uid,), expect=ok(())),  # not distributed
        Route("evaluation_reports:section_save", args=(section.uid,), method="POST", expect=ok(WRITERS, 400)),
        Route("evaluation_reports:section_drafts", args=(section.uid,), expect=ok(VIEWERS)),
        Route("evaluation_reports:received", args=(po1.uid,), expect=only(readers_of_po1)),
        Route("evaluation_reports:received_pdf", args=(po1.uid,), expect=only(readers_of_po1)),
        Route(
            "evaluation_reports:received_confirm",
            args=(po1.uid,),
            method="POST",
            expect=only({"party_secretary": 302}),
        ),  # fmt: skip
    ]
