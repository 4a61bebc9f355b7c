"""A year of incidents in the demo county, written through the services with historical times.

Twelve incidents over the last twelve months (counted back from the day the demo is built), mostly
一般: one reported late (迟报), one the bureau learned of from a parent and the school never reported
(漏报), the others reported on time with follow-ups and a final report; the two most recent are still
open, one with a follow-up due, one waiting for the bureau to acknowledge it.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from edubureau.accounts.models import User

from . import services
from .choices import IncidentCategory as C
from .choices import IncidentLevel as L

LABEL = "突发事件"


@dataclass(frozen=True)
class Step:
    """A report `after` the incident: kind, text, casualties/loss as of then, measures, cause, next."""

    after: datetime.timedelta
    kind: str  # "followup" or "final"
    text: str
    measures: str
    deaths: int = 0
    injuries: int = 0
    loss: str = "0"
    cause: str = ""
    next_steps: str = ""


@dataclass(frozen=True)
class Plan:
    days_ago: int
    clock: tuple  # (hour, minute) of the incident, local time
    school: str  # unit key in the demo plan
    category: str
    level: str
    title: str
    place: str
    summary: str
    measures: str
    cause: str = ""
    deaths: int = 0
    injuries: int = 0
    loss: str = "0"
    first_after: datetime.timedelta | None = datetime.timedelta(hours=1, minutes=30)  # None: never reported
    phoned_after: datetime.timedelta | None = datetime.timedelta(minutes=20)
    bureau_source: str = ""
    learned_after: datetime.timedelta | None = None
    ack_after: datetime.timedelta | None = datetime.timedelta(minutes=40)  # after the last report
    steps: tuple = field(default_factory=tuple)


H = lambda hours, minutes=0: datetime.timedelta(hours=hours, minutes=minutes)  # noqa: E731
D = lambda days, hours=0: datetime.timedelta(days=days, hours=hours)  # noqa: E731

PLANS = (
    Plan(
        330,
        (10, 5),
        "lc_xx1",
        C.CAMPUS_INJURY,
        L.GENERAL,
        "四年级学生课间追逐摔倒致右前臂骨折",
        "教学楼二楼东侧走廊",
        "第二节课后大课间，四年级（3）班一名男生与同学在走廊追逐，转弯时滑倒，右前臂着地，疼痛明显。",
        "值周教师第一时间到场，校医临时固定后由班主任陪同送县人民医院急诊，同时电话通知家长。",
        cause="学生课间在走廊追逐，地面有拖地后未干的水渍。",
        injuries=1,
        first_after=H(1, 20),
        steps=(
            Step(
                D(1, 2),
                "followup",
                "经县人民医院检查为右尺桡骨远端骨折，已行手法复位石膏固定，无需住院。",
                "班主任和分管副校长到家中看望；学校当日下午组织各班开展课间安全教育。",
                injuries=1,
                next_steps="与家长沟通学平险理赔事宜；调整拖地时间，放置防滑提示牌。",
            ),
            Step(
                D(6),
                "final",
                "学生已返校上课，恢复情况良好。学校已协助家长完成学平险理赔材料。",
                "全校排查走廊、楼梯地面防滑情况；保洁拖地调整至上课时间并放置警示牌；值周教师课间在走廊巡查。",
                injuries=1,
                cause="学生课间在走廊追逐打闹，且保洁拖地后地面湿滑、未放置警示标志。属一般校园伤害事件。",
            ),
        ),
    ),
    Plan(
        300,
        (13, 40),
        "fq_cz",
        C.FOOD_POISONING,
        L.GENERAL,
        "部分学生午餐后出现腹痛呕吐症状",
        "学校食堂",
        "午餐后约一小时，七、八年级共9名学生先后出现腹痛、恶心、呕吐症状，无发热。",
        "立即停止供应当日剩余饭菜并封存留样；校医初步处置后将9名学生送凤栖街道卫生院观察；通知家长及市场监管所。",
        cause="疑似食堂凉拌菜加工储存不当。",
        injuries=9,
        first_after=H(1, 10),
        steps=(
            Step(
                H(7),
                "followup",
                "9名学生经卫生院对症处理，症状明显缓解，其中7名已由家长接回。疾控中心已对留样和操作间采样。",
                "食堂暂停供应凉拌菜；全体食堂从业人员复查健康证。",
                injuries=9,
                next_steps="等待疾控检测结果；安排教师每日跟踪学生身体情况。",
            ),
            Step(
                D(1, 3),
                "followup",
                "其余2名学生已出院，全部学生复课。",
                "学校每日报告学生健康情况。",
                injuries=9,
            ),
            Step(
                D(5),
                "final",
                "疾控检测结果显示凉拌黄瓜中检出超标蜡样芽孢杆菌，确认为一起轻度食源性疾病事件，涉事学生均已痊愈。",
                "食堂取消凉拌类菜品；对食堂负责人和当班厨师进行约谈并重新培训；落实每餐留样和陪餐制度。",
                injuries=9,
                loss="2300",
                cause="凉拌菜加工后常温放置时间过长，生熟工具未严格分开。食堂负责人对加工流程监管不到位。",
            ),
        ),
    ),
    Plan(
        270,
        (17, 25),
        "tx_cz",
        C.TRAFFIC,
        L.GENERAL,
        "学生放学途中驾驶电动车与货车剐蹭受伤",
        "桐溪镇溪口路与环镇路交叉口",
        "八年级一名学生放学途中驾驶电动自行车，在路口与一辆右转货车发生剐蹭，学生左腿擦伤。",
        "班主任赶到现场协助交警处置，学生送镇卫生院清创包扎，家长已到场。",
        cause="未满16周岁学生驾驶电动自行车，路口未减速观察。",
        injuries=1,
        first_after=H(15, 15),
        phoned_after=None,  # reported the next morning: late
        steps=(
            Step(
                D(2),
                "followup",
                "学生伤情为左小腿软组织擦伤，已返校上课。交警认定货车驾驶人负主要责任。",
                "学校再次向全体家长发送《致家长的一封信》，重申未满16周岁不得驾驶电动自行车。",
                injuries=1,
            ),
            Step(
                D(6),
                "final",
                "事件处置完毕，双方已就赔偿达成一致。学校未在事发后4小时内书面报送，已作书面说明。",
                "开展交通安全主题班会；联合镇派出所在放学时段劝导学生违规驾驶电动车；明确事件信息报送责任人。",
                injuries=1,
                cause="学生违规驾驶电动自行车、路口未减速；货车右转未让行。学校信息报送意识不强，书面报告迟报。",
            ),
        ),
    ),
    Plan(
        240,
        (3, 50),
        "bl_xx",
        C.NATURAL_DISASTER,
        L.GENERAL,
        "暴雨致学校东侧围墙局部倒塌",
        "学校东侧围墙（靠近菜地一侧）",
        "凌晨强降雨，学校东侧围墙约12米倒塌，无人员伤亡。",
        "值班人员发现后立即拉设警戒线，校长带班到场；早上安排专人在缺口处值守，学生绕行。",
        cause="持续强降雨，围墙基础被雨水浸泡。",
        loss="18500",
        first_after=H(3, 10),
        phoned_after=H(1),
        steps=(
            Step(
                D(4),
                "final",
                "围墙已临时加固并设置彩钢围挡，正式修复已列入镇财政预算。",
                "对全校围墙、挡土墙、排水沟进行排查，清理排水沟3处。",
                loss="18500",
                cause="围墙建于2004年，砖砌结构、基础较浅，连续强降雨后基础浸泡失稳。",
            ),
        ),
    ),
    Plan(
        205,
        (15, 30),
        "mw_cz",
        C.DROWNING,
        L.GENERAL,
        "学生周末私自到河边游泳溺水身亡",
        "梅湾镇梅溪下游拦水坝附近",
        "周六下午，七年级一名学生与两名同伴私自到梅溪拦水坝附近游泳，不慎溺水，经打捞送医抢救无效死亡。",
        "学校校长、班主任赶赴医院和学生家中，协助做好家属安抚；学校连夜召开班主任会议，逐班开展防溺水教育。",
        cause="学生私自结伴到无安全设施的野外水域游泳。",
        deaths=1,
        first_after=H(2, 40),
        phoned_after=H(1),
        steps=(
            Step(
                D(1),
                "followup",
                "家属情绪基本稳定，善后工作由镇政府牵头处理。",
                "全校向家长发送防溺水安全提示；教师分片走访留守儿童家庭。",
                deaths=1,
                next_steps="配合镇村在拦水坝增设警示牌和防护栏。",
            ),
            Step(
                D(6),
                "final",
                "善后处置完毕。镇村已在拦水坝两侧增设警示牌2块、防护栏80米。",
                "开展防溺水“六不”专题教育；落实周末、节假日家校联系制度；对重点水域开展巡查。",
                deaths=1,
                cause="学生在校外私自下水游泳，监护人监护缺位，事发水域警示设施不足。",
            ),
        ),
    ),
    Plan(
        180,
        (20, 15),
        "zhijiao",
        C.FIRE,
        L.GENERAL,
        "实训楼一楼配电箱起火",
        "实训楼一楼电工实训室配电箱",
        "晚自习期间，实训楼一楼配电箱冒烟起火，值班教师发现后使用灭火器扑灭，无人员伤亡。",
        "切断实训楼总电源，疏散楼内学生；报消防部门到场确认无复燃；封闭实训室。",
        cause="初步判断为配电箱内线路老化短路。",
        loss="32000",
        first_after=H(1, 45),
        steps=(
            Step(
                D(3),
                "final",
                "经消防部门勘查，起火原因为配电箱内接线端子松动发热引燃绝缘层。过火面积约2平方米。",
                "更换配电箱及线路；对全校电气线路开展专项检测；补充灭火器20具；开展消防疏散演练。",
                loss="32000",
                cause="配电箱接线端子松动、长期发热，日常电气巡检未覆盖配电箱内部。",
            ),
        ),
    ),
    Plan(
        150,
        (9, 10),
        "syxx",
        C.INFECTIOUS,
        L.LARGER,
        "多名学生出现呕吐腹泻症状（疑似诺如病毒感染）",
        "一年级、二年级教学区",
        "当日上午，一、二年级共36名学生先后出现呕吐、腹泻症状，部分伴低热。",
        "启动传染病应急预案：发病学生由家长接回就医；对教室、卫生间、餐厅全面消毒；暂停全校集体活动；报县疾控中心。",
        cause="疑似诺如病毒感染聚集性疫情。",
        first_after=H(0, 50),
        phoned_after=H(0, 15),
        steps=(
            Step(
                D(1),
                "followup",
                "累计发病41人，县疾控中心采样检测确认为诺如病毒感染。无重症病例。",
                "发病学生居家隔离至症状消失后72小时；晨午检和因病缺勤追踪每日报告。",
            ),
            Step(D(2), "followup", "新增病例2人，累计43人，已有18人康复。", "继续每日消毒，停止混班活动。"),
            Step(
                D(3), "followup", "连续24小时无新增病例，累计康复35人。", "持续开展晨午检，加强手卫生教育。"
            ),
            Step(
                D(8),
                "final",
                "全部43名学生康复复课，连续7天无新增病例，疫情结束。",
                "完善晨午检和因病缺勤病因追查制度；加强饮用水和餐厅卫生管理；开展传染病防控知识宣传。",
                loss="6800",
                cause="首发病例带病到校，在班级内呕吐后处置不规范导致传播。",
            ),
        ),
    ),
    Plan(
        120,
        (16, 50),
        "fy_cz",
        C.PUBLIC_ORDER,
        L.GENERAL,
        "校外人员在校门口滋事致保安轻伤",
        "学校正门",
        "放学时段，两名校外青年在校门口与保安发生口角并推搡，保安面部轻伤。",
        "保安使用防暴器械控制局面，学校一键报警，派出所民警到场将两人带走；保安送医检查。",
        cause="校外人员酒后滋事。",
        injuries=1,
        first_after=H(1, 5),
        steps=(
            Step(
                D(2),
                "final",
                "派出所已对两名滋事人员依法处理。保安伤情为面部软组织挫伤，已上岗。",
                "放学时段增加护学岗力量；与派出所落实“护学岗”联勤机制。",
                injuries=1,
                cause="校外人员酒后寻衅滋事。学校门卫处置及时，未造成学生伤害。",
            ),
        ),
    ),
    Plan(
        95,
        (14, 20),
        "lc_yucai",
        C.MENTAL_CRISIS,
        L.GENERAL,
        "一名学生情绪激动有自伤倾向",
        "学校心理辅导室",
        "九年级一名学生因学业压力与家长发生冲突后情绪激动，在教室流露自伤念头，经班主任及时发现干预。",
        "心理教师全程陪伴并进行危机干预；通知家长到校；建议家长陪同到专业机构评估。",
        first_after=H(1, 30),
        steps=(
            Step(
                D(5),
                "final",
                "学生经专业机构评估后在家长陪伴下返校，情绪稳定。已纳入学校心理关爱档案，按规定保密。",
                "班主任、心理教师每周跟踪；开展家长心理健康讲座；完善心理危机筛查与转介流程。",
                cause="学业压力较大，亲子沟通不畅。",
            ),
        ),
    ),
    Plan(
        58,
        (10, 40),
        "ss_xx",
        C.CAMPUS_INJURY,
        L.GENERAL,
        "学生体育课跳远落地致踝关节骨折",
        "学校操场沙坑",
        "五年级一名学生体育课跳远落地时扭伤右踝，当晚经医院诊断为踝关节骨折。家长向县教育局反映学校未及时处置和告知。",
        "教育局安全科电话要求学校说明情况、配合家长做好就医和保险理赔。",
        cause="沙坑沙量不足、未翻松。",
        injuries=1,
        first_after=None,
        phoned_after=None,  # the school never reported it
        bureau_source="家长来电反映",
        learned_after=D(3, 2),
    ),
    Plan(
        5,
        (15, 35),
        "yizhong",
        C.CAMPUS_INJURY,
        L.GENERAL,
        "高二学生篮球课相撞致眉弓裂伤",
        "学校室外篮球场",
        "体育课篮球对抗练习中，高二（5）班两名学生争抢篮板时相撞，一名学生左侧眉弓裂伤出血。",
        "体育教师立即止血，校医初步处理后送县中医院缝合；通知双方家长。",
        cause="对抗练习中身体接触。",
        injuries=1,
        first_after=H(1, 15),
        steps=(
            Step(
                D(1, 1),
                "followup",
                "学生伤口缝合5针，无其他损伤，已返校上课。",
                "体育组重申对抗性练习的安全要求。",
                injuries=1,
                next_steps="跟踪学生伤口愈合情况，协助办理保险理赔。",
            ),
        ),
        ack_after=None,  # the follow-up is still waiting to be read
    ),
    Plan(
        1,
        (13, 20),
        "lc_yey",
        C.CAMPUS_INJURY,
        L.GENERAL,
        "幼儿午睡起床时从床边跌落致额头擦伤",
        "中二班午睡室",
        "午睡起床时，中二班一名幼儿从床边跌落，额头擦伤。",
        "保育员立即抱起幼儿，保健医生消毒处理伤口；电话告知家长，家长到园后陪同到医院检查。",
        injuries=1,
        first_after=H(1, 40),
        ack_after=None,
    ),
)


def _reporter(school):
    """The school's safety officer (or its admin): the person who reports for it."""
    users = User.objects.filter(unit=school, is_active=True, memberships__ended_at__isnull=True)
    return (
        users.filter(memberships__role__code="safety_officer").order_by("pk").first()
        or users.filter(memberships__role__code="school_admin").order_by("pk").first()
    )


