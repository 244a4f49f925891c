from gongzhi.core.tests.matrix import Route, only

IMPORTERS = ("office", "outsider", "admin")  # onboarding.import: the offices (and the platform admin)


def ok(personas, status=200):
    return only({p: status for p in personas})


def _job(world, town, persona, **fields):
    from gongzhi.onboarding.models import ImportJob

    return ImportJob.objects.create(
        town=town,
        uploaded_by=world.users[persona],
        file_name="导入.xlsx",
        file="imports/none.xlsx",
        sha256="0" * 64,
        **{
            "status": ImportJob.Status.INVALID,
            "errors": [{"sheet": "房屋", "row": 2, "column": "专有面积（㎡）", "message": "…", "level": "error"}],
            **fields,
        },
    )


def routes(world):
    job = _job(world, world.town, "office")
    other = _job(world, world.other, "outsider")
    done = _job(world, world.town, "office", status="done", report={"sheets": {}})
    return [
        Route("onboarding:upload", expect=ok(IMPORTERS)),
        # An empty submission: the form is shown again with its errors; nothing is created.
        Route("onboarding:upload", method="POST", expect=ok(IMPORTERS)),
        Route("onboarding:template", expect=ok(IMPORTERS)),
        Route("onboarding:template", method="POST", expect=ok(IMPORTERS, 405)),
        Route("onboarding:job", args=(job.uid,), expect=ok(("office", "admin"))),
        Route("onboarding:job", args=(other.uid,), expect=ok(("outsider", "admin"))),
        Route("onboarding:job", args=("nosuchjob234",), expect=only({})),
        Route("onboarding:job_status", args=(job.uid,), expect=ok(("office", "admin"))),
        Route("onboarding:job_status", args=(other.uid,), expect=ok(("outsider", "admin"))),
        Route("onboarding:job_errors", args=(job.uid,), expect=ok(("office", "admin"))),
        Route("onboarding:job_errors", args=(other.uid,), expect=ok(("outsider", "admin"))),
        Route("onboarding:job_errors", args=(job.uid,), method="POST", expect=ok(IMPORTERS, 405)),
        # The preview's buttons and undo: a job not in the state for them is left as it is (the
        # refusal is flashed on its page: 302); another town's job is not found.
        Route("onboarding:confirm", args=(job.uid,), method="POST", expect=ok(("office", "admin"), 302)),
        Route("onboarding:confirm", args=(other.uid,), method="POST", expect=ok(("outsider", "admin"), 302)),
        Route("onboarding:confirm", args=(job.uid,), expect=ok(IMPORTERS, 405)),
        Route("onboarding:discard", args=(job.uid,), method="POST", expect=ok(("office", "admin"), 302)),
        Route("onboarding:discard", args=(other.uid,), method="POST", expect=ok(("outsider", "admin"), 302)),
        Route("onboarding:discard", args=(job.uid,), expect=ok(IMPORTERS, 405)),
        Route("onboarding:preview_again", args=(job.uid,), method="POST", expect=ok(("office", "admin"), 302)),
        Route("onboarding:preview_again", args=(other.uid,), method="POST", expect=ok(("outsider", "admin"), 302)),
        Route("onboarding:preview_again", args=(job.uid,), expect=ok(IMPORTERS, 405)),
        Route("onboarding:undo", args=(done.uid,), expect=ok(("office", "admin"))),
        Route("onboarding:undo", args=(job.uid,), expect=ok(("office", "admin"), 302)),  # not imported: to its page
        Route("onboarding:undo", args=(other.uid,), expect=ok(("outsider", "admin"), 302)),
        Route("onboarding:undo", args=(job.uid,), method="POST", expect=ok(("office", "admin"), 302)),
        Route("onboarding:undo", args=("nosuchjob234",), method="POST", expect=only({})),
    ]
