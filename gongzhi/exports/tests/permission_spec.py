"""Permission-matrix routes of the exports (see gongzhi/core/tests/matrix.py): "My exports" is
everyone's own page; starting the case list's export needs the right to read cases; a job, its
status, its file and its retry are its owner's alone (404 for everyone else, the platform
administrator included)."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from gongzhi.cases.tests.spec_staff import VIEW_CASES  # the case list's readers may export it
from gongzhi.core.tests.matrix import ANON, PERSONAS, Route, only

FILE_NAME = "exports/permission-matrix.xlsx"


def routes(world):
    from gongzhi.exports.models import ExportJob

    if not default_storage.exists(FILE_NAME):
        default_storage.save(FILE_NAME, ContentFile(b"PK\x03\x04 not a real workbook"))
    office = world.users["office"]
    done = ExportJob.objects.create(
        owner=office, kind="cases", title="t", file_name="cases.xlsx", state="done", file=FILE_NAME
    )
    failed = ExportJob.objects.create(owner=office, kind="cases", title="t", file_name="cases.xlsx", state="failed")
    everyone = {**{p: 200 for p in PERSONAS}, ANON: 302}
    return [
        Route("exports:list", expect=everyone),
        Route("exports:list", method="POST", expect={**{p: 405 for p in PERSONAS}, ANON: 302}),
        Route("exports:start", args=("cases",), method="POST", expect=only({p: 302 for p in VIEW_CASES})),
        Route("exports:start", args=("cases",), expect={**{p: 405 for p in PERSONAS}, ANON: 302}),
        Route("exports:start", args=("nosuchlist",), method="POST", expect=only({})),
        Route("exports:job", args=(done.uid,), expect=only({"office": 200})),
        Route("exports:job", args=("nosuchjob234",), expect=only({})),
        Route("exports:job_status", args=(done.uid,), expect=only({"office": 200})),
        Route("exports:download", args=(done.uid,), expect=only({"office": 200})),
        Route("exports:download", args=(failed.uid,), expect=only({})),  # no file: not even its owner
        # The wrong method is refused before anything is looked up (any code, anyone's or none).
        Route("exports:download", args=(done.uid,), method="POST", expect={**{p: 405 for p in PERSONAS}, ANON: 302}),
        # Starting a done export again is refused on its page (302, nothing changes); others: 404.
        Route("exports:retry", args=(done.uid,), method="POST", expect=only({"office": 302})),
        Route("exports:retry", args=(done.uid,), expect={**{p: 405 for p in PERSONAS}, ANON: 302}),
    ]
