"""Scoped querysets shared by several apps, built on gongzhi.core.scope.ScopedQuerySet."""

from __future__ import annotations

from django.db.models import Q

from .scope import NOTHING, Area, ScopedQuerySet


class NeighborhoodScopedQuerySet(ScopedQuerySet):
    """Rows of a neighborhood: seen by its town, its neighborhood, and the compounds in it (an
    owners' committee or a property company takes part in its compound's neighborhood meeting).
    Subclasses set `view_permission`, and `neighborhood_path` when the row reaches its
    neighborhood through another row (e.g. "meeting__neighborhood")."""

    neighborhood_path = "neighborhood"

    def area_q(self, area: Area, scope) -> Q:
        path = self.neighborhood_path
        q = area.q(town="town", neighborhood=path, compound=None)
        if area.compounds:
            q = (Q() if q == NOTHING else q) | Q(**{f"{path}__in": self._neighborhoods_of(area.compounds)})
        return q

    def _neighborhoods_of(self, compounds):
        """A subquery of the neighborhoods holding these compounds. The models are found through
        the relations (the neighborhood's reverse relation `compounds`), so core imports no app."""
        model = self.model
        for name in self.neighborhood_path.split("__"):
            model = model._meta.get_field(name).related_model
        compounds_of = model._meta.get_field("compounds")
        return compounds_of.related_model._default_manager.filter(pk__in=compounds).values(compounds_of.field.attname)
