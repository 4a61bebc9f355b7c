"""The demo county's inspection campaigns of the year, written through the services.

- 开学安全大检查: a survey of every school with self-checks; four teams (one per supervision zone: a
  bureau officer, the zone's supervisor and an outside expert) visit every school;
- 防溺水专项抽查: a spot check of 8 primary and junior schools drawn with a recorded seed;
- 校园燃气安全专项检查: six schools with canteens; eight problems found, all fixed on the spot;
- 元旦前校园安全暗访: an unannounced check of 6 drawn schools, still running: 3 visits recorded, the
  other schools do not know yet;
- 冬季消防安全自查: a self-check of every school, still open: some have submitted, the others have it
  on their to-do list (the key school 县实验小学 among them).

Hazards found go to the safety ledger (hazard_report) and live their lives through the safety
services: old ones rectified and verified, a few overdue, recent ones on their way. Services date
records "now"; the builder moves the campaign, visit and self-check times to the story's dates
afterwards (the audit log keeps the real write times).
"""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from edubureau.accounts.models import Membership, User
from edubureau.org.choices import SCHOOL_KINDS, UnitKind
from edubureau.org.models import OrgGroup, OrgUnit

from . import services
from .choices import AnswerType, Mode, SelfCheckStatus, TargetRule, Theme
from .models import Campaign, CampaignTarget, SelfCheck, Visit

LABEL = "安全检查"

Y, N, T = AnswerType.YES_NO_NA, AnswerType.NUMBER, AnswerType.TEXT

# (category, text, standard, answer type, makes hazards, hazard category)
GENERAL_ITEMS = (
    (
        "安全管理",
        "安全工作责任制落实，安全目标责任书已签订",
        "校长为第一责任人，层层签订责任书。",
        Y,
        False,
        "",
    ),
    ("安全管理", "隐患排查台账按周更新", "每周排查并记录，隐患整改闭环。", Y, True, "other"),
    ("安全管理", "应急预案齐全，本学期已开展疏散演练", "", Y, False, ""),
    (
        "消防安全",
        "灭火器配置齐全、压力正常、在有效期内",
        "每层不少于2具，压力表指针在绿区。",
        Y,
        True,
        "fire",
    ),
    ("消防安全", "疏散通道、安全出口畅通，应急照明完好", "通道无堆物，指示标志清晰。", Y, True, "fire"),
    ("消防安全", "微型消防站人员在岗、器材完好", "", Y, True, "fire"),
    ("用电安全", "配电箱（柜）加锁，线路无私拉乱接", "", Y, True, "electricity"),
    ("用电安全", "学生宿舍无违规使用大功率电器", "无电热毯、热得快等。", Y, True, "electricity"),
    ("食品安全", "食堂从业人员健康证齐全有效", "", Y, True, "food"),
    ("食品安全", "食品留样不少于48小时，记录完整", "每餐次每品种留样不少于125克。", Y, True, "food"),
    ("食品安全", "燃气管道、软管完好，安装泄漏报警装置", "", Y, True, "gas"),
    ("校舍与设施", "校舍墙体、围墙无开裂、倾斜", "", Y, True, "building"),
    ("校舍与设施", "体育器材、大型玩具牢固无锈蚀", "", Y, True, "facility"),
    ("安保与周边", "专职保安在岗人数", "按规定配备，寄宿制学校不少于2人。", N, False, ""),
    ("安保与周边", "一键报警与公安联网，视频监控运行正常", "", Y, True, "security"),
    ("交通安全", "上下学时段护学岗落实，校门口交通秩序良好", "", Y, True, "traffic"),
    ("其他", "其他需要说明的情况", "", T, False, ""),
)
DROWNING_ITEMS = (
    ("防溺水教育", "本学期已开展防溺水专题教育并有记录", "", Y, False, ""),
    ("防溺水教育", "《致家长的一封信》已发放并回收", "回收率不低于95%。", Y, False, ""),
    ("危险水域", "学校周边危险水域数量", "学校周边1公里内的河道、水塘、水库。", N, False, ""),
    ("危险水域", "周边危险水域设置警示标志", "", Y, True, "drowning"),
    ("危险水域", "危险水域配备救生圈、救生杆等器材", "", Y, True, "drowning"),
    ("家校共管", "节假日前开展防溺水安全提醒", "", Y, False, ""),
)
GAS_ITEMS = (
    ("燃气设施", "燃气管道、阀门无锈蚀、无泄漏", "", Y, True, "gas"),
    ("燃气设施", "软管为金属波纹管，长度不超过2米", "", Y, True, "gas"),
    ("燃气设施", "安装可燃气体泄漏报警和自动切断装置", "", Y, True, "gas"),
    ("燃气设施", "液化气钢瓶独立存放、直立固定", "", Y, True, "gas"),
    ("燃气管理", "操作人员经过燃气安全培训", "", Y, False, ""),
    ("燃气管理", "燃气泄漏应急处置预案齐全", "", Y, False, ""),
)
FIRE_ITEMS = (
    ("消防设施", "灭火器、消火栓完好有效", "", Y, True, "fire"),
    ("消防设施", "疏散通道畅通、安全出口未锁闭", "", Y, True, "fire"),
    ("消防设施", "消防设施维保记录完整", "", Y, False, ""),
    ("冬季用电", "宿舍无违规用电取暖", "", Y, True, "electricity"),
    ("冬季用电", "取暖设备使用有专人管理", "", Y, True, "electricity"),
    ("消防教育", "本学期已开展消防安全教育和疏散演练", "", Y, False, ""),
)

