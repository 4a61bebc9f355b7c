"""The demo county's hazard ledger: a year of hazards in every state, written through the services.

Schools find hazards in self-checks, the safety department in inspections, supervisors on visits,
the public on the hotline; most are rectified and verified within days, some are fixed on the spot,
some were sent back once, a few are overdue, a few voided as duplicates, and three major hazards were
listed for the bureau's supervision (two still under supervision, one closed and lifted).

The services date each step by the `at` argument; the report step is dated when it is written, so the
builder moves the report events, the listings and the on-the-spot closings to the story's dates
afterwards (the audit log keeps the real write times).
"""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from edubureau.accounts.models import Membership, User
from edubureau.accounts.scope import user_can
from edubureau.org.choices import SCHOOL_KINDS, UnitKind

from . import permissions as P
from . import services
from .choices import HazardAction, HazardStatus
from .models import Hazard, HazardAttachment, HazardEvent, MajorHazardSupervision

LABEL = "隐患台账"

# (category code, place, description, measures)
SAMPLES = (
    (
        "fire",
        "教学楼二楼走廊",
        "灭火器压力表指针位于红区，已失效。",
        "更换失效灭火器，全面检查同楼层消防器材。",
    ),
    (
        "fire",
        "学生宿舍一楼",
        "安全出口指示灯不亮，应急照明灯损坏。",
        "更换指示灯和应急照明灯，建立月检制度。",
    ),
    ("fire", "图书馆", "疏散通道堆放旧书架和纸箱，通道宽度不足。", "清理堆放物，划定通道警示线。"),
    ("fire", "综合楼消防泵房", "消火栓箱内水带老化，箱门无法正常开启。", "更换水带，维修箱门。"),
    (
        "electricity",
        "学生宿舍三楼",
        "发现学生私拉电线、使用大功率电器。",
        "收缴违规电器，开展用电安全教育，加装限流装置。",
    ),
    ("electricity", "食堂操作间", "配电箱门未关闭，箱内线路裸露。", "更换配电箱门锁，整理线路并加装防护罩。"),
    ("electricity", "教室", "插座面板破损，存在触电风险。", "更换插座面板。"),
    (
        "gas",
        "食堂操作间",
        "燃气软管老化开裂，未安装燃气泄漏报警器。",
        "更换金属波纹管，安装燃气泄漏报警和切断装置。",
    ),
    (
        "gas",
        "食堂燃气间",
        "液化气钢瓶与灶具同室存放，未设置独立气瓶间。",
        "设置独立气瓶间，钢瓶直立固定存放。",
    ),
    ("food", "食堂仓库", "部分食材未离地离墙存放，留样记录不完整。", "加装货架，完善食品留样和出入库记录。"),
    ("food", "食堂", "一名从业人员健康证已过期。", "暂停其上岗，督促重新体检办证。"),
    ("building", "教学楼外墙", "外墙瓷砖局部空鼓，有脱落迹象。", "设置警戒区域，委托专业单位检测后修缮。"),
    ("building", "围墙东段", "围墙出现裂缝并向外倾斜。", "拉设警戒线，拆除重建该段围墙。"),
    ("building", "教学楼楼梯", "楼梯扶手松动，栏杆间距偏大。", "加固扶手，加装防护栏杆。"),
    ("traffic", "校门口", "上下学时段车辆乱停乱放，缺少护学岗。", "联系交警设置临时停车区，落实护学岗制度。"),
    ("traffic", "校车", "校车座椅安全带有两处损坏。", "更换安全带，每日出车前检查。"),
    ("security", "学校大门", "门卫室一键报警装置未与公安联网。", "联系公安部门完成联网调试。"),
    ("security", "学校周边", "校门口200米内有流动摊贩经营。", "联合市场监管部门劝离，加强巡查。"),
    ("security", "校园围墙", "监控摄像头有三个点位无图像。", "维修监控设备，实现重点部位全覆盖。"),
    (
        "drowning",
        "学校周边河道",
        "河道边警示牌缺失，无防护栏。",
        "设置警示牌，联系村委会加装护栏，开展防溺水教育。",
    ),
    ("lab", "化学实验室", "危化品未双人双锁管理，领用台账不全。", "落实双人双锁，完善领用登记。"),
    ("lab", "实验准备室", "强酸与强碱试剂混放。", "分类分柜存放，张贴化学品安全技术说明书。"),
    ("facility", "操场", "篮球架底座锈蚀松动。", "加固底座，除锈刷漆。"),
    ("facility", "体育器材室", "单杠立柱松动，存在倾倒风险。", "停止使用，维修加固后验收。"),
    ("facility", "幼儿活动室", "大型玩具滑梯连接件松动。", "紧固连接件，每周检查。"),
    ("epidemic", "卫生室", "晨午检和因病缺勤登记不完整。", "完善晨午检制度，指定专人每日上报。"),
    ("psychology", "心理辅导室", "心理辅导室未按要求配备专兼职教师。", "指定兼职心理教师，参加县级培训。"),
    ("other", "校园", "安全隐患排查台账更新不及时。", "明确专人负责，每周更新台账。"),
)
INSPECTIONS = (
    "春季开学安全大检查",
    "节前安全检查",
    "防溺水专项检查",
    "燃气安全专项检查",
    "食品安全专项检查",
    "消防安全专项检查",
    "秋季开学安全大检查",
)
REJECT_NOTES = ("现场核实仍有遗漏，请补充整改。", "整改照片不清晰，未体现整改效果，请补充。")
COLOURS = ((170, 60, 50), (60, 110, 160), (90, 130, 80), (150, 120, 60), (110, 90, 140))


