"""Named organisations, projects, events, documents and products.

Chinese names carry their kind at the end (…有限公司, …中学, …局, …项目,
…招聘会), so each rule starts from a suffix and walks left to where the name
begins: the start of the clause, or the end of a word that cannot be part of
a name (a verb such as 建成/举办, a function word such as 的/与/在, a title
such as 总经理).  Persons are found the other way round (extract/persons.py).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from ..model import Article, Mention, Span
from .persons import ROLE_RE, ROLES
from .tagger import Tagger

# Suffix -> entity type.  Longer suffixes win over shorter ones at the same place.
SUFFIX_TYPES = {
    "Enterprise": "有限责任公司 股份有限公司 有限公司 分公司 公司 集团 酒业 木业 药业 乳业 茶业 电机 "
                  "电器 实业 食品厂 工厂 厂",
    "Organization": "专业合作社 合作社 工作站 服务站 协会 商会 联合会 基金会 研究院 研究所 工商联 红十字会 慈善总会 慈善会 "
                    "培训中心 服务中心 研究中心 胸痛中心 卒中中心 创伤中心 帮扶中心 分中心 "
                    "总会 促进会 联盟 老乡之家 电视总台 总台",
    "School": "职业技术学校 职业技术教育中心 职教中心 职业中学 中学 小学 大学 学院 学校 幼儿园",
    "Hospital": "妇幼保健院 人民医院 中医院 医院 卫生院 保健院",
    "Government": "人民政府 政府 委员会 办公室 办公厅 扶贫办 协作办 支援办 交流办 政协 人大 管委会 指挥部 工作组 工作队 "
                  "联络组 领导小组 组织部 统战部 宣传部 人武部 厅 局 教委 发改委 发展改革委 卫健委 卫生健康委 卫生计生委 "
                  "农业农村委 农委 经信委 科委 民委 兽医站 农技站 农机站 林业站 水利站 畜牧站",
    "Project": "项目 工程 基地 示范园 产业园 养殖场 养猪场 羊场 牛场 猪场 农场 林场 牧场 中心 水厂 "
               "车间 旗舰店 电站 馆 园 小镇 古镇 试验区 示范区 机场 大桥 景区 专区 基金 助学金 书屋 专列 专车 直通车 "
               "培训班 保税区 开发区",
    "Event": "招聘会 洽谈会 展销会 博览会 交易会 推介会 对接会 座谈会议 座谈会 联席会议 对接活动 推进会 交流会 "
             "观摩会 现场会 协调会 恳谈会 研讨会 "
             "嘉年华 论坛 峰会 旅游节 文化节 丰收节 好物节 展销周 发布会 签约仪式 捐赠仪式 仪式 行动 活动 专场",
}
SUFFIX_OF = {s: t for t, words in SUFFIX_TYPES.items() for s in words.split()}
SUFFIX_RE = re.compile("|".join(sorted(map(re.escape, SUFFIX_OF), key=len, reverse=True)))
# "X中" for numbered schools: 平凉三中, 二中.
NUMBERED_SCHOOL = re.compile(r"(?<=[\u4e00-\u9fff])[一二三四五六七八九十]中(?![学心国华央间专])")

# Words that end a name's left edge.  A name never contains them, so the name
# starts right after the last one before its suffix.
BOUNDARY_WORDS = (
    "的 了 着 过 在 是 与 和 及 以及 同 跟 向 为 由 从 到 把 被 给 将 让 使 等 或 并 还 也 都 又 再 已 已经 "
    "通过 依托 借助 组织(?!部) 举办 召开 建成 新建 建起 完成 实施 引进 引来 走进 来到 参加 参与 参观 考察 察看 "
    "包括 成立 设立 建立 开设 签订 制定 投入 援建 出资 帮助 支持 带动 推动 用于 共建 推进 打造 培育 落户 "
    "入驻 开展 拥有 位于 其中 除了 除 按照 根据 围绕 牵线 销售 展销 展示 采购 购买 捐赠 捐建 修建 扶持 资助 "
    "兴办 创办 开办 实现 形成 获得 承接 争取 申报 进入 走访 慰问 结成 结对 采取 去 来 看 对(?![口接]) "
    "就(?!业) 即 该 这 那 这家 那家 首批 龙头企业 企业 单位 记者 群众 表示 介绍 告诉 以 而 但 却 则 且 "
    "我们 他们 咱们 我 你 他 她 它 全区 全县 全市 全镇 全村 各地 各界 每户 "
    "拨付 注入 下达 划拨 至 交给 捐给 送给 落实 安排 提供 联合 出任 担任 来自 前往 赴 抵达 到达 离开 走出 托管 "
    "部分 个别 更多 一些 如今 建设 谋划 推行 离不开 请缨 运回 送完 常驻 组建 新认定 认定 添置 据 搞起 联手 "
    "了解 设置 乘坐 改造 升级 跑进 搬进 搬到 搬回 自(?=[0-9]) 举行 出席 主持 挂任 兼任 调任 就任 任职 "
    "今年 去年 明年 当年 本次 此次 这次 当天 日前 近日 "
    "[0-9]{4}年(?:[0-9]{1,2}月)?(?:[0-9]{1,2}日)? [0-9]{1,2}月[0-9]{1,2}日 "
    "(?<!第)[0-9一二三四五六七八九十两几多]+(?:余|多)?[个座家所批项处名条场] "
    "[0-9.,]+(?:余|多)?(?:万|亿)?元"
).split()
BOUNDARY_RE = re.compile("|".join(sorted(BOUNDARY_WORDS + ROLES, key=len, reverse=True)))
PROVINCE_ABBREVIATIONS = set("京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川蜀贵黔云滇陕秦甘陇青宁新藏桂蒙")
NAME_CHARS = re.compile(r"[\u4e00-\u9fff0-9A-Za-z·“”（）()\-—— ]")
LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
MAX_NAME = 30
# Words that end in a suffix character but name nothing.
NOT_NAMES = re.compile(r"(格|布|大|结|开|全|当|骗|时|党|药|书)局$|^(网|车|第[一二三四五六七八九十]+|加油|驿)站$|"
                       r"^[^“”]{0,2}(食|书|饭|旅|宾|博物|图书|场|展览|纪念)馆$|^(中|重|核|市|圆|同)心$|"
                       r"(公|花|菜|果|家|校|乐|庄|田|茶|竹|桃|梨|校)园$|^[^“”]{0,3}(活动|行动|仪式)$|[开建进入]园$|[建办设开进入出]厂$")
# Words that describe rather than name: a project called only by them is no name.
# Project suffixes that need more than a place name before them (麦积项目 is no name;
# 古浪县产业园 is).
DESCRIPTIVE_SUFFIXES = {"项目", "工程", "中心", "基地"}
# A project or works written with a stem this long is a title, not a description (农村饮水安全巩固提升工程).
TITLE_LENGTH = 6
DESCRIPTIVE_END = re.compile(r"(相关|有关|等|类|之类)$")
GENERIC_QUOTES = re.compile(r"“[^”]*”")
GENERIC_EVENT = re.compile(r"专场|巡回|现场|大型|各类|网络|线上|线下|春季|秋季|招聘|专题|[和及与、]")
GENERIC = re.compile(
    "东西部|扶贫|协作|帮扶|产业|民生|重点|援建|合作|各类|相关|其他|这些|示范|建设|发展|脱贫|攻坚|社区|企业|"
    "农村|贫困|农户|龙头|当地|本地|地方|光伏|养殖|种植|项目|生产|开发|友好|类|一批批?|一项项|一个个|首批|"
    r"[0-9一二三四五六七八九十百千万两几多余]+[个座家所批项处名条类大]|[0-9]+|[“”（）()·\s]")
QUOTED = re.compile(r"“([^“”\n]{2,16})”")
QUOTED_LIST_TAIL = re.compile(r"(“[^“”]{2,12}”、?)*等?(?:的)?")
PRODUCT_NAME = re.compile(r"[\u4e00-\u9fff·]{2,8}")
PRODUCT_CUE = re.compile(r"[^，。；“”]{0,8}?(产品|特产|品牌|名优|农产品|标签|牌子|商标|认证|标识)|牌(?!匾|子上|楼|坊)")
# What products are: a place's name before one of these is a brand (静宁苹果, 元阳红米, 盘县火腿).
PRODUCT_NOUN = ("苹果|梨|桃|杏|枣|柚|橙|柑|橘|芒果|葡萄|猕猴桃|樱桃|草莓|核桃|板栗|花椒|辣椒|生姜|大蒜|马铃薯|土豆|红薯|"
                "玉米|小米|大米|红米|稻米|香米|面粉|挂面|岩脚面|粉丝|粉条|茶叶|红茶|绿茶|白茶|早茶|茶|咖啡|三七|天麻|当归|党参|黄芪|"
                "枸杞|蜂蜜|牛肉|羊肉|猪肉|牦牛肉|羊羔肉|火腿|腊肉|香猪|土鸡|鸡蛋|黄牛|肉牛|牛|羊|猪|鸡|鸭|鹅|木耳|香菇|"
                "菇|菌|酒|醋|火麻油|山茶油|菜籽油|百合|山楂|杂粮|荞麦|燕麦|青稞|藜麦|刺绣|银饰|蜡染|砚|蓝莓|石榴|香瓜|"
                "椪柑|毛尖|普洱|葛粉|附子|姜糖|果酱|茶饼|粉条")
PLACE_PRODUCT = re.compile(rf"(?!销售|采购|购买|认购|种植|种|养|发展|生产|加工|特色|优质)"
                           rf"(?:(?![的有在是和与及])[\u4e00-\u9fff]){{0,3}}?(?:{PRODUCT_NOUN})(?=走出|走进|走向|销往|卖到|卖进|进入|摆上|端上|"
                           rf"上市|出山|进京|热销|畅销|远销|、|等|和|”|[，。；])")
# A brand in quotes before what it is (“水城春”早茶, “凉都弥你红”红心猕猴桃), and a quoted name ending in produce.
BRAND_BEFORE_PRODUCE = re.compile(rf"(?:[\u4e00-\u9fff]{{0,2}}?)(?:{PRODUCT_NOUN})(?![\u4e00-\u9fff]{{0,2}}(?:基地|园|厂|车间|产业))")
PRODUCE_AT_END = re.compile(rf"(?:{PRODUCT_NOUN})$")
PRODUCT_VERB = re.compile(r"(种|养|卖|销售|推出|打造|品牌)$")
PRODUCTS_AFTER_LIST = (r"(?:等|这些|这批)(?:[0-9一二三四五六七八九十百]+(?:多|余)?种)?(?:特色|农副|农特|农畜|名优|地方|优质|"
                       r"扶贫|农)*产品")
LIST_BEFORE_PRODUCTS = re.compile(
    rf"(?P<items>[\u4e00-\u9fff]{{2,8}}(?:、[\u4e00-\u9fff]{{2,8}})+){PRODUCTS_AFTER_LIST}")
PRODUCT_LIST_END = re.compile(PRODUCTS_AFTER_LIST)
# A list is looked for only this far before its 等…产品: trying the list pattern at every
# character of a report was a tenth of its extraction time.
LIST_REACH = 240
# A listed product this long is specific (牛骨髓油茶); shorter, it needs a place in front (湟源牦牛肉).
SPECIFIC_PRODUCT = 5
PRODUCT_GENERIC = re.compile(r"^(优质|特色|新鲜|各类|各种|绿色|有机|名优)")
DOCUMENT = re.compile(r"《([^《》\n]{2,60})》")


def extract_names(article: Article, regions: list[Mention], place_names=None, tagger: Tagger | None = None) -> list[Mention]:
    """``place_names`` (a lexicon of division names, from the gazetteer) lets a body named for a
    place count as placed even where the article does not name the place on its own; ``tagger``
    is asked whether a name with nothing else to single it out reads as a proper name."""
    text = article.text
    protected = [(m.span.start, m.span.end) for m in regions]
    protected += [m.span() for m in DEPARTMENT_WITH_AND.finditer(text)]
    region_spans = _Spans(len(text), protected)
    mentions = _suffix_names(text, region_spans, place_names, tagger)
    mentions += _party_committees(text, regions)
    mentions += _listed_names(text, region_spans, mentions)
    mentions += _agreements(text, mentions)
    mentions += _national_bodies(text, mentions)
    mentions += _documents(text)
    mentions += _products(text, mentions + regions, place_names)
    mentions += _place_products(text, regions, mentions)
    mentions += _quoted_activities(text, mentions)
    return sorted(mentions, key=lambda m: (m.span.start, -m.span.end))


class _Spans:
    """Character positions covered by some spans, for constant-time membership."""

    def __init__(self, length: int, spans: list[tuple[int, int]]):
        self.mask = bytearray(length)
        for a, b in spans:
            self.mask[a:b] = b"\x01" * (b - a)

    def __contains__(self, pos: int) -> bool:
        return 0 <= pos < len(self.mask) and self.mask[pos] == 1


NO_SPANS = _Spans(0, [])


def _inside(pos: int, spans: _Spans) -> bool:
    return pos in spans


def _clause_start(text: str, end: int) -> int:
    start = end
    while start > 0 and end - start < MAX_NAME and _name_char(text, start - 1):
        start -= 1
    return start


def _name_char(text: str, i: int) -> bool:
    """Spaces belong to a name only beside Latin letters or digits (暨 PECC 博览会)."""
    if text[i] != " ":
        return bool(NAME_CHARS.match(text, i))
    return bool(LATIN_OR_DIGIT.match(text[i - 1:i]) or LATIN_OR_DIGIT.match(text[i + 1:i + 2]))


def _name_start(text: str, suffix_start: int, protected: _Spans) -> int:
    """Where a name ending in a suffix begins: after the last boundary word."""
    start = _clause_start(text, suffix_start)
    window = text[start:suffix_start]
    quoted = _Spans(len(text), [(start + q.start(), start + q.end()) for q in QUOTE_SPAN.finditer(window)])
    cut = start
    for m in BOUNDARY_RE.finditer(window):
        at = start + m.start()
        # Words inside quotes (“在希望的田野上”) and before 暨 (…捐赠暨帮扶签约仪式) are part of the name,
        # and so is a facility's word right before its suffix (展销中心); 和 after a colon joins
        # nothing (：和平之君社会服务中心).
        if _inside(at, protected) or _inside(at, quoted) or window[m.end():m.end() + 1] == "暨" \
                or (start + m.end() == suffix_start and m.group() in FACILITY_WORDS) \
                or (m.start() == 0 and m.group() == "和" and text[start - 1:start] in ("：", ":", "\n", "")):
            continue
        cut = start + m.end()
    # A registered company's name ends where it ends: 联手临夏百益…有限责任公司搞起高原夏菜项目.
    company = None
    for company in LEGAL_END.finditer(text, cut, suffix_start):
        pass
    if company is not None and company.end() < suffix_start:
        cut = company.end()
    # "…博览会”“津城…" : a closing and an opening quote separate two names.
    between = text.rfind("”“", cut, suffix_start)
    if between >= 0:
        cut = between + 1
    return cut


QUOTE_SPAN = re.compile(r"“[^“”]*”")
WORD_GOES_ON = re.compile(r"房|区|址|矿")
FACILITY_WORDS = {"展销", "展示", "销售", "建设"}
LEGAL_END = re.compile(r"有限责任公司|股份有限公司|有限公司")


def _suffix_matches(text: str) -> list[tuple[int, int, str, str]]:
    """Suffixes in the text; where two overlap (协作办|办公室) the one reaching further wins."""
    found = []
    for m in SUFFIX_RE.finditer(text):
        start, end = m.span()
        if WORD_GOES_ON.match(text, end) and text[start:end] in ("厂", "工厂"):
            continue  # 厂房, 厂区: the word goes on
        for inner in range(start + 1, end):
            longer = SUFFIX_RE.match(text, inner)
            if longer and longer.end() > end:
                start, end = longer.span()
        found.append((start, end, text[start:end], SUFFIX_OF[text[start:end]]))
    return found


def _suffix_names(text: str, regions: _Spans, place_names=None, tagger: Tagger | None = None) -> list[Mention]:
    found = _suffix_matches(text)
    found += [(m.start(), m.end(), m.group(), "School") for m in NUMBERED_SCHOOL.finditer(text)]
    found.sort()
    mentions, unsure = [], []
    for i, (s, e, suffix, kind) in enumerate(found):
        if ROLE_RE.match(text, s) or _inside(s, regions):
            continue
        if _continues(text, e, found, i + 1):
            continue
        start = _name_start(text, s, regions)
        name = _trim(text[start:e])
        start = e - len(name)
        stem = name[: -len(suffix)]
        level_body = kind == "Government" and stem in LEVELS and suffix not in GENERIC_BODIES  # 县教委, 区发展改革委
        if not level_body and (len(stem) < 2 or NOT_NAMES.search(name) or not re.search(r"[\u4e00-\u9fff]{2}", stem)):
            continue
        places_name_it = kind != "Project" or suffix not in DESCRIPTIVE_SUFFIXES
        if kind in ("Project", "Enterprise", "Organization") and (
                _generic(stem, start, NO_SPANS if places_name_it else regions)
                or DESCRIPTIVE_END.search(GENERIC_QUOTES.sub("", stem))):
            continue
        if kind == "Event" and not GENERIC_EVENT.sub("", stem):
            continue
        venue = EVENT_VENUE.match(text, e) if kind == "Event" else None
        if venue:
            # 产销对接会（深圳站）: the venue in brackets belongs to the name; the name without it is another form.
            mentions.append(Mention(Span(start, e, name), kind, name + venue.group(), f"{kind}:{name}{venue.group()}",
                                    f"suffix-{suffix}-before-venue"))
            e, name = venue.end(), name + venue.group()
        if kind == "School" and _generic(stem, start, NO_SPANS):
            continue
        if kind == "Government" and not _placed_body(name, start, regions, place_names):
            continue
        if (kind == "Enterprise" or suffix == "馆") and all(_inside(i, regions) for i in range(start, e - len(suffix))) \
                and not re.search(r"[省市县区州旗]$", stem):
            continue  # 在福建厂里, 展会的云南馆: a factory or a fair's pavilion somewhere, not a name
        mention = Mention(Span(start, e, name), kind, name, f"{kind}:{name}", f"suffix-{suffix}")
        if suffix in OPEN_SUFFIXES and not _singled_out(text, name, start, regions) and \
                not (suffix in TAGGED_SUFFIXES and _tagged_proper(tagger, text, start, e)):
            unsure.append(mention)
            continue
        if suffix in DESCRIPTIVE_SUFFIXES and len(stem) < TITLE_LENGTH and not _singled_out(text, name, start, regions) \
                and not _tagged_proper(tagger, text, start, e):
            unsure.append(mention)
            continue
        mentions.append(mention)
        quoted = re.match(r"“([^“”]{2,16})”", name)
        if kind == "Event" and quoted and quoted.end() < len(name):
            # “甬凉同心·就业帮扶”春季专场招聘会 is also called by its quoted words alone.
            mentions.append(Mention(Span(start + 1, start + quoted.end() - 1, quoted.group(1)), kind, name,
                                    f"{kind}:{name}", f"suffix-{suffix}-quoted-part"))
        slogan = ACTIVITY_TAIL.search(name) if kind == "Event" and not quoted else None
        if slogan and slogan.start() >= SLOGAN_LENGTH:
            # 凉山好物进佛山专场活动 is also called by its slogan alone.
            mentions.append(Mention(Span(start, start + slogan.start(), name[:slogan.start()]), kind, name,
                                    f"{kind}:{name}", f"suffix-{suffix}-slogan"))
    return mentions + _short_forms_of(mentions, unsure)


def _short_forms_of(named: list[Mention], unsure: list[Mention]) -> list[Mention]:
    """A plain word for a kind of place (净水车间) that ends a name the article gives in full
    (琥珀镇供水站净水车间) is that name's short form, wherever it stands."""
    tails = {(m.type, m.name[-k:]) for m in named for k in range(3, len(m.name))}
    return [m for m in unsure if (m.type, m.name) in tails]