# Where a failed item was found and what was wrong, by hazard category.
FAILURES = {
    "fire": (
        ("教学楼二楼走廊", "两具灭火器压力不足"),
        ("学生宿舍一楼", "安全出口指示灯不亮"),
        ("图书馆", "疏散通道堆放纸箱"),
    ),
    "electricity": (("学生宿舍三楼", "发现学生使用电热毯"), ("食堂操作间", "配电箱未加锁，线路裸露")),
    "food": (("食堂", "一名从业人员健康证过期"), ("食堂留样间", "留样记录缺两天")),
    "gas": (("食堂操作间", "燃气软管老化开裂"), ("食堂燃气间", "泄漏报警器未通电")),
    "building": (("围墙东段", "围墙出现裂缝"), ("教学楼外墙", "外墙瓷砖空鼓")),
    "facility": (("操场", "篮球架底座锈蚀松动"), ("幼儿活动室", "滑梯连接件松动")),
    "security": (("学校大门", "一键报警未与公安联网"), ("监控室", "三个监控点位无图像")),
    "traffic": (("校门口", "放学时段车辆乱停，护学岗缺人"),),
    "drowning": (("学校东侧河道", "河道边警示牌缺失"), ("村口水塘", "未配备救生圈")),
    "other": (("安全办公室", "隐患排查台账两周未更新"),),
}
GAS_SPOT_FIXES = (
    ("食堂操作间", "燃气软管与灶具接口卡箍松动", "现场紧固卡箍并试漏"),
    ("食堂燃气间", "两只液化气钢瓶未固定", "现场加装固定链"),
    ("食堂操作间", "燃气报警器电源插头脱落", "现场恢复供电并测试报警"),
    ("食堂燃气间", "钢瓶间堆放纸箱等可燃物", "现场清理可燃物"),
    ("食堂操作间", "灶前阀门手柄缺失", "现场更换阀门手柄"),
    ("食堂操作间", "燃气软管穿墙未加套管", "现场加装保护套管"),
    ("锅炉房", "燃气管道标识脱落", "现场补贴管道标识"),
    ("食堂燃气间", "通风口被杂物遮挡", "现场清理通风口"),
)
EXPERTS = (
    ("钱建国", "县消防救援大队"),
    ("孙丽华", "县市场监督管理局"),
    ("周海涛", "县住房和城乡建设局燃气办"),
    ("冯志明", "县公安局治安大队"),
    ("何晓燕", "县水利局"),
)
REMARKS = ("无", "无", "已完成本学期安全培训", "门卫室监控屏幕老化，已申请更换", "无")


def _photo(rng, n):
    image = Image.new("RGB", (320, 240), rng.choice(((170, 60, 50), (60, 110, 160), (90, 130, 80))))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x, y = rng.randint(0, 260), rng.randint(0, 180)
        draw.rectangle((x, y, x + rng.randint(20, 90), y + rng.randint(20, 70)), fill=(230, 230, 220))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=65)
    return SimpleUploadedFile(f"IMG_JC{n:04d}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _at(day, hour=10):
    """`day` at `hour`, never later than now."""
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0))), timezone.now())


