from django.core.management.base import BaseCommand

from courses.demo.seed import demo_seed


class Command(BaseCommand):
    help = "Build the demo catalogue (once) and print the demo people's credentials."

    def handle(self, *args, **options):
        people = demo_seed()
        self.stdout.write(self.style.SUCCESS("Demo people (sign in with email):"))
        for person in people:
            self.stdout.write(
                f"  {person['role']:<11} {person['email']:<26} {person['password']}"
            )