def _photo(rng, name):
    """A small generated picture standing in for a phone photo."""
    image = Image.new("RGB", (480, 360), rng.choice(COLOURS))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 420), rng.randint(0, 300)
        w, h = rng.randint(30, 160), rng.randint(30, 120)
        shade = tuple(min(255, c + rng.randint(20, 90)) for c in rng.choice(COLOURS))
        draw.rectangle((x, y, x + w, y + h), fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _at(day, hour=10):
    """The day at that hour, but never later than now (today's steps happen "now")."""
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0))), timezone.now())


def _people(schools):
    """{school pk: {"admin": user, "officer": user or None}} from current memberships."""
    rows = Membership.objects.current().filter(
        unit__in=schools, role__code__in=("school_admin", "safety_officer"), user__is_active=True
    )
    people = {}
    for m in rows.select_related("user", "role").order_by("pk"):
        key = "admin" if m.role.code == "school_admin" else "officer"
        people.setdefault(m.unit_id, {}).setdefault(key, m.user)
    return people


def _backdate_report(hazard, found_on, hour):
    when = _at(found_on, hour)
    HazardEvent.objects.filter(
        hazard=hazard, action__in=(HazardAction.REPORT, HazardAction.FIX_ON_SPOT)
    ).update(occurred_at=when)
    HazardAttachment.objects.filter(
        hazard=hazard, event__action__in=(HazardAction.REPORT, HazardAction.FIX_ON_SPOT)
    ).update(uploaded_at=when)
    if hazard.fixed_on_spot:
        Hazard.objects.filter(pk=hazard.pk).update(rectified_at=when, verified_at=when)
    HazardEvent.objects.filter(hazard=hazard, action=HazardAction.LIST).update(occurred_at=when)
    MajorHazardSupervision.objects.filter(hazard=hazard).update(listed_at=when)


