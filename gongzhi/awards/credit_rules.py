"""The credit rule the awards write by (gongzhi.credit.rules): an announced 好管家 or
优秀物业服务企业达标 is a good record about the company (or the manager), once per candidate."""

from django.utils.translation import gettext_lazy as _

from gongzhi.credit import rules

AWARDED = rules.register(rules.Rule("awards.award", _("Award announced"), "good", grade_points=10, demerit_points=0))