def build(*, admin, units, seed):
    officer = User.objects.filter(username="anquan").first() or admin
    today = timezone.localdate()
    reports = late = missed = 0
    for plan in PLANS:
        school = units[plan.school]
        reporter = _reporter(school)
        day = today - datetime.timedelta(days=plan.days_ago)
        occurred = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, *plan.clock))
        facts = {
            "school": school,
            "title": plan.title,
            "occurred_at": occurred,
            "category": plan.category,
            "level": plan.level,
            "place": plan.place,
            "summary": plan.summary,
            "measures": plan.measures,
            "likely_cause": plan.cause,
            "deaths": plan.deaths,
            "injuries": plan.injuries,
            "estimated_loss": plan.loss,
        }
        if plan.first_after is None:
            incident = services.incident_record_by_bureau(
                actor=officer,
                bureau_learned_at=occurred + plan.learned_after,
                bureau_source=plan.bureau_source,
                now=occurred + plan.learned_after + H(0, 30),
                **facts,
            )
            missed += 1
            continue
        first_at = occurred + plan.first_after
        incident = services.incident_report_first(
            actor=reporter,
            reporter_name=reporter.real_name,
            reporter_phone=reporter.phone or "0578-5123456",
            phoned_at=occurred + plan.phoned_after if plan.phoned_after else None,
            now=first_at,
            **facts,
        )
        reports += 1
        if plan.first_after > datetime.timedelta(hours=4):
            late += 1
        last = first_at
        for step in plan.steps:
            services.incident_acknowledge(actor=officer, incident=incident, now=last + H(0, 40))
            last = occurred + step.after
            common = {
                "actor": reporter,
                "incident": incident,
                "text": step.text,
                "measures": step.measures,
                "deaths": step.deaths,
                "injuries": step.injuries,
                "estimated_loss": step.loss,
                "next_steps": step.next_steps,
                "now": last,
            }
            if step.kind == "final":
                services.incident_final_report(cause=step.cause, **common)
            else:
                services.incident_add_followup(cause=step.cause, **common)
            reports += 1
        if plan.ack_after is not None:
            services.incident_acknowledge(actor=officer, incident=incident, now=last + plan.ack_after)
    general = sum(1 for p in PLANS if p.level == L.GENERAL)
    return (
        f"{len(PLANS)} 起突发事件（一般 {general} 起、较大 {len(PLANS) - general} 起），{reports} 份报告；"
        f"迟报 {late} 起，漏报 {missed} 起"
    )
