"""The task worker: django-tasks' database worker (``django_tasks_db``), which rides out a database that goes
away for a while (a primary restarting, a failover) instead of exiting.

It takes the place of django_tasks_db's own ``db_worker`` (mpp.core comes first in INSTALLED_APPS), with the same
arguments. Upstream's worker exits on any database error other than a locked SQLite file, leaving the queue
unworked until something restarts it; this one gives up the round, drops its connections and tries again a little
later (``mpp.core.db.outages``). A task that was running when the database went away stays claimed by this worker
and is run again only through django-tasks' own rules; the tasks here are written to be run again safely.
"""

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from mpp.core.db.outages import database_outages_waited


class Worker(db_worker.Worker):
    def run(self) -> None:
        while self.running:
            with database_outages_waited() as outage:
                super().run()
            if not outage.waited:
                return  # the most tasks run, or a signal to stop


class Command(db_worker.Command):
    help = "Run the task worker (django-tasks' database worker), riding out database outages"

    def handle(self, *, reload, **options):
        if reload or options["batch"]:  # development's reloading worker, or one batch: upstream's as it is
            return super().handle(reload=reload, **options)
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=False,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
