"""Vocabulary for the fictional demo area: people's names, place-name syllables, street names.

Every name here is made up for the demo. Person names are drawn from common surnames and given-name
characters, so they read naturally without pointing at anyone.
"""

# Common surnames, most frequent first (the draw is weighted towards the front of the list).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔汤章楼应项"
)

# Characters used in given names, split roughly by the feel they carry.
GIVEN_NEUTRAL = "文明华平安宁建新立永晓春秋海志云清正和家德忠信国金玉思雨欣佳子一晨诗书"
GIVEN_MALE = "伟强磊军勇杰涛斌浩凯健俊帆旭龙林峰刚鹏辉斐航毅博宇轩哲成超武翔晖"
GIVEN_FEMALE = "芳娜敏静丽艳娟秀霞英萍红玲芬燕婷雅琳颖慧洁倩莉媛蓉佩丹萱琪瑶妍"


def person_name(rng):
    """A plausible Chinese full name: one surname and a one- or two-character given name."""
    surname = SURNAMES[int(rng.triangular(0, len(SURNAMES), 0))]
    pool = GIVEN_NEUTRAL + (GIVEN_MALE if rng.random() < 0.5 else GIVEN_FEMALE)
    if rng.random() < 0.3:
        return surname + rng.choice(pool)
    first = rng.choice(pool)
    second = rng.choice(pool)
    while second == first:
        second = rng.choice(pool)
    return surname + first + second


class NameBook:
    """Draws person names without repeating one inside the same demo area."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def __call__(self):
        for _ in range(50):
            name = person_name(self.rng)
            if name not in self.used:
                self.used.add(name)
                return name
        # A very large area runs out of short names: allow repeats (real counties have them too).
        return person_name(self.rng)


ROADS = (
    "文昌路",
    "学府路",
    "育才街",
    "建设路",
    "人民路",
    "解放街",
    "新华路",
    "滨江路",
    "青年路",
    "书院街",
    "光明路",
    "迎宾大道",
    "桂花巷",
    "溪园路",
    "朝阳路",
    "和平街",
)

# Syllables for the synthetic city's towns: first + second + suffix, e.g. 枫桥镇.
TOWN_FIRST = "东西南北上下大小新旧石竹枫梅桐柳松桃杏荷兰菊云雾溪泉湖塘湾岭坪坞岙山川林田"
TOWN_SECOND = "口头桥溪源坪岭湾塘埠港洲村坑垟阳阴安宁丰和兴隆平乐盛华"

# Suffixes that make the synthetic city's school names distinct within a town.
SCHOOL_EPITHETS = (
    "育才",
    "启明",
    "向阳",
    "希望",
    "阳光",
    "博雅",
    "明德",
    "致远",
    "求是",
    "崇文",
    "新城",
    "光华",
)
