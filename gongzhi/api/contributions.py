"""What the HTTP API adds to the platform (gongzhi.core.registry): the periodic step that makes
hotline intakes left behind into cases (they are normally made by their own loop every second)."""

from gongzhi.core import registry

from .services import process_intakes

registry.sweep(10, "intakes", process_intakes)
