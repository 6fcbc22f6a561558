from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of a demo account, for trying the demo "
        "without an authenticator app. Refused in production mode."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if settings.PRODUCTION:
            raise CommandError("Refusing to print sign-in codes in production mode.")
        user = get_user_model().objects.filter(username=username).first()
        device = two_factor.device_for(user) if user else None
        if device is None:
            raise CommandError(f"{username} has no authenticator set up.")
        self.stdout.write(two_factor.current_code(device.key))