EVENT_VENUE = re.compile(r"[（(][\u4e00-\u9fff]{1,6}(?:站|专场|分会场|会场)[）)]")
# The words a campaign's name may end in after its slogan (送岗下乡活动, 万企兴万村行动).
ACTIVITY_TAIL = re.compile(r"(?:消费扶贫|消费帮扶|消费协作|网络|直播|带货|专场|系列|主题|宣传|公益|集中|推介)*(?:活动|行动)$")
SLOGAN_LENGTH = 4
LEVELS = set("省市县区州旗盟镇乡")
# Bodies every place has: 县政府 alone is the article's county's government, a form of a name, not one.
GENERIC_BODIES = {"人民政府", "政府", "委员会", "办公室", "办公厅", "人大", "政协", "指挥部", "工作组", "工作队", "领导小组"}
# Suffixes that also end plain words for a kind of place (服装厂, 电子厂, 物流公司): a name with
# one is a name only where something singles it out.
OPEN_SUFFIXES = {"厂", "工厂", "公司", "园", "车间", "小镇", "专列", "专车", "直通车", "基金", "助学金", "书屋", "培训班", "专区",
                 "活动", "行动", "仪式", "发布会", "开发区", "保税区", "学校", "合作社", "专业合作社", "电站", "医院", "卫生院",
                 "中医院"}
