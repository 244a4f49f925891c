"""manage.py create_api_token --town CODE --user USERNAME --name "12345 hotline bridge"

Creates a token for the HTTP API acting as USERNAME in the town CODE and prints its secret once:
only its SHA-256 is stored, so a lost secret cannot be shown again (create a new token and revoke
the old one: manage.py create_api_token --revoke PREFIX)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gongzhi.api.models import ApiToken
from gongzhi.api.services import create_api_token, revoke_api_token
from gongzhi.core.models import User
from gongzhi.places.models import Town


class Command(BaseCommand):
    help = "Create an API token for a town and an account (prints the secret once), or revoke one."

    def add_arguments(self, parser):
        parser.add_argument("--town", help="The town's code.")
        parser.add_argument("--user", help="The account the API acts as, e.g. an office account of the town.")
        parser.add_argument("--name", help="What uses the token, e.g. '12345 hotline bridge'.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the active token whose prefix this is.")
        parser.add_argument("--quiet-secret", action="store_true", help="Print only the secret (for scripts).")

    def handle(self, *args, **options):
        if options["revoke"]:
            return self._revoke(options["revoke"])
        missing = [f"--{name}" for name in ("town", "user", "name") if not options[name]]
        if missing:
            raise CommandError(f"Missing {', '.join(missing)}.")
        town = Town.objects.filter(code=options["town"]).first()
        if town is None:
            raise CommandError(f"No town with the code {options['town']!r}.")
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No account with the username {options['user']!r}.")
        try:
            token, secret = create_api_token(actor=None, town=town, user=user, name=options["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        if options["quiet_secret"]:
            self.stdout.write(secret)
            return
        self.stdout.write(f"Token {token.name!r} for {town.name} ({town.code}), acting as {user.get_username()}.")
        self.stdout.write("Secret (shown this once; store it in the bridge's configuration):")
        self.stdout.write(secret)
        self.stdout.write(f"Use it as:  Authorization: Bearer {token.prefix}…")

    def _revoke(self, prefix):
        tokens = list(ApiToken.objects.active().filter(prefix=prefix))
        if len(tokens) != 1:
            raise CommandError(f"{len(tokens)} active tokens have the prefix {prefix!r}; give the whole prefix.")
        revoke_api_token(actor=None, token=tokens[0])
        self.stdout.write(f"Revoked {tokens[0]}.")
