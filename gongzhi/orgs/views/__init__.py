"""The pages of organisations, bodies, people, contracts, duty lists and residents' ties to units,
one module per sub-domain: thin views — permission, scoped fetch, form, service, message,
redirect."""

from .bodies import (  # noqa: F401
    body_coverage_add,
    body_coverage_remove,
    body_detail,
    body_edit,
    body_list,
    body_member_unit_add,
    body_member_unit_remove,
    inspection_overlap_rule,
)
from .contracts import contract_create, contract_detail, contract_edit, contract_list  # noqa: F401
from .duties import duty_create, duty_edit, duty_list, duty_retire  # noqa: F401
from .organizations import organization_create, organization_detail, organization_edit, organization_list  # noqa: F401
from .people import (  # noqa: F401
    membership_add,
    membership_edit,
    membership_end,
    person_create,
    person_detail,
    person_edit,
    person_list,
    person_phone,
)
from .residencies import residency_bind, residency_claims, residency_end, residency_reject, residency_verify  # noqa: F401