def _items(specs):
    return [
        {
            "category": c,
            "text": t,
            "standard": s,
            "answer_type": a,
            "creates_hazard_on_fail": m,
            "hazard_category": h,
        }
        for c, t, s, a, m, h in specs
    ]


class _Story:
    def __init__(self, rng, today, officer):
        self.rng = rng
        self.today = today
        self.officer = officer  # the safety department's officer: organises, leads, verifies
        self.photos = 0
        self.hazards = 0
        school_people = {}
        rows = Membership.objects.current().filter(
            role__code__in=("school_admin", "safety_officer"), user__is_active=True, unit__isnull=False
        )
        for m in rows.select_related("user", "role").order_by("pk"):
            key = "admin" if m.role.code == "school_admin" else "officer"
            school_people.setdefault(m.unit_id, {}).setdefault(key, m.user)
        self.people = school_people

    def photo(self):
        self.photos += 1
        return _photo(self.rng, self.photos)

    def day_between(self, start, end):
        end = min(end, self.today)
        return start + datetime.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def answers(self, campaign, fail_rate, *, forced=()):
        """Answers to every item: mostly 符合; hazard items fail at `fail_rate` (or when forced)."""
        result = []
        for n, item in enumerate(campaign.template.items.order_by("order", "pk")):
            if item.answer_type == N:
                result.append({"item": item, "number": self.rng.randint(1, 4)})
            elif item.answer_type == T:
                result.append({"item": item, "text": self.rng.choice(REMARKS)})
            elif item.makes_hazards and (n in forced or self.rng.random() < fail_rate):
                place, note = self.rng.choice(FAILURES[item.hazard_category])
                result.append({"item": item, "verdict": "fail", "place": place, "note": note})
            elif not item.makes_hazards and self.rng.random() < fail_rate / 2:
                result.append({"item": item, "verdict": "fail"})
            else:
                result.append({"item": item, "verdict": "pass"})
        return result

    def settle(self, hazard, *, found_on, bureau_verifies):
        """Take a new hazard along its life according to its age."""
        from edubureau.safety import services as safety

        rng = self.rng
        who = self.people.get(hazard.school_id, {})
        rectifier = who.get("officer") or who.get("admin")
        verifier = self.officer if bureau_verifies or rectifier == who.get("admin") else who.get("admin")
        if rectifier is None or verifier is None:
            return
        age = (self.today - found_on).days
        if age < 2:
            return  # just found
        roll = rng.random()
        if age > 30:
            final = "overdue" if roll < 0.06 else "closed"
        elif age > 10:
            final = "closed" if roll < 0.5 else "awaiting" if roll < 0.75 else "rectifying"
        else:
            final = "rectifying" if roll < 0.7 else "found"
        if final == "found":
            return
        started = found_on + datetime.timedelta(days=1)
        deadline = found_on + datetime.timedelta(days=rng.choice((7, 10, 14)))
        if final == "overdue":
            deadline = found_on + datetime.timedelta(days=5)
        elif final == "rectifying":
            deadline = max(deadline, self.today + datetime.timedelta(days=3))
        hazard = safety.hazard_start_rectify(
            actor=rectifier,
            hazard=hazard,
            deadline=deadline,
            measures="制定整改方案，明确责任人和完成时限，整改后拍照留档。",
            responsible_person=rectifier.real_name,
            at=_at(started, 9),
        )
        if final in ("rectifying", "overdue"):
            return
        done = min(started + datetime.timedelta(days=rng.randint(2, 6)), self.today)
        hazard = safety.hazard_submit_rectification(
            actor=rectifier,
            hazard=hazard,
            note="已按整改方案完成整改，附整改后照片。",
            photos=[self.photo()],
            rectified_on=done,
            at=_at(done, 15),
        )
        if final == "awaiting":
            return
        checked = min(done + datetime.timedelta(days=rng.randint(1, 3)), self.today)
        safety.hazard_verify(
            actor=verifier,
            hazard=hazard,
            accepted=True,
            note="经现场复核，整改到位，同意销号。",
            at=_at(checked, 16),
        )


