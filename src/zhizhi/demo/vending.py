"""Street-vending appeals (占道经营) as a city's residents phone them in, composed from parts.

A real city confirms hundreds of these a month, and no two read alike: who sells (an old man, a
few hawkers, a shop), what (vegetables, fruit, breakfast, clothes, flowers…), from what (a
tricycle, a handcart, a van's boot, a cloth on the ground), where (a school or a metro exit, a
bus stop, a market's edge, under a bridge…) and what it does to the place (the pavement blocked,
the tactile path covered, the noise, the dirt, the danger).  The demo's history draws its
占道经营 appeals from these parts (``appeal``) instead of a handful of fixed sentences, so the
city's classifier learns "someone selling something on public ground", not six sentences.

Written from the city's point of view, not from any held-out test phrasing
(``bench/bench_city_taxonomy.py`` checks that no appeal drawn here is a near-twin of one).
"""

from __future__ import annotations

import random

CODE = "SRHJ.02"

WHEN = (
    "每天傍晚",
    "每天早上六七点",
    "一到周末",
    "晚上八点以后",
    "下班高峰的时候",
    "最近一个多月",
    "天天",
    "中午放学前后",
    "每逢节假日",
    "下雨天以外每天",
    "这半年来",
    "凌晨四五点起",
)
# where on the street: the appeal's {place} (a Changsha road and number) comes before it
SPOT = (
    "人行道上",
    "路口",
    "小区大门两侧",
    "学校大门外",
    "幼儿园门口",
    "地铁站出入口",
    "公交站台边",
    "农贸市场外的马路上",
    "医院大门外",
    "高架桥下",
    "过街天桥上",
    "夜宵一条街",
    "广场边上",
    "商场门前",
    "地下通道口",
    "老街巷子口",
    "江边风光带入口",
    "超市门口",
    "写字楼下",
    "城中村路口",
)
SELLER = (
    "有人",
    "几个小贩",
    "一位老人",
    "一些外地商贩",
    "流动摊贩",
    "附近的菜农",
    "两三个年轻人",
    "一对夫妻",
    "十几个摊主",
    "一家门店",
)
# (how it is sold, what): ``{goods}`` is filled from GOODS
MEANS = (
    "骑着三轮车卖{goods}",
    "推着小推车卖{goods}",
    "打开面包车后备箱卖{goods}",
    "把电动车停在路边卖{goods}",
    "在地上铺块塑料布卖{goods}",
    "支起遮阳伞摆摊卖{goods}",
    "摆了几张桌子卖{goods}",
    "开着小货车兜售{goods}",
    "挑着担子叫卖{goods}",
    "搭了个简易棚子卖{goods}",
    "把货架搬到门外卖{goods}",
    "用泡沫箱堆成摊位卖{goods}",
)
GOODS = (
    "蔬菜",
    "水果",
    "西瓜",
    "橘子",
    "早点",
    "包子馒头",
    "煎饼",
    "糖油粑粑",
    "臭豆腐",
    "烤红薯",
    "煮玉米",
    "炸串",
    "凉面米粉",
    "小龙虾",
    "活鱼活鸡",
    "衣服鞋子",
    "袜子内衣",
    "儿童玩具",
    "鲜花盆栽",
    "手机贴膜配件",
    "日用百货",
    "二手家电",
    "奶茶饮料",
    "水果捞",
)
HARM = (
    "行人只能绕到机动车道上走",
    "盲道被完全占住了",
    "轮椅和婴儿车根本过不去",
    "叫卖的喇叭从早放到晚，吵得人没法休息",
    "收摊后菜叶、竹签和污水丢了一地",
    "油烟和气味飘进了居民家里",
    "把转弯车辆的视线挡住了，很容易出事",
    "车辆进出小区要等半天",
    "公交车都没法靠站",
    "消防通道被堵住了",
    "放学时学生挤在摊子周围，很不安全",
    "买东西的人随意停车，路口经常堵死",
    "煤气罐和炉子就放在路边，存在安全隐患",
    "出入口被挡了一大半，进出很不方便",
)
ASK = (
    "请城管部门来管一管。",
    "希望相关部门依法处理。",
    "请尽快派人清理。",
    "希望能规划一个集中的摆卖点。",
    "整治过几回，过后又恢复原样，希望长效管理。",
    "多次反映没有效果，请督办。",
    "请街道和城管联合整治。",
    "",
)
SUBJECTS = (
    "占道经营",
    "流动摊贩占道经营",
    "乱摆摊点",
    "路边摆摊堵路",
    "小贩占用人行道",
    "占道经营影响通行",
    "摆摊占道",
    "占道摆卖扰民",
    "违规摆摊设点",
    "商贩沿街叫卖",
)


def appeal(rng: random.Random, place: str) -> tuple[str, str]:
    """One street-vending appeal at ``place``: ``(subject, content)``."""
    means = rng.choice(MEANS).format(goods=rng.choice(GOODS))
    when, spot, seller, harm, ask = (
        rng.choice(WHEN),
        rng.choice(SPOT),
        rng.choice(SELLER),
        rng.choice(HARM),
        rng.choice(ASK),
    )
    shape = rng.randrange(3)
    if shape == 0:
        body = f"{place}{spot}{when}都有{seller.removeprefix('有')}{means}，{harm}。{ask}"
    elif shape == 1:
        body = f"{when}，{seller}在{place}{spot}{means}，{harm}。{ask}"
    else:
        body = f"反映{place}{spot}：{seller}{means}，{harm}，已经持续很久了。{ask}"
    return rng.choice(SUBJECTS), body