PLACE_OF = re.compile(r"(?:村|镇|乡|县|区|市|州|旗|嘎查|社区)的$")


# Open suffixes of names the tagger can vouch for (康业投资公司/ORG, 厦临公司/ORG; 物流/n 公司/n).
TAGGED_SUFFIXES = {"公司", "厂", "工厂", "园", "小镇", "合作社", "专业合作社", "学校", "医院"}
QUANTIFIED = re.compile(r"(?:一|这|那|每|两|几|多|某|该)(?:家|个|座|所)?$")


def _tagged_proper(tagger: Tagger | None, text: str, start: int, end: int) -> bool:
    """Whether the tagger reads a proper name in text[start:end]: an organisation, place, person
    or other proper noun, not common words (一家物流公司, 加工项目)."""
    if tagger is None or QUANTIFIED.search(text, max(0, start - 2), start):
        return False
    return any(t.label in ("ORG", "nz", "LOC", "PER") and t.start < end and start < t.end and t.end - t.start >= 2
               and not (t.label == "LOC" and (t.start < start or t.end > end))
               for t in tagger.around(start, end, reach=2))


def _singled_out(text: str, name: str, start: int, regions: _Spans) -> bool:
    """A place in or right before the name (哈播村的红米加工厂), a quoted word, Latin letters, the
    body that runs it (…专业合作社扶贫车间), or the two provinces' letters of a cooperation
    (沪滇…车间, 津甘…直通车)."""
    return _inside(start, regions) or bool(PLACE_OF.search(text, max(0, start - 8), start)) \
        or "“" in name or bool(LATIN_OR_DIGIT.search(name.rstrip("0123456789"))) \
        or bool(RUN_BY.search(name)) or _cooperation_letters(name)


