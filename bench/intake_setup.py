"""Set-up for bench/intake.sh, against the database in DATABASE_URL: the demo town (seed_demo),
its default case categories, and an API token acting as the demo town's office. Writes the token
and the codes the load script needs to the file given as the first argument, as shell variables."""

import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")  # the database bench/intake.sh uses

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from gongzhi.api.services import create_api_token  # noqa: E402
from gongzhi.cases.configuration import install_default_categories  # noqa: E402
from gongzhi.cases.models import Category  # noqa: E402
from gongzhi.core.models import User  # noqa: E402
from gongzhi.demo.town import TOWN_CODE  # noqa: E402
from gongzhi.orgs.models import ServiceContract  # noqa: E402
from gongzhi.places.models import Compound, Town  # noqa: E402


def main(out: Path) -> None:
    call_command("seed_demo", "--if-empty")
    town = Town.objects.get(code=TOWN_CODE)
    install_default_categories(actor=None, town=town)
    _token, secret = create_api_token(actor=None, town=town, user=User.objects.get(username="office"), name="bench")
    # Compounds with a property company under contract, so that every category routes normally.
    served = ServiceContract.objects.filter(town=town).values("compound_id")
    compounds = list(Compound.objects.filter(town=town, pk__in=served).values_list("code", flat=True))
    categories = list(Category.objects.filter(town=town, parent=None).values_list("code", flat=True))
    out.write_text(
        f"INTAKE_TOKEN={shlex.quote(secret)}\n"
        f"INTAKE_COMPOUNDS={shlex.quote(','.join(compounds))}\n"
        f"INTAKE_CATEGORIES={shlex.quote(','.join(categories))}\n"
    )
    print(
        f"{town.name}: {len(compounds)} compounds under contract, {len(categories)} categories, token {_token.prefix}…"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
