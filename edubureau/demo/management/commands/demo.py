"""manage.py demo: build the demo county (or, with --schools N, a large synthetic city) in an empty
database. When the database already holds org units it does nothing, so a run script may call it every
time. `--logins` prints the demo accounts only."""

from django.core.management.base import BaseCommand, CommandError

from edubureau.demo import builder
from edubureau.demo.data import DEFAULT_SEED, DEMO_PASSWORD
from edubureau.org.models import OrgUnit


class Command(BaseCommand):
    help = (
        "生成演示数据：默认为虚构的青岚县（约45所学校及各角色用户）；--schools N 生成含N所学校的虚构城市"
        "（用于性能测试）。数据库中已有单位时不做任何事。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（默认 %(default)s）")
        parser.add_argument(
            "--schools", type=int, default=None, metavar="N", help="生成含 N 所学校的大型虚构城市（N≥10）"
        )
        parser.add_argument("--logins", action="store_true", help="只列出演示账号，不生成数据")

    def handle(self, *args, seed, schools, logins, **options):
        if logins:
            self._print_logins()
            return
        if schools is not None and schools < 10:
            raise CommandError("--schools 至少为 10。")
        existing = OrgUnit.objects.count()
        if existing:
            self.stdout.write(f"数据库中已有 {existing} 个单位，不再生成演示数据。")
            return
        what = f"虚构城市（{schools} 所学校）" if schools else "演示县"
        self.stdout.write(f"正在生成{what}，随机种子 {seed} ……")
        try:
            if schools:
                result = builder.build_city(n_schools=schools, seed=seed, log=self.stdout.write)
            else:
                result = builder.build_county(seed=seed, log=self.stdout.write)
        except builder.DemoError as exc:
            raise CommandError(str(exc)) from exc
        if result is None:
            self.stdout.write("数据库中已有单位，不再生成演示数据。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成演示数据：{result.area}，{result.schools} 所学校，{result.users} 个用户，"
                f"共用时 {result.total_seconds:.2f} 秒。"
            )
        )
        self.stdout.write("")
        self.stdout.write("单位：" + "，".join(f"{label} {n}" for label, n in builder.unit_counts()))
        self.stdout.write("分组：" + "，".join(f"{label} {n}" for label, n in builder.group_counts()))
        self.stdout.write("角色：" + "，".join(f"{label} {n}" for label, n in builder.role_counts()))
        self.stdout.write("")
        self._print_logins()

    def _print_logins(self):
        rows = builder.demo_logins()
        if not rows:
            self.stdout.write("数据库中没有演示账号（演示数据只在空数据库中生成）。")
            return
        self.stdout.write("演示账号：")
        self.stdout.write(builder.format_logins(rows))
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(f"所有演示账号的密码均为：{DEMO_PASSWORD}   （仅供演示，切勿用于生产环境）")
        )