RUN_BY = re.compile(r"(?:合作社|公司|集团)(?=.)")


def _cooperation_letters(name: str) -> bool:
    return len(name) > 2 and name[0] != name[1] and {name[0], name[1]} <= PROVINCE_ABBREVIATIONS


# A body of government is named for its place (临洮县扶贫办, 区扶贫支援办, 旗人社局) or is national.
PLACED_BODY = re.compile(r"^(?:国务院|中央|全国|国家|中共|省|市|县|区|州|旗|盟|镇|乡|自治区)(?!级)")
# Standard names of government departments with 和 inside (a boundary word elsewhere).
DEPARTMENT_WITH_AND = re.compile(r"人力资源和社会保障|住房和城乡建设|工业和信息化|文化和旅游|自然资源和规划|民族宗教事务|"
                                 r"卫生和计划生育")


def _placed_body(name: str, start: int, regions: _Spans, place_names) -> bool:
    """A body is named for a division: the article's (临洮县扶贫办), one the gazetteer knows at its
    start even where the article does not name it apart (天津港保税区管委会), a level (区扶贫支援办,
    旗人社局), or the nation (国务院办公厅)."""
    return _inside(start, regions) or bool(PLACED_BODY.match(name)) or bool(
        place_names and any(a == 0 for a, _ in place_names.occurrences(name[:8])))


