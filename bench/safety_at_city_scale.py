"""Benchmark: the hazard ledger at city scale (not a test; prints times, queries and ratios).

    .venv/bin/python bench/safety_at_city_scale.py [--schools 1000] [--hazards 100000] [--visits 20000]

Builds a fresh database (SQLite in a temporary folder, or an EMPTY PostgreSQL database given as
DATABASE_URL) with the synthetic city of `manage.py demo --schools N`, N hazards spread over the schools
(statuses, categories, dates of a year) and, when the inspections app is installed, a campaign with
`--visits` visits whose findings are linked to hazards. Rows are bulk-inserted: this measures reading,
not writing. Then, as the city leader, it prints for each page or figure: median time, number of queries,
and the ratio against the bare SQL the page rests on (the same rows or aggregate fetched with one
hand-written query and no rendering).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def setup_django():
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="eb-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def build(args):
    from django.apps import apps
    from django.core.management import call_command

    from edubureau.demo import builder
    from edubureau.org.models import OrgUnit
    from edubureau.safety.models import Hazard, HazardCategory

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    builder.build_city(n_schools=args.schools)
    rng = random.Random(2026)
    schools = list(OrgUnit.objects.schools().values_list("pk", flat=True))
    categories = list(HazardCategory.objects.values_list("pk", flat=True))
    statuses = ["found", "rectifying", "awaiting_check", "closed", "closed", "closed", "void"]
    today = datetime.date(2026, 11, 23)
    visit_ids = []
    if apps.is_installed("edubureau.inspections"):
        visit_ids = build_visits(args, schools, rng)
    rows = []
    for n in range(args.hazards):
        found = today - datetime.timedelta(days=rng.randrange(365))
        status = rng.choice(statuses)
        from_visit = visit_ids and n % 5 == 0
        rows.append(
            Hazard(
                school_id=rng.choice(schools),
                place=f"教学楼{rng.randrange(1, 6)}层",
                category_id=rng.choice(categories),
                level="major" if n % 500 == 0 else "general",
                source="inspection" if from_visit else "self_check",
                source_type="inspections.visit" if from_visit else "",
                source_id=rng.choice(visit_ids) if from_visit else None,
                found_on=found,
                description="消防通道堆放杂物",
                deadline=found + datetime.timedelta(days=rng.randrange(5, 40)),
                status=status,
                closed_on=found + datetime.timedelta(days=rng.randrange(1, 30))
                if status == "closed"
                else None,
                rectified_on=found + datetime.timedelta(days=rng.randrange(1, 30))
                if status in {"closed", "awaiting_check"}
                else None,
            )
        )
    Hazard.objects.bulk_create(rows, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics, as a live database has them
        cursor.execute("ANALYZE")
    print(
        f"built {OrgUnit.objects.count()} units, {Hazard.objects.count()} hazards, {len(visit_ids)} visits "
        f"in {time.perf_counter() - started:.1f}s"
    )


def build_visits(args, schools, rng):
    """A survey campaign over every school with teams and recorded visits, bulk-inserted."""
    from edubureau.accounts.models import User
    from edubureau.inspections import models as m
    from edubureau.org.models import OrgUnit

    admin = User.objects.get(username="admin")
    department = OrgUnit.objects.filter(kind="department").first() or OrgUnit.objects.get(depth=0)
    template = m.ChecklistTemplate.objects.create(owner=department, name="开学安全检查表", created_by=admin)
    campaign = m.Campaign.objects.create(
        name="秋季开学安全大检查",
        theme="semester_start",
        mode="survey",
        start=datetime.date(2026, 9, 1),
        end=datetime.date(2026, 10, 31),
        department=department,
        template=template,
        target_rule="all",
        status="open",
        created_by=admin,
    )
    m.CampaignTarget.objects.bulk_create([m.CampaignTarget(campaign=campaign, school_id=s) for s in schools])
    teams = m.Team.objects.bulk_create(
        [m.Team(campaign=campaign, name=f"第{n}督查组") for n in range(1, 101)]
    )
    m.Visit.objects.bulk_create(
        [
            m.Visit(
                campaign=campaign,
                team=rng.choice(teams),
                school_id=rng.choice(schools),
                visited_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=rng.randrange(60)),
                present_count=rng.randrange(2, 6),
                status="recorded",
            )
            for _ in range(args.visits)
        ],
        batch_size=5000,
    )
    return list(m.Visit.objects.values_list("pk", flat=True))


def measure(label, func, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    func()
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            func()
            times.append(time.perf_counter() - started)
        queries = len(ctx.captured_queries)
    median = statistics.median(times)
    print(f"  {label:<52} {median * 1000:9.1f} ms  {queries:3d} queries")
    return median


def bare(sql, params=()):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def main():
    args = parse()
    setup_django()
    from django.test import Client

    from edubureau.accounts.models import User
    from edubureau.safety import selectors
    from edubureau.safety.models import Hazard

    build(args)
    leader = User.objects.get(username="leader")
    client = Client()
    client.force_login(leader)
    print(f"database: {os.environ['DATABASE_URL'].split(':')[0]}; as {leader.username}")

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    def ratio(ours, base):
        print(f"  {'':<52} ratio {ours / base:6.1f}× the bare SQL")

    table = Hazard._meta.db_table
    ours = measure("hazard list page /safety/ (page 1, 20 rows)", page("/safety/"), args.repeat)
    base = measure(
        "  bare SQL: count + first 20 rows",
        lambda: (
            bare(f"SELECT COUNT(*) FROM {table}")(),
            bare(f"SELECT * FROM {table} ORDER BY found_on DESC, id DESC LIMIT 20")(),
        ),
        args.repeat,
    )
    ratio(ours, base)

    ours = measure("bureau overview /safety/overview/", page("/safety/overview/"), args.repeat)
    base = measure(
        "  bare SQL: counts by status",
        bare(f"SELECT status, COUNT(*) FROM {table} GROUP BY status"),
        args.repeat,
    )
    ratio(ours, base)

    today = datetime.date(2026, 11, 23)
    ours = measure(
        "figures: hazard_figures(all hazards)",
        lambda: selectors.hazard_figures(Hazard.objects.all(), today=today),
        args.repeat,
    )
    base = measure(
        "  bare SQL: the same aggregate",
        bare(
            f"SELECT COUNT(*), SUM(CASE WHEN status='closed' THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN fixed_on_spot THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN status IN ('found','rectifying') AND deadline < %s THEN 1 ELSE 0 END) FROM {table}",
            [today],
        ),
        args.repeat,
    )
    ratio(ours, base)

    ours = measure(
        "figures: breakdown by town",
        lambda: selectors.hazard_breakdown(Hazard.objects.all(), "town", today=today),
        args.repeat,
    )
    base = measure(
        "  bare SQL: count by school",
        bare(f"SELECT school_id, COUNT(*) FROM {table} GROUP BY school_id"),
        args.repeat,
    )
    ratio(ours, base)

    from django.apps import apps as django_apps

    if django_apps.is_installed("edubureau.inspections"):
        from edubureau.inspections import figures
        from edubureau.inspections.models import Campaign

        campaign = Campaign.objects.get()
        visits_table = "inspections_visit"

        def campaign_figures():
            return {
                name: f.func(Campaign.objects.filter(pk=campaign.pk), user=leader, today=today)
                for name, f in figures.FIGURES.items()
            }

        ours = measure("campaign figures (all named figures, as the leader)", campaign_figures, args.repeat)
        base = measure(
            "  bare SQL: visits, person-visits, schools covered, hazards",
            lambda: (
                bare(
                    f"SELECT COUNT(*), SUM(present_count), COUNT(DISTINCT school_id) FROM {visits_table} WHERE campaign_id = %s",
                    [campaign.pk],
                )(),
                bare(
                    f"SELECT status, COUNT(*) FROM {table} WHERE source_type = 'inspections.visit' GROUP BY status"
                )(),
            ),
            args.repeat,
        )
        ratio(ours, base)
        ours = measure("campaign page /inspections/<id>/", page(f"/inspections/{campaign.pk}/"), args.repeat)
        ratio(ours, base)

    since = today - datetime.timedelta(days=30)
    n_month = Hazard.objects.filter(found_on__gte=since).count()
    ours = measure(
        f"Excel export, last 30 days ({n_month} rows)",
        page(f"/safety/export/?found_from={since}"),
        max(1, args.repeat // 2),
    )
    base = measure(
        "  bare SQL: the same rows with school and category",
        bare(
            f"SELECT h.*, o.name, c.name FROM {table} h JOIN org_orgunit o ON o.id = h.school_id "
            f"JOIN safety_hazardcategory c ON c.id = h.category_id WHERE h.found_on >= %s",
            [since],
        ),
        max(1, args.repeat // 2),
    )
    ratio(ours, base)


if __name__ == "__main__":
    main()
