"""`parley jobs`: each background job kind, when it last ran well, and its last failure."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from parley.jobs import registry
from parley.jobs.models import JobState


class Command(BaseCommand):
    help = "List the background job kinds a worker runs, with their last good run and last failure."

    def handle(self, **options):
        states = {state.name: state for state in JobState.objects.all()}
        now = timezone.now()
        failing = 0
        for job in registry.JOBS:
            state = states.get(job.name)
            if state is None:
                self.stdout.write(f"{job.name:<18} not run yet")
                continue
            ok = f"ok {_ago(now, state.last_ok_at)}" if state.last_ok_at else "never ok"
            line = f"{job.name:<18} {ok}"
            if state.failing:
                failing += 1
                line += f"; FAILING ({state.failures} in a row, last {_ago(now, state.last_failed_at)}): " \
                        f"{state.last_error.splitlines()[-1] if state.last_error else ''}"
            self.stdout.write(line)
        if failing:
            self.stdout.write(f"{failing} job kind{'s' if failing != 1 else ''} failing")


def _ago(now, moment) -> str:
    seconds = int((now - moment).total_seconds())
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"