def _party_committees(text: str, regions: list[Mention]) -> list[Mention]:
    """X县委, X市委: a division's party committee (whether the words are a title is settled
    in arbitration)."""
    out = []
    for m in regions:
        if m.span.text.endswith(("县", "市", "区", "州", "旗", "省")) and text[m.span.end:m.span.end + 1] == "委" \
                and text[m.span.end + 1:m.span.end + 2] != "会":
            name = text[m.span.start:m.span.end + 1]
            out.append(Mention(Span(m.span.start, m.span.end + 1, name), "Government", name, f"Government:{name}",
                               "party-committee"))
    return out


# A list of names before what they are (津瑞菌业、港峰门窗、君晟源等8家天津企业; 引进华澄、锡东两家企业).
LISTED = re.compile(
    r"(?:(?P<items>{0}(?:、{0})+)(?:等(?:{1})?|{1})|(?P<pair>{0}(?:和|及|与){0})(?:等(?:两|二|2)家|两家|二家|2家))".format(
        r"(?:(?!等)[\u4e00-\u9fff]){2,12}", r"(?:[0-9]+|[一二两三四五六七八九十几多]+)(?:余|多)?(?:家|个|所|处)") +
    r"(?:(?![了进到在是也都被把卖买的])[\u4e00-\u9fff]){0,12}?(?P<kind>企业|公司|工厂|厂家|商超|超市|合作社|学校|院校|医院|景点|景区)")
