from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.compound_list, name="compound_list"),
    path("neighborhoods/", views.neighborhood_list, name="neighborhood_list"),
    path("neighborhoods/new/", views.neighborhood_create, name="neighborhood_create"),
    path("neighborhoods/<uid:uid>/", views.neighborhood_detail, name="neighborhood_detail"),
    path("neighborhoods/<uid:uid>/edit/", views.neighborhood_edit, name="neighborhood_edit"),
    path("compounds/new/", views.compound_create, name="compound_create"),
    path("compounds/<uid:uid>/", views.compound_detail, name="compound_detail"),
    path("compounds/<uid:uid>/edit/", views.compound_edit, name="compound_edit"),
    path("compounds/<uid:uid>/invite-code/", views.compound_renew_invite, name="compound_renew_invite"),
    path("compounds/<uid:compound_uid>/buildings/new/", views.building_create, name="building_create"),
    path("buildings/<uid:uid>/", views.building_detail, name="building_detail"),
    path("buildings/<uid:uid>/edit/", views.building_edit, name="building_edit"),
    path("buildings/<uid:building_uid>/units/new/", views.unit_create, name="unit_create"),
    path("units/<uid:uid>/", views.unit_detail, name="unit_detail"),
    path("units/<uid:uid>/edit/", views.unit_edit, name="unit_edit"),
]