class _Story:
    def __init__(self, rng, today, bureau_staff, supervisors):
        self.rng = rng
        self.today = today
        self.staff = bureau_staff
        self.supervisors = supervisors
        self.counts = dict.fromkeys(HazardStatus.values, 0)
        self.photo_no = 0

    def photo(self):
        self.photo_no += 1
        return _photo(self.rng, f"IMG_{20260000 + self.photo_no}.jpg")

    def finder(self, school, who, category):
        """(actor, source, source label, finder name) of a new hazard."""
        roll = self.rng.random()
        if roll < 0.22:
            return self.staff, "inspection", f"{self.rng.choice(INSPECTIONS)} 县教育局督查组", ""
        if roll < 0.34:
            for dx in self.supervisors:
                if user_can(dx, P.REPORT, school):
                    return dx, "supervision", "责任督学挂牌督导", ""
        if roll < 0.39 and category in ("traffic", "security", "drowning", "food"):
            return who["admin"], "public_report", "12345热线转办", "群众来电"
        if roll < 0.42 and category in ("facility", "building"):
            return who["admin"], "incident", "学生轻微受伤事件后续排查", ""
        actor = who.get("officer") or who["admin"]
        return actor, "self_check", "学校每周安全自查", ""

    def one(self, school, who, found_on, *, level="general", sample=None, final=None):
        rng = self.rng
        category, place, description, measures = sample or rng.choice(SAMPLES)
        actor, source, label, finder_name = self.finder(school, who, category)
        rectifier = who.get("officer") or who["admin"]
        verifier = who["admin"] if rectifier != who["admin"] else self.staff
        age = (self.today - found_on).days
        fixed = (
            final is None
            and level == "general"
            and category in ("electricity", "fire", "other")
            and rng.random() < 0.22
        )
        if fixed:
            hazard = services.hazard_report(
                actor=actor,
                school=school,
                place=place,
                category=category,
                level=level,
                description=description,
                found_on=found_on,
                finder_name=finder_name,
                source=source,
                source_label=label,
                measures=measures,
                fixed_on_spot=True,
                photos=[self.photo()],
            )
            _backdate_report(hazard, found_on, 8 + rng.randint(0, 2))
            self.counts[HazardStatus.CLOSED] += 1
            return hazard
        deadline_days = rng.choice((3, 5, 5, 7, 10, 15))
        hazard = services.hazard_report(
            actor=actor,
            school=school,
            place=place,
            category=category,
            level=level,
            description=description,
            found_on=found_on,
            finder_name=finder_name,
            source=source,
            source_label=label,
            deadline=deadline_days if source in ("inspection", "supervision") else None,
            photos=[self.photo()],
        )
        _backdate_report(hazard, found_on, 8 + rng.randint(0, 2))
        # How far the story has got: old hazards are closed, recent ones are on their way.
        if final is None:
            if age > 45:
                roll = rng.random()
                final = "void" if roll < 0.03 else "rectifying_late" if roll < 0.07 else "closed"
            elif age > 20:
                final = rng.choice(("closed", "closed", "closed", "awaiting", "rectifying_late"))
            elif age > 7:
                final = rng.choice(("closed", "awaiting", "rectifying", "rectifying_late", "found"))
            else:
                final = rng.choice(("found", "found", "rectifying"))
        if final == "found":
            self.counts[HazardStatus.FOUND] += 1
            return hazard
        if final == "void":
            services.hazard_void(
                actor=verifier,
                hazard=hazard,
                reason="与本校同日登记的另一条隐患重复。",
                at=_at(found_on + datetime.timedelta(days=1), 15),
            )
            self.counts[HazardStatus.VOID] += 1
            return hazard
        start_day = min(found_on + datetime.timedelta(days=rng.randint(0, 2)), self.today)
        deadline = deadline_days
        if final == "rectifying_late":  # a short deadline that has already passed
            deadline = max(found_on, self.today - datetime.timedelta(days=rng.randint(3, 15)))
            start_day = found_on
        services.hazard_start_rectify(
            actor=rectifier,
            hazard=hazard,
            deadline=deadline,
            measures=measures,
            responsible_person=rectifier.real_name,
            cost=rng.choice((None, None, 150, 480, 1200, 3600)),
            at=_at(start_day, 11),
        )
        if final in ("rectifying", "rectifying_late"):
            self.counts[HazardStatus.RECTIFYING] += 1
            return hazard
        hazard.refresh_from_db()
        done_day = min(start_day + datetime.timedelta(days=rng.randint(1, 6)), self.today)
        services.hazard_submit_rectification(
            actor=rectifier,
            hazard=hazard,
            note=f"已按要求完成整改：{measures}",
            photos=[self.photo()],
            rectified_on=done_day,
            at=_at(done_day, 16),
        )
        if final == "awaiting":
            self.counts[HazardStatus.AWAITING_CHECK] += 1
            return hazard
        check_day = min(done_day + datetime.timedelta(days=rng.randint(0, 3)), self.today)
        if rng.random() < 0.1 and (self.today - check_day).days > 6:
            services.hazard_verify(
                actor=verifier,
                hazard=hazard,
                accepted=False,
                note=rng.choice(REJECT_NOTES),
                at=_at(check_day, 9),
            )
            check_day = check_day + datetime.timedelta(days=3)
            services.hazard_submit_rectification(
                actor=rectifier,
                hazard=hazard,
                note="已补充整改并重新拍照。",
                photos=[self.photo()],
                rectified_on=check_day,
                at=_at(check_day, 15),
            )
            check_day = check_day + datetime.timedelta(days=1)
        services.hazard_verify(
            actor=verifier if level == "general" else self.staff,
            hazard=hazard,
            accepted=True,
            note="现场核实，整改到位。",
            at=_at(min(check_day, self.today), 10),
        )
        self.counts[HazardStatus.CLOSED] += 1
        return hazard


