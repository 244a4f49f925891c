"""What the written notices hold about a user, for their page "My personal data" and its
download (gongzhi.accounts.personal_data): the opinions they gave, and the replies."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.personal_data import Section, unit_label

from .models import Opinion


def _opinions(user) -> list[dict]:
    rows = (
        Opinion.objects.filter(author=user)
        .select_related("notice", "unit__compound", "unit__building")
        .order_by("-created_at", "-pk")
    )
    return [
        {
            "notice": o.notice.title,
            "unit": unit_label(o.unit),
            "text": o.text,
            "given_at": o.created_at,
            "reply": o.reply,
            "replied_at": o.replied_at,
        }
        for o in rows
    ]


SECTIONS = (
    Section(
        60,
        "opinions",
        _("Opinions on notices"),
        _opinions,
        "notices/personal_data/opinions.html",
        empty=_("You have not given an opinion on a notice."),
        covers=("notices.opinion.author",),
    ),
)

NOT_INCLUDED = {
    "notices.opinion.replied_by": "The staff member who replied; the reply itself is listed with the opinion.",
    "notices.notice.created_by": "Work record: who wrote a notice.",
    "notices.notice.published_by": "Work record: who published a notice.",
}
