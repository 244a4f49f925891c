"""The cases app's part of the permission matrix, one module per views module."""

from . import spec_public, spec_rates, spec_setup, spec_staff


def routes(world):
    return [*spec_staff.routes(world), *spec_public.routes(world), *spec_rates.routes(world), *spec_setup.routes(world)]