LISTED_KIND = re.compile(r"企业|公司|工厂|厂家|商超|超市|合作社|学校|院校|医院|景点|景区")
LISTED_TYPES = {"企业": "Enterprise", "公司": "Enterprise", "工厂": "Enterprise", "厂家": "Enterprise",
                "商超": "Enterprise", "超市": "Enterprise", "合作社": "Organization", "学校": "School",
                "院校": "School", "医院": "Hospital", "景点": "Project", "景区": "Project"}


def _lists_before_kinds(text: str) -> Iterator[re.Match]:
    """The list pattern tried only in the stretch before each word of a kind (企业, 合作社 …):
    trying it at every character cost more than all the other name rules."""
    searched_to = 0
    for kind in LISTED_KIND.finditer(text):
        yield from LISTED.finditer(text, max(searched_to, kind.start() - LIST_REACH), kind.end())
        searched_to = kind.end()


PLACES_WORD = re.compile(r"两地|各地|等地|两省|两市|两县|两区")
PLACE_END = re.compile(r"(?:街道|镇|乡|村|社区|嘎查|县|区|市|州|旗|盟|省)$")


def _listed_names(text: str, regions: _Spans, found: list[Mention]) -> list[Mention]:
    """Items of a list before their kind (海尔、海信等企业), but none of a pair one of whose
    items is a place (罗山街道及辖区两家企业), nor places written as such (天津、北京两地…商超)."""
    taken = _Spans(len(text), [(m.span.start, m.span.end) for m in found])
    out = []
    for m in _lists_before_kinds(text):
        kind = LISTED_TYPES[m["kind"]]
        group = "items" if m["items"] else "pair"
        pos = m.start(group)
        listed = []
        for item in re.split(r"、|和|及|与", m[group]):
            item_end = pos + len(item)
            item = _list_item(item)
            start = item_end - len(item)
            pos = item_end + 1
            if len(item) < 2 or all(_inside(i, regions) for i in range(start, item_end)) or PLACE_END.search(item):
                if group == "pair":
                    listed = []
                    break
                continue
            if _inside(start, taken) or _generic(item, start, NO_SPANS) or PLACES_WORD.search(item):
                continue
            listed.append(Mention(Span(start, item_end, item), kind, item, f"{kind}:{item}", "listed-before-kind",
                                  confidence=0.8))
        out += listed
    return out