def _hazards_of(source_type, pk, day, hour):
    """The hazards a visit or self-check reported, with their report step moved to the story's day."""
    from edubureau.safety.models import Hazard, HazardAttachment, HazardEvent

    hazards = list(Hazard.objects.filter(source_type=source_type, source_id=pk).order_by("pk"))
    when = _at(day, hour)
    ids = [h.pk for h in hazards]
    HazardEvent.objects.filter(hazard_id__in=ids, action__in=("report", "fix_on_spot")).update(
        occurred_at=when
    )
    HazardAttachment.objects.filter(hazard_id__in=ids, event__action__in=("report", "fix_on_spot")).update(
        uploaded_at=when
    )
    Hazard.objects.filter(pk__in=ids, fixed_on_spot=True).update(rectified_at=when, verified_at=when)
    return hazards


def build(*, admin, units, seed):
    rng = random.Random(f"inspections-{seed}")
    today = timezone.localdate()
    officer = User.objects.get(username="anquan")
    department = units["anquan"]
    bureau_staff = [User.objects.get(username=u) for u in ("anquan", "dudao", "jijiao", "bangong")]
    supervisors = [User.objects.get(username=f"dx{i}") for i in range(1, 5)]
    story = _Story(rng, today, officer)
    schools = list(
        OrgUnit.objects.filter(
            path__startswith=units["bureau"].path, kind__in=SCHOOL_KINDS, status="active"
        ).order_by("pk")
    )
    zones = list(OrgGroup.objects.filter(kind="supervision_zone", code__startswith="zone-").order_by("code"))

    templates = {
        "general": services.template_create(
            actor=officer,
            name="学校安全综合检查表",
            description="开学检查、节前检查和暗访通用，覆盖安全管理、消防、用电、食品、校舍、安保和交通。",
            items=_items(GENERAL_ITEMS),
        ),
        "drowning": services.template_create(
            actor=officer, name="防溺水安全检查表", items=_items(DROWNING_ITEMS)
        ),
        "gas": services.template_create(actor=officer, name="校园燃气安全检查表", items=_items(GAS_ITEMS)),
        "fire": services.template_create(actor=officer, name="冬季消防安全自查表", items=_items(FIRE_ITEMS)),
    }

    def campaign(name, theme, mode, start, end, template, *, close_on=None, **rule):
        c = services.campaign_create(
            actor=officer,
            name=name,
            theme=theme,
            mode=mode,
            start=start,
            end=end,
            department=department,
            template=templates[template],
            **rule,
        )
        c = services.campaign_open(actor=officer, campaign=c)
        Campaign.objects.filter(pk=c.pk).update(opened_at=_at(start - datetime.timedelta(days=3), 9))
        c.close_on = close_on
        return c

    def close(c, note):
        services.campaign_close(actor=officer, campaign=c, note=note)
        Campaign.objects.filter(pk=c.pk).update(closed_at=_at(c.close_on, 17))

    def team(c, name, leader, members=(), experts=()):
        specs = [{"kind": "staff", "user": leader, "is_leader": True}]
        specs += [{"kind": "supervisor" if m in supervisors else "staff", "user": m} for m in members]
        specs += [{"kind": "expert", "name": n, "affiliation": a} for n, a in experts]
        return services.team_create(actor=officer, campaign=c, name=name, members=specs)

    def visit(c, t, school, day, *, fail_rate, present=None, findings=(), forced=()):
        assignment = t.assignments.get(school=school)
        members = list(t.members.all())
        present = present or members
        v = services.visit_save(
            actor=t.members.get(is_leader=True).user,
            assignment=assignment,
            visited_on=day,
            present_names="、".join(m.name for m in present),
            notes=f"{t.name}按检查表逐项检查，查阅台账，实地查看重点部位。",
            answers=story.answers(c, fail_rate, forced=forced),
            findings=findings,
            record=True,
        )
        Visit.objects.filter(pk=v.pk).update(recorded_at=_at(day, 17))
        for hazard in _hazards_of("inspections.visit", v.pk, day, 11):
            story.hazards += 1
            if not hazard.fixed_on_spot:
                story.settle(hazard, found_on=day, bureau_verifies=True)
        return v

    def self_check(c, school, day, *, fail_rate, submit=True):
        who = story.people.get(school.pk, {})
        actor = who.get("officer") or who.get("admin")
        if actor is None:
            return None
        target = CampaignTarget.objects.get(campaign=c, school=school)
        answers = story.answers(c, fail_rate)
        if not submit:
            answers = answers[: len(answers) // 2]
        check = services.selfcheck_save(
            actor=actor,
            target=target,
            note="已组织全校开展自查，发现问题已登记整改。" if submit else "",
            answers=answers,
            submit=submit,
            at=_at(day, 11),
        )
        for hazard in _hazards_of("inspections.selfcheck", check.pk, day, 11):
            story.hazards += 1
            story.settle(hazard, found_on=day, bureau_verifies=False)
        return check

    # 1. 开学安全大检查: every school, self-check first, then the zone teams visit.
    start = today - datetime.timedelta(days=80)
    season = "秋季" if start.month in (8, 9, 10, 11) else "春季"
    survey = campaign(
        f"{start.year}年{season}开学安全大检查",
        Theme.SEMESTER_START,
        Mode.SURVEY,
        start,
        start + datetime.timedelta(days=27),
        "general",
        close_on=start + datetime.timedelta(days=33),
        target_rule=TargetRule.ALL,
        self_check_required=True,
        self_check_due=start + datetime.timedelta(days=9),
        description="各校对照检查表全面自查，9日内提交；县教育局分四个督查组对全县学校逐校检查。",
    )
    zone_of = {}
    for i, zone in enumerate(zones):
        for unit_id in zone.memberships.values_list("unit_id", flat=True):
            zone_of[unit_id] = i
    for school in schools:  # teaching points go with the school they belong to
        if school.pk not in zone_of and school.parent_id in zone_of:
            zone_of[school.pk] = zone_of[school.parent_id]
    survey_teams = []
    for i in range(len(zones)):
        t = team(
            survey,
            f"第{'一二三四'[i]}督查组",
            bureau_staff[i],
            [supervisors[i]],
            [EXPERTS[i]],
        )
        mine = [s for s in schools if zone_of.get(s.pk, 0) == i]
        services.team_assign(actor=officer, team=t, schools=mine, planned_on=None)
        survey_teams.append((t, mine))
    late = {schools[-1].pk, schools[len(schools) // 2].pk}
    for school in schools:
        if school.pk in late:
            if school.pk == schools[-1].pk:
                self_check(survey, school, start + datetime.timedelta(days=8), fail_rate=0.05, submit=False)
            continue
        self_check(survey, school, story.day_between(start + 2 * _DAY, start + 9 * _DAY), fail_rate=0.04)
    for t, mine in survey_teams:
        members = list(t.members.all())
        for school in mine:
            present = members if rng.random() < 0.8 else members[:2]
            day = story.day_between(start + 10 * _DAY, start + 26 * _DAY)
            visit(survey, t, school, day, fail_rate=0.05, present=present)
    close(survey, f"全县{len(schools)}所学校全部完成自查和督查检查，发现的隐患已全部登记并督促整改。")

    # 2. 防溺水专项抽查: 8 of the primary, junior and nine-year schools, drawn with a public seed.
    start = today - datetime.timedelta(days=190)
    drowning = campaign(
        f"{start.year}年防溺水专项抽查",
        Theme.DROWNING,
        Mode.SPOT_CHECK,
        start,
        start + datetime.timedelta(days=40),
        "drowning",
        close_on=start + datetime.timedelta(days=45),
        target_rule=TargetRule.SAMPLE,
        target_kinds=[UnitKind.PRIMARY, UnitKind.JUNIOR, UnitKind.NINE_YEAR],
        sample_size=8,
        sample_seed=20260518,
        description="随机种子由抽签会现场摇号产生（20260518），抽取8所中小学检查防溺水教育和周边水域管理。",
    )
    t = team(drowning, "防溺水督查组", bureau_staff[1], [supervisors[1]], [EXPERTS[4]])
    drawn = [ct.school for ct in drowning.targets.order_by("draw_order").select_related("school")]
    services.team_assign(actor=officer, team=t, schools=drawn)
    for n, school in enumerate(drawn):
        day = start + datetime.timedelta(days=5 + n * 4)
        visit(drowning, t, school, day, fail_rate=0.15, forced=(3,) if n in (1, 4) else ())
    close(drowning, "抽查8所学校，发现的危险水域警示和救生器材问题已督促属地和学校整改。")

    # 3. 燃气专项检查: six schools with canteens; every problem fixed on the spot.
    start = today - datetime.timedelta(days=45)
    gas_schools = [
        units[k] for k in ("yizhong", "erzhong", "zhijiao", "sycz", "lc_cz", "tx_cz") if k in units
    ]
    gas = campaign(
        f"{start.year}年校园燃气安全专项检查",
        Theme.GAS,
        Mode.SPOT_CHECK,
        start,
        start + datetime.timedelta(days=20),
        "gas",
        close_on=start + datetime.timedelta(days=22),
        target_rule=TargetRule.LIST,
        target_schools=gas_schools,
        description="会同住建部门燃气办，对使用管道燃气和液化气的学校食堂开展专项检查。",
    )
    t = team(gas, "燃气专项检查组", officer, [], [EXPERTS[2]])
    services.team_assign(actor=officer, team=t, schools=gas_schools)
    fixes = list(GAS_SPOT_FIXES)
    per_school = [2, 1, 2, 1, 1, 1]
    for n, school in enumerate(gas_schools):
        found = []
        for _ in range(per_school[n]):
            place, problem, action = fixes.pop(0)
            found.append(
                {
                    "category": "gas",
                    "place": place,
                    "description": f"{problem}，{action}",
                    "fixed_on_spot": True,
                    "photos": [story.photo()],
                }
            )
        visit(gas, t, school, start + datetime.timedelta(days=2 + n * 3), fail_rate=0.0, findings=found)
    close(gas, "检查6所学校，发现燃气安全问题8处，均已当场整改。")

    # 4. 冬季校园安全暗访: 6 schools drawn, running; three recorded so far.
    start = today - datetime.timedelta(days=14)
    unannounced = campaign(
        f"{(start + datetime.timedelta(days=40)).year}年元旦前校园安全暗访",
        Theme.HOLIDAY,
        Mode.UNANNOUNCED,
        start,
        today + datetime.timedelta(days=16),
        "general",
        target_rule=TargetRule.SAMPLE,
        sample_size=6,
        sample_seed=rng.randrange(10**8),
        description="不发通知、不打招呼，直奔现场，重点查看门卫值守、消防通道和食堂。",
    )
    t = team(unannounced, "暗访组", officer, [supervisors[2]], [EXPERTS[3]])
    drawn = [ct.school for ct in unannounced.targets.order_by("draw_order").select_related("school")]
    services.team_assign(actor=officer, team=t, schools=drawn)
    for n, school in enumerate(drawn[:3]):
        visit(unannounced, t, school, start + datetime.timedelta(days=2 + n * 4), fail_rate=0.12)

    # 5. 冬季消防安全自查: every school, open; about two thirds have submitted.
    start = today - datetime.timedelta(days=10)
    fire = campaign(
        f"{start.year}年冬季消防安全自查",
        Theme.FIRE,
        Mode.SELF_CHECK,
        start,
        today + datetime.timedelta(days=12),
        "fire",
        target_rule=TargetRule.ALL,
        self_check_due=today + datetime.timedelta(days=5),
        description="入冬用电取暖增多，各校对照自查表逐项自查，重点检查宿舍用电和疏散通道。",
    )
    key_school = units.get("syxx")
    for school in schools:
        if key_school is not None and school.pk == key_school.pk:
            continue  # the demo's key school still has it to do
        roll = rng.random()
        if roll < 0.65:
            self_check(fire, school, story.day_between(start, today), fail_rate=0.05)
        elif roll < 0.75:
            self_check(fire, school, story.day_between(start, today), fail_rate=0.05, submit=False)

    submitted = SelfCheck.objects.filter(status=SelfCheckStatus.SUBMITTED).count()
    visits = Visit.objects.count()
    return (
        f"5 项检查活动、{len(templates)} 张检查表、{visits} 次督查检查、{submitted} 份学校自查，"
        f"登记隐患 {story.hazards} 处"
    )


_DAY = datetime.timedelta(days=1)
