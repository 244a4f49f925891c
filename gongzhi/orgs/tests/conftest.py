import pytest

from gongzhi.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English source strings (the default language is zh-hans)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def audited():
    """audited(action, obj) → the audit entries of that action on that object."""

    def entries(action, obj):
        return AuditEntry.objects.filter(action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk))

    return entries
