from django.core.management.base import BaseCommand

from teilhabe.demo.services import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Builds the Hannover LIP 4.0 demo (safe to run again) and prints one login per role."

    def handle(self, *args, **options):
        result = demo_seed(log=self.stdout.write)
        self.stdout.write(f"\nPersona logins (password for all: {DEMO_PASSWORD}):")
        for role, user in result["personas"].items():
            self.stdout.write(f"  {role.label:<32} {user.email}")