def build(*, admin, units, seed):
    rng = random.Random(seed * 7 + 4)
    today = timezone.localdate()
    schools = [
        u
        for u in units.values()
        if u.kind in SCHOOL_KINDS and u.is_active and u.kind != UnitKind.TEACHING_POINT
    ]
    schools.sort(key=lambda u: u.path)
    people = _people(schools)
    staff = User.objects.get(username="anquan")
    leader2 = User.objects.filter(username="leader2").first() or User.objects.get(username="leader")
    supervisors = list(User.objects.filter(username__in=["dx1", "dx2", "dx3", "dx4"]).order_by("username"))
    story = _Story(rng, today, staff, supervisors)
    year_ago = today - datetime.timedelta(days=360)
    total = 0
    for school in schools:
        who = people.get(school.pk)
        if not who or "admin" not in who:
            continue
        n = rng.randint(3, 9) if school.kind != UnitKind.KINDERGARTEN else rng.randint(2, 5)
        for _ in range(n):
            found_on = year_ago + datetime.timedelta(days=rng.randint(0, 359))
            story.one(school, who, found_on)
            total += 1

    # The schools of the demo logins (xiaoxue1 / anquanyuan1, zhongxue1) have work waiting in every state.
    showcase = (
        ("syxx", ((2, "found"), (6, "rectifying"), (25, "rectifying_late"), (10, "awaiting"))),
        ("sycz", ((3, "found"), (12, "awaiting"))),
    )
    for key, plan in showcase:
        school = units.get(key)
        who = people.get(school.pk) if school else None
        if not who or "admin" not in who:
            continue
        for days_ago, final in plan:
            story.one(school, who, today - datetime.timedelta(days=days_ago), final=final)
            total += 1

    # Three major hazards: two under supervision (one past the bureau's deadline), one closed and lifted.
    by_key = {key: unit for key, unit in units.items()}
    majors = [
        (
            "tx_xx",
            (
                "building",
                "教学楼外墙",
                "教学楼北侧外墙瓷砖大面积空鼓，已有部分脱落，下方为学生通道。",
                "封闭北侧通道，委托检测后整体修缮外墙。",
            ),
            75,
            "rectifying",
            -12,
        ),
        (
            "mw_qiaotou",
            (
                "drowning",
                "学校东侧山塘",
                "学校东侧约150米处山塘无护栏、无警示牌，学生放学途经。",
                "设置警示牌，联系村委会加装护栏，落实放学护送。",
            ),
            20,
            "rectifying",
            25,
        ),
        (
            "bl_cz",
            (
                "gas",
                "食堂燃气间",
                "燃气管道穿越配电间，且无燃气泄漏报警装置。",
                "改造燃气管道走向，安装泄漏报警和紧急切断装置。",
            ),
            200,
            "closed",
            None,
        ),
    ]
    for key, sample, days_ago, final, deadline_shift in majors:
        school = by_key.get(key)
        who = people.get(school.pk) if school else None
        if not who or "admin" not in who:
            continue
        found_on = today - datetime.timedelta(days=days_ago)
        hazard = story.one(school, who, found_on, level="major", sample=sample, final="rectifying")
        supervision = MajorHazardSupervision.objects.get(hazard=hazard)
        listed_on = found_on + datetime.timedelta(days=1)
        bureau_deadline = (
            today + datetime.timedelta(days=deadline_shift)
            if deadline_shift is not None
            else found_on + datetime.timedelta(days=40)
        )
        MajorHazardSupervision.objects.filter(pk=supervision.pk).update(listed_at=_at(listed_on, 9))
        HazardEvent.objects.filter(hazard=hazard, action=HazardAction.LIST).update(
            occurred_at=_at(listed_on, 9)
        )
        supervision.refresh_from_db()
        services.supervision_update(
            actor=staff,
            supervision=supervision,
            deadline=bureau_deadline,
            leader=leader2,
            requirement="学校立即落实管控措施，每周报告整改进展；整改完成后报教育局复核销号。",
            document_no=f"青教安督〔{found_on.year}〕{rng.randint(2, 19)}号",
            at=_at(listed_on, 15),
        )
        reports = (
            (who["admin"], 2, "已设置警戒区域和警示标志，安排专人值守，相关区域停止使用。"),
            (who["admin"], 9, "已委托专业单位完成检测，整改方案已报教育局审核。"),
            (leader2, 14, "带队现场督导，要求加快进度，确保学生安全。"),
        )
        for actor, after, text in reports:
            day = listed_on + datetime.timedelta(days=after)
            if day <= today:
                services.supervision_progress_add(
                    actor=actor, supervision=supervision, text=text, reported_on=day, at=_at(day, 14)
                )
        if final == "closed":
            rectifier = who.get("officer") or who["admin"]
            done = found_on + datetime.timedelta(days=20)
            services.hazard_submit_rectification(
                actor=rectifier,
                hazard=hazard,
                note="燃气管道已改道敷设，泄漏报警和紧急切断装置已安装并通过燃气公司验收。",
                photos=[story.photo(), story.photo()],
                rectified_on=done,
                at=_at(done, 16),
            )
            services.hazard_verify(
                actor=staff,
                hazard=hazard,
                accepted=True,
                note="教育局会同燃气公司现场复核，整改到位。",
                at=_at(done + datetime.timedelta(days=2), 10),
            )
            services.supervision_lift(
                actor=staff,
                supervision=supervision,
                note="经教育局复核整改到位，摘牌。",
                at=_at(done + datetime.timedelta(days=3), 10),
            )
            story.counts[HazardStatus.RECTIFYING] -= 1
            story.counts[HazardStatus.CLOSED] += 1
        total += 1
    c = story.counts
    return (
        f"{total} 条隐患：已销号 {c['closed']}、待复核 {c['awaiting_check']}、整改中 {c['rectifying']}、"
        f"发现 {c['found']}、作废 {c['void']}；重大隐患挂牌督办 3 条"
    )