# The nation's own bodies, named without a place: 党中央作出东西部扶贫协作重大决策.
NATIONAL_BODY = re.compile(r"党中央|国务院(?![\u4e00-\u9fff]{0,6}(?:办|部|委|局|厅))|全国人大|全国政协")


def _national_bodies(text: str, found: list[Mention]) -> list[Mention]:
    taken = _Spans(len(text), [(m.span.start, m.span.end) for m in found])
    return [Mention(Span(m.start(), m.end(), m.group()), "Government", m.group(), f"Government:{m.group()}",
                    "national-body") for m in NATIONAL_BODY.finditer(text) if not _inside(m.start(), taken)]


# Agreements named without 《》: 签订2020年度东西部扶贫协作框架协议.
AGREEMENT = re.compile(r"(?:签订|签署|签下|印发|制定|出台|联合下发)(?:了|的)?(?P<name>[^，。；、“”《》\s]{4,30}?"
                       r"(?:框架协议|合作协议|帮扶协议|结对协议|协议书|行动计划|实施方案|实施意见|工作方案))")


def _agreements(text: str, found: list[Mention]) -> list[Mention]:
    taken = _Spans(len(text), [(m.span.start, m.span.end) for m in found])
    out = []
    for m in AGREEMENT.finditer(text):
        name = m.group("name")
        if _inside(m.start("name"), taken) or not re.search(r"\d{4}|年度|三年|五年|十四五|十三五", name):
            continue
        out.append(Mention(Span(m.start("name"), m.end("name"), name), "Document", name, f"Document:{name}",
                           "agreement-after-signing", confidence=0.8))
    return out


def _continues(text: str, end: int, found: list[tuple], after: int) -> bool:
    """Another suffix follows in the same run of name characters (基地项目, 洽谈会暨…博览会); a
    registered company's name is complete (某某有限公司扶贫车间 names the company too)."""
    if text[max(0, end - 6):end].endswith(("有限公司", "有限责任公司", "股份有限公司")):
        return False
    run_end = end
    while run_end < len(text) and run_end - end < 16 and _name_char(text, run_end):
        run_end += 1
    stop = BOUNDARY_RE.search(text, end, run_end)
    limit = stop.start() if stop else run_end
    first = bisect_left(found, end, lo=after, key=_start_of)
    last = bisect_left(found, limit, lo=first, key=_start_of)
    return any(found[k][1] <= limit for k in range(first, last))


def _start_of(suffix: tuple) -> int:
    return suffix[0]


def _trim(name: str) -> str:
    """Drop unbalanced quotes and brackets at the edges of a name."""
    name = name.strip(" ")
    while name and name[0] in "”）)—-":
        name = name[1:]
    opened = name.rfind("“")
    if opened >= 0 and "”" not in name[opened:]:
        name = name[opened + 1:]
    if name.startswith(("（", "(")) and not re.search(r"[）)]", name):
        name = name[1:]
    opened = max(name.rfind("（"), name.rfind("("))
    if opened > 0 and not re.search(r"[）)]", name[opened:]):
        name = name[:opened] + name[opened + 1:]  # 发布会（西双版纳州专场: the bracket closes after the name
    return name.strip(" ")


def _generic(stem: str, stem_start: int, regions: _Spans) -> bool:
    """A stem made only of regions, numbers and descriptive words names nothing."""
    chars = [c for i, c in enumerate(stem) if not _inside(stem_start + i, regions)]
    rest = GENERIC.sub("", "".join(chars))
    return len(rest) < 2 or (len(rest) == 2 and set(rest) <= PROVINCE_ABBREVIATIONS)


def _documents(text: str) -> list[Mention]:
    out = []
    for m in DOCUMENT.finditer(text):
        name = m.group(1).strip()
        if re.search(r"(日报|晚报|杂志|报)$", name):
            continue
        out.append(Mention(Span(m.start(1), m.end(1), name), "Document", name,
                           f"Document:{name}", "book-title-marks"))
    return out


