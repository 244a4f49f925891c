from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    # Organisations
    path("", views.organization_list, name="organization_list"),
    path("new/", views.organization_create, name="organization_create"),
    path("o/<uid:uid>/", views.organization_detail, name="organization_detail"),
    path("o/<uid:uid>/edit/", views.organization_edit, name="organization_edit"),
    # Bodies: leadership group, office, inspection groups
    path("bodies/", views.body_list, name="body_list"),
    path("towns/<uid:uid>/inspection-coverage/", views.inspection_overlap_rule, name="inspection_overlap_rule"),
    path("bodies/<uid:uid>/", views.body_detail, name="body_detail"),
    path("bodies/<uid:uid>/edit/", views.body_edit, name="body_edit"),
    path("bodies/<uid:uid>/member-units/new/", views.body_member_unit_add, name="body_member_unit_add"),
    path(
        "bodies/<uid:uid>/member-units/<int:pk>/remove/", views.body_member_unit_remove, name="body_member_unit_remove"
    ),
    path("bodies/<uid:uid>/coverage/new/", views.body_coverage_add, name="body_coverage_add"),
    path("bodies/<uid:uid>/coverage/<int:pk>/remove/", views.body_coverage_remove, name="body_coverage_remove"),
    # People and memberships
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<uid:uid>/", views.person_detail, name="person_detail"),
    path("people/<uid:uid>/edit/", views.person_edit, name="person_edit"),
    path("people/<uid:uid>/phone/", views.person_phone, name="person_phone"),
    path("people/<uid:uid>/memberships/new/", views.membership_add, name="membership_add"),
    path("memberships/<uid:uid>/edit/", views.membership_edit, name="membership_edit"),
    path("memberships/<uid:uid>/end/", views.membership_end, name="membership_end"),
    # Property service contracts
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<uid:uid>/", views.contract_detail, name="contract_detail"),
    path("contracts/<uid:uid>/edit/", views.contract_edit, name="contract_edit"),
    # Duty lists of the four parties
    path("duties/", views.duty_list, name="duty_list"),
    path("duties/new/", views.duty_create, name="duty_create"),
    path("duties/<uid:uid>/edit/", views.duty_edit, name="duty_edit"),
    path("duties/<uid:uid>/retire/", views.duty_retire, name="duty_retire"),
    # Residents' ties to units
    path("residents/claims/", views.residency_claims, name="residency_claims"),
    path("residents/<uid:uid>/verify/", views.residency_verify, name="residency_verify"),
    path("residents/<uid:uid>/reject/", views.residency_reject, name="residency_reject"),
    path("residents/<uid:uid>/end/", views.residency_end, name="residency_end"),
    path("units/<uid:uid>/bind/", views.residency_bind, name="residency_bind"),
]
