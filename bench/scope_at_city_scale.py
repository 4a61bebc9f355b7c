"""Benchmark: org scope at city scale (not a test; prints times, query counts and ratios).

    .venv/bin/python bench/scope_at_city_scale.py [--schools 1000] [--staff 50]

Builds a fresh database (SQLite in a temporary folder, or the PostgreSQL of DATABASE_URL, which must be
empty) with the synthetic city of `manage.py demo --schools N` plus N×staff teachers, then measures, as a
city leader and as a school admin:
  - the org tree page, the user list page and the unit list API: wall time and number of queries;
  - our scoped queryset (one prefix-match query) against a naive per-unit permission check
    (the code a first attempt often writes: load every unit, ask "may this user see it?" one by one).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--staff", type=int, default=50, help="teachers per school")
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def setup_django():
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="eb-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")
    os.environ.setdefault("EDUBUREAU_DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build(schools, staff):
    from django.core.management import call_command

    from edubureau.accounts.models import Membership, Role, User
    from edubureau.demo import builder
    from edubureau.org.models import OrgUnit

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    builder.build_city(n_schools=schools)
    teacher = Role.objects.get(code="teacher")
    school_ids = list(OrgUnit.objects.schools().values_list("pk", flat=True))
    users = [
        User(
            username=f"bench{sid}_{n}",
            real_name=f"教师{n}",
            unit_id=sid,
            must_change_password=False,
            password="x",
        )
        for sid in school_ids
        for n in range(staff)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    Membership.objects.bulk_create(
        [
            Membership(user_id=u, role=teacher, unit_id=s)
            for u, s in User.objects.filter(username__startswith="bench").values_list("pk", "unit_id")
        ],
        batch_size=2000,
    )
    print(
        f"built {OrgUnit.objects.count()} units, {User.objects.count()} users in {time.perf_counter() - started:.1f}s"
    )


def measure(label, func, repeat):
    from django.db import connection, reset_queries

    func()  # warm up
    times, queries = [], 0
    from django.test.utils import CaptureQueriesContext

    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            func()
            times.append(time.perf_counter() - started)
        queries = len(ctx.captured_queries)
    reset_queries()
    median = statistics.median(times)
    print(f"  {label:<44} {median * 1000:8.1f} ms  {queries:3d} queries")
    return median


def main():
    args = parse()
    setup_django()
    from django.test import Client

    from edubureau.accounts import scope
    from edubureau.accounts.models import User
    from edubureau.org.models import OrgUnit

    build(args.schools, args.staff)
    leader = User.objects.get(username="leader")
    school_admin = User.objects.get(username="xiaoxue1")
    print(f"database: {os.environ['DATABASE_URL'].split(':')[0]}")

    for user in (leader, school_admin):
        client = Client()
        client.force_login(user)
        print(f"\nas {user.username} ({OrgUnit.objects.visible_to(user).count()} units in scope)")
        for label, url in [
            ("org tree page /org/", "/org/"),
            ("user list page /users/", "/users/"),
            ("unit list API /api/v1/org/units?limit=500", "/api/v1/org/units?limit=500"),
        ]:

            def get(url=url, client=client):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            measure(label, get, args.repeat)

        def scoped(user=user):
            fresh = User.objects.get(pk=user.pk)
            return list(OrgUnit.objects.visible_to(fresh).values_list("pk", flat=True))

        def naive(user=user):
            fresh = User.objects.get(pk=user.pk)
            visible = []
            for unit in OrgUnit.objects.all():
                # one membership query per unit: "does any of my memberships cover this unit?"
                covering = fresh.memberships.filter(ended_at__isnull=True, unit__isnull=False).select_related(
                    "unit", "role"
                )
                if any(
                    unit.path.startswith(m.unit.path) and "org.view" in m.role.permissions for m in covering
                ):
                    visible.append(unit.pk)
            return visible

        assert sorted(scoped()) == sorted(naive()), "the two methods must agree"
        ours = measure("scoped queryset (visible_to)", scoped, args.repeat)
        theirs = measure("naive per-unit permission check", naive, max(1, args.repeat // 2))
        print(f"  ratio naive / scoped: {theirs / ours:.0f}x")
        scope.forget(user)


if __name__ == "__main__":
    main()
