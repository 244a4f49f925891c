"""What onboarding adds to the platform (gongzhi.core.registry): the import quick link."""

from django.utils.translation import gettext_lazy as _

from gongzhi.core import registry

registry.quick_link(
    40, "onboarding:upload", icon="bi-file-earmark-spreadsheet", label=_("Import from a spreadsheet"),
    visible=lambda request, scope: scope.has("onboarding.import"),
)  # fmt: skip
registry.nav_item(70, "onboarding:upload", label=_("Import"), active=("onboarding",), permission="onboarding.import")
