from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tuntas.complaints.seeding import SeedingError, reports_seed


class Command(BaseCommand):
    help = (
        "Generate N SYNTHETIC reports (invented texts, invented reporters with @contoh.test "
        "addresses, random numbers and access codes) for demonstrations and benchmarks. "
        "Seeded data is synthetic: never run it on a database holding real reports. "
        "Requires institutions (run `tuntas demo load` first). Prints nothing secret."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--reports", type=int, required=True, help="How many reports.")
        parser.add_argument("--batch", type=int, default=5000, help="Rows per transaction (5000).")
        parser.add_argument(
            "--seed", type=int, default=42, help="Fixes the texts and their spread (42)."
        )
        parser.add_argument(
            "--identities",
            type=float,
            default=0.1,
            help="Share of non-anonymous reports that get a (sealed, synthetic) identity (0.1).",
        )
        parser.add_argument(
            "--pairs-file",
            type=Path,
            help="Write the first --pairs report numbers and access codes here (mode 0600), "
            "for benchmarks of the tracking page.",
        )
        parser.add_argument("--pairs", type=int, default=1000, help="How many pairs (1000).")
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Seed even though DEBUG is off (benchmark machines only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "DEBUG is off, so this may be a production database: synthetic reports are not "
                "seeded there. Use --allow-without-debug on a benchmark machine."
            )
        if options["reports"] < 1:
            raise CommandError("--reports must be at least 1.")
        if not 0 <= options["identities"] <= 1:
            raise CommandError("--identities must be between 0 and 1.")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        verbosity = options["verbosity"]
        step = max(options["reports"] // 20, options["batch"])
        next_report = [step]

        def progress(made: int, seconds: float) -> None:
            if verbosity >= 1 and (made >= next_report[0] or made == options["reports"]):
                next_report[0] = made + step
                rate = made / seconds if seconds else 0
                self.stdout.write(f"  {made:>10,} reports  {seconds:7.1f} s  {rate:8,.0f}/s")

        try:
            result = reports_seed(
                count=options["reports"],
                batch_size=options["batch"],
                seed=options["seed"],
                identity_share=options["identities"],
                pairs_file=options["pairs_file"],
                pairs=options["pairs"] if options["pairs_file"] else 0,
                progress=progress,
            )
        except SeedingError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.count:,} synthetic reports ({result.identities:,} with an "
                f"identity) in {result.seconds:.1f} s"
                + (
                    f"; {result.pairs_written} number/code pairs written to {options['pairs_file']}"
                    if result.pairs_written
                    else ""
                )
                + "."
            )
        )
