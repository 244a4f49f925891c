from gongzhi.core.tests.matrix import ANON, PERSONAS, Route


def routes(world):
    from gongzhi.notifications.models import Notification

    mine = Notification.objects.create(user=world.users["office"], text="test", url="/")
    everyone = {p: 200 for p in PERSONAS}
    return [
        Route("notifications:list", expect={**everyone, ANON: 302}),
        Route("notifications:read_all", method="POST", expect={**{p: 302 for p in PERSONAS}, ANON: 302}),
        Route("notifications:read_all", expect={**{p: 405 for p in PERSONAS}, ANON: 302}),
        # Only its owner opens a notification; for everyone else it does not exist.
        Route(
            "notifications:open",
            args=(mine.pk,),
            method="POST",
            expect={**{p: 404 for p in PERSONAS}, "office": 302, ANON: 302},
        ),
    ]