def _product_lists(text: str) -> Iterator[re.Match]:
    searched_to = 0
    for cue in PRODUCT_LIST_END.finditer(text):
        yield from LIST_BEFORE_PRODUCTS.finditer(text, max(searched_to, cue.start() - LIST_REACH), cue.end())
        searched_to = cue.end()


def _products(text: str, taken: list[Mention], place_names=None) -> list[Mention]:
    """Quoted names in a list of products, after 种/卖, before or ending in what they are
    (“水城春”早茶, “容美茶”), or a list ending in 等…产品."""
    covered = {(m.span.start, m.span.end) for m in taken}
    out = []
    for m in QUOTED.finditer(text):
        name = m.group(1)
        if not PRODUCT_NAME.fullmatch(name) or m.span(1) in covered:
            continue
        tail = QUOTED_LIST_TAIL.match(text, m.end())
        in_list = tail and PRODUCT_CUE.match(text, tail.end())
        produce = BRAND_BEFORE_PRODUCE.match(text, m.end()) or (
            len(name) >= 3 and PRODUCE_AT_END.search(name) and not GENERIC.match(name))
        if in_list or produce or PRODUCT_VERB.search(text[max(0, m.start() - 4):m.start()]):
            out.append(Mention(Span(m.start(1), m.end(1), name), "Product", name,
                               f"Product:{name}", "quoted-product"))
    for m in _product_lists(text):
        pos = m.start("items")
        for item in m.group("items").split("、"):
            start = pos
            pos += len(item) + 1
            item = _list_item(item)
            start = pos - 1 - len(item)
            if not item or PRODUCT_GENERIC.match(item) or (start, start + len(item)) in covered:
                continue
            if len(item) < SPECIFIC_PRODUCT and not any(r.span.start == start for r in taken if r.place is not None) \
                    and not _named_for_a_place(item, place_names):
                continue  # a kind of produce (羊肉, 核桃), not a product of a place or a maker
            out.append(Mention(Span(start, start + len(item), item), "Product", item,
                               f"Product:{item}", "list-before-products"))
    return out


def _named_for_a_place(item: str, place_names) -> bool:
    """盐源苹果: a division's name or short form, then produce."""
    return bool(place_names and PRODUCE_AT_END.search(item)
                and any(a == 0 and b <= len(item) - 2 for a, b in place_names.occurrences(item)))


def _place_products(text: str, regions: list[Mention], taken: list[Mention]) -> list[Mention]:
    """A place's name and a product (静宁苹果走出大山, 元阳红米、昭通苹果等): a brand."""
    covered = _Spans(len(text), [(m.span.start, m.span.end) for m in taken])
    out = []
    for region in regions:
        m = PLACE_PRODUCT.match(text, region.span.end)
        if m is None or _inside(region.span.end, covered) or _inside(region.span.start, covered):
            continue
        name = text[region.span.start:m.end()]
        out.append(Mention(Span(region.span.start, m.end(), name), "Product", name, f"Product:{name}",
                           "place-then-product", confidence=0.8))
    return out


# Activities named in quotes: 通过“送教下乡”“医疗服务支援”, 开展“云品进社区”“云品进食堂”等系列活动.
QUOTED_RUN = re.compile(r"(?:“[^“”\n]{3,16}”(?:、)?)+")
ACTIVITY_BEFORE = re.compile(r"(?:通过|开展|举办|组织|推出|实施|启动|发起|参加|参与|推动|围绕)$")
ACTIVITY_AFTER = re.compile(r"等?(?:系列)?(?:活动|行动)|[，。；、]|进|启动|开展|以来")


def _quoted_activities(text: str, taken: list[Mention]) -> list[Mention]:
    covered = _Spans(len(text), [(m.span.start, m.span.end) for m in taken])
    out = []
    for run in QUOTED_RUN.finditer(text):
        before = ACTIVITY_BEFORE.search(text, max(0, run.start() - 2), run.start())
        if not before or not ACTIVITY_AFTER.match(text, run.end()):
            continue
        for q in QUOTED.finditer(text, run.start(), run.end()):
            name = q.group(1)
            if _inside(q.start(1), covered) or not re.search(r"[\u4e00-\u9fff]{3}", name):
                continue
            out.append(Mention(Span(q.start(1), q.end(1), name), "Event", name, f"Event:{name}",
                               "quoted-activity", confidence=0.7))
    return out


def _list_item(item: str) -> str:
    """The first item of a list carries the verb before it: 销售优质面粉 -> 优质面粉."""
    m = BOUNDARY_RE.search(item)
    while m:
        item = item[m.end():]
        m = BOUNDARY_RE.search(item)
    return item if len(item) >= 2 else ""
