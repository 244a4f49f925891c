"""The demo's logins, one per persona, as the README lists them (and `manage.py demo_logins` prints)."""

from __future__ import annotations

from dataclasses import dataclass

from gongzhi.core.models import User

DEMO_PASSWORD = "gongzhi-demo"  # noqa: S105 - the published demo password
RESIDENT_PHONE = "13800138000"


@dataclass(frozen=True)
class Persona:
    username: str
    role: str
    where: str


PERSONAS = [
    Persona("office", "社区事务管理办公室 主任 (office)", "浦江镇"),
    Persona("leader", "领导小组 组长 (leadership group)", "浦江镇"),
    Persona("inspector", "第一检查组 组员 (inspection group)", "世博、新城"),
    Persona("secretary", "居民区党总支书记 (party secretary)", "新城"),
    Persona("rcworker", "居委会社工 (residents' committee)", "新城"),
    Persona("owners", "业委会主任 (owners' committee)", "新城一村"),
    Persona("property", "小区经理 (property company)", "佳园物业: 新城一村 …"),
    Persona("outsider", "梅陇镇办公室 (another town)", "梅陇镇"),
    Persona("admin", "平台管理员 (platform administrator)", "all towns"),
]


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, where) of each persona whose login exists in this database."""
    existing = set(User.objects.filter(username__in=[p.username for p in PERSONAS]).values_list("username", flat=True))
    return [(p.username, p.role, p.where) for p in PERSONAS if p.username in existing]
