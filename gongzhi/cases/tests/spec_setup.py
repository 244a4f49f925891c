"""Permission-matrix routes of gongzhi/cases/views/setup.py."""

from gongzhi.core.tests.matrix import ANON, PERSONAS, Route, only


def routes(world):
    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import Category

    install_default_categories(actor=None, town=world.town)
    category = Category.objects.get(town=world.town, code="REPAIR")
    town = f"town={world.town.uid}"
    settings_people = {"office": 200, "admin": 200}
    post_only = {**{p: 405 for p in PERSONAS}, ANON: 302}
    return [
        Route("cases:setup", expect=only({**settings_people, "outsider": 200})),
        Route(
            "cases:setup_defaults",
            method="POST",
            data={"town": world.town.uid},
            expect=only({"office": 302, "admin": 302}),
        ),
        Route("cases:setup_defaults", expect=post_only),
        Route("cases:category_new", query=town, expect=only(settings_people)),
        Route("cases:category_edit", args=(category.uid,), expect=only(settings_people)),
        Route(
            "cases:category_retire",
            args=(category.uid,),
            method="POST",
            data={"version": "0"},
            expect=only({"office": 302, "admin": 302}),
        ),
        Route("cases:category_retire", args=(category.uid,), expect=post_only),
        Route("cases:case_settings", query=town, expect=only(settings_people)),
    ]
