"""Persons: the people reports quote and describe, never their own bylines.

Two sources, one decision:

* a rule: a title written before a name that starts with a common surname
  (村支书马成义, 总经理王海林); cheap, and enough for most officials;
* the tagger (LAC) where the rule has no answer: the words right after a
  title or a description of a person (副局长那日苏, 果农吴宝林, 苗族小伙杨正明,
  关滩沟村的马桂兰, 58岁的拜玉梅) and right before what people do in a report
  (…说, …告诉记者, …一家), read as a person's name (PER).  This finds names
  outside any surname list: Mongolian, Tibetan, Yi, Uyghur, Dai names.

A name is dropped if it is a division's name, lies inside another mention, or
stands in a credit (记者…, 通讯员…, …摄): reporters and photographers are the
report's metadata.
"""
from __future__ import annotations

import importlib.util
import re
import zipfile
from functools import cache
from pathlib import Path

from ..gazetteer import Gazetteer
from ..model import Article, Mention, Span
from .tagger import Tagger

# Titles and descriptions written before a person's name.
ROLES = ("副总经理 总经理 董事长 副董事长 总裁 经理 厂长 党支部书记 村党支部书记 村支书 支部书记 党委书记 县委书记 区委书记 "
         "市委书记 书记 副书记 副主任 主任 副局长 局长 副部长 部长 副站长 站长 副县长 县长 副区长 区长 副市长 市长 副州长 州长 "
         "副旗长 旗长 副盟长 盟长 副镇长 镇长 副乡长 乡长 村长 村主任 嘎查长 副主席 主席 副院长 院长 副校长 校长 副总指挥 总指挥 "
         "组长 副组长 队长 副队长 教师 老师 医生 护士 村医 大夫 专家 村民 农民 牧民 果农 菜农 茶农 农户 贫困户 脱贫户 养殖户 "
         "种植户 种植大户 养殖大户 大户 老人 小伙 小伙子 姑娘 汉子 大姐 大嫂 大爷 妇女 绣娘 大学生 学生 负责人 工作人员 员工 "
         "工人 技术员 致富带头人 创业者 理事长 会长 社长 场长 委员 常委 主管 翻译 班主任 店长 厨师 司机 代表 "
         "干部 挂职干部 医师 主治医师 主任医师 护士长 主播 老板 教授 青年 市民 居民 游客 职工 女工 志愿者 讲师 "
         "工程师 农艺师 带头人 党员 学员 店主 老乡").split()
ROLE_RE = re.compile("|".join(sorted(ROLES, key=len, reverse=True)))
# Common surnames, with 刀 and 岩 of Dai names; 和, 成 and 明 are left out, as they begin more words (和医生, 成长, 明显) than names.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒"
    "阮柯纪梅童凌毕单季裴霍涂苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓"
    "古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣"
    "巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘"
    "满闻位厉伏薄拜海刀岩") | {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "令狐", "慕容", "长孙"}
# Characters that cannot be the second or third character of a name: a verb or particle follows.
AFTER_NAME = set("说讲告介表称指谈坦笑拉带陪等在对也还就都是的了和与及向为从将把被给让正已又欣激感深一患第首")
# Words that describe the person named next (关滩沟村的…, 58岁的…, 苗族小伙…).
PERSON_BEFORE = re.compile(r"(?:村|镇|乡|嘎查|社区|屯|组)的|岁的|[\u4e00-\u9fff]族(?=[\u4e00-\u9fff]{2})|名叫|叫作|"
                           r"女儿|儿子|妻子|丈夫|母亲|父亲|弟弟|妹妹|哥哥|姐姐")
# What a person named just before does in a report.
PERSON_AFTER = re.compile(r"说|表示|介绍|告诉|坦言|感慨|回忆|笑着|高兴地|激动地|一边|一家|今年\d{1,3}岁|今年[一二三四五六七八九十]+岁|"
                          r"已经|正在|算了|掰着|指着|拿着|望着|看着|深有体会|解释|透露|补充")
# Characters that end no name, often before 说 (他说, 大家说, 记者了解到): the tagger is not asked there.
NOT_NAME_END = set("他她我你们者人时里地也都还又就再而并来去着了过的上下中说家员长记书任”“，。、；：？！\n ")
LEVEL_WORDS = set("省市县区州旗盟镇乡村国")
NOT_NAME_START = set("们户家人员时中里上下内外前后数名个位和与及或被把将对向为在于的地得着过都也")
SPEECH_AFTER = re.compile(r"说|表示|介绍|告诉|坦言|感慨|笑着|等人")
CREDIT_BEFORE = re.compile(r"(?:记者|通讯员|编辑|责编|作者|摄影|摄像|审核|校对|来源)[:：\s]*$")
NAME_SHAPE = re.compile(r"[\u4e00-\u9fff]{2,6}(?:·[\u4e00-\u9fff]{2,6})?(?<!们)")


def extract_persons(article: Article, taken: list[Mention], gaz: Gazetteer, tagger: Tagger | None) -> list[Mention]:
    text = article.text
    covered = bytearray(len(text))
    for m in taken:
        covered[m.span.start:m.span.end] = b"\x01" * (m.span.end - m.span.start)
    found: list[Mention] = []

    def keep(start: int, end: int, role: str | None, rule: str, source: str, confidence: float) -> None:
        name = text[start:end]
        if any(covered[start:end]) or not NAME_SHAPE.fullmatch(name) or name in gaz.by_name or name in gaz.by_short \
                or ROLE_RE.search(name) \
                or CREDIT_BEFORE.search(text, max(0, start - 6), start) or text[end:end + 1] == "摄":
            return
        covered[start:end] = b"\x01" * (end - start)
        found.append(Mention(Span(start, end, name), "Person", name, f"Person:{name}", rule, role=role,
                             source=source, confidence=confidence))

    for m in ROLE_RE.finditer(text):
        at = m.end() + (text[m.end():m.end() + 1] == " ")  # 副主任 钱宏伟: a transcript's space after the title
        name = _surname_name(text, at)
        if name and len(name) == 2 and _maybe_a_word(text, at, name, tagger):
            name = None
        if name:
            keep(at, at + len(name), m.group(), "title-then-name", "rule", 0.9)
        elif tagger is not None and _may_start_a_name(text, at):
            person = _tagged_person(tagger, at, after=True)
            if person:
                keep(*person, m.group(), "title-then-tagged-name", "tagger", 0.8)
    if tagger is not None:
        for m in PERSON_BEFORE.finditer(text):
            person = _tagged_person(tagger, m.end(), after=True) if _may_start_a_name(text, m.end()) else None
            if person:
                keep(*person, None, "description-then-tagged-name", "tagger", 0.7)
        for m in PERSON_AFTER.finditer(text):
            if m.start() and not covered[m.start() - 1] and text[m.start() - 1] not in NOT_NAME_END \
                    and text[m.start() - 2:m.start()] not in common_words():
                person = _tagged_person(tagger, m.start(), after=False)
                if person:
                    keep(*person, None, "tagged-name-then-deed", "tagger", 0.7)
    return found


def _may_start_a_name(text: str, at: int) -> bool:
    """Whether a name could begin here: a Chinese character that starts no verb, particle or
    number (负责人表示, 贫困户、, 村民们 start none), nor a common word (村里的群众)."""
    first = text[at:at + 1]
    return bool(re.match(r"[\u4e00-\u9fff]", first)) and first not in AFTER_NAME and first not in NOT_NAME_START \
        and text[at:at + 2] not in common_words()


def _maybe_a_word(text: str, at: int, name: str, tagger: Tagger | None) -> bool:
    """Two characters after a title may be a word, not a name (医生查房, 村民马上): a word of jionlp's
    dictionary is one; before a verb or a mark they are a name (村民李强说); else the tagger decides."""
    if name in common_words() or name[1] in LEVEL_WORDS:  # 全县, 全村: a word of places
        return True
    if not re.match(r"[\u4e00-\u9fff]", text[at + 2:at + 3]) or SPEECH_AFTER.match(text, at + 2):
        return False
    return tagger is not None and tagger.label_of(at, at + 2) != "PER"


@cache
def common_words() -> frozenset[str]:
    """The two-character words of jionlp's dictionary of Chinese words (34,000 entries)."""
    spec = importlib.util.find_spec("jionlp")
    path = Path(spec.submodule_search_locations[0]) / "dictionary" / "chinese_word_dictionary.zip"
    with zipfile.ZipFile(path) as archive:
        lines = archive.read("chinese_word_dictionary.txt").decode("utf-8").splitlines()
    return frozenset(w for w in (line.split("\t", 1)[0] for line in lines) if len(w) == 2)


def _tagged_person(tagger: Tagger, at: int, after: bool) -> tuple[int, int] | None:
    """The span of a name the tagger reads as a person right after (or right before) ``at``;
    names the tagger splits in two (额尔敦/PER 毕力格/PER) are joined."""
    tags = tagger.around(at - 7, at, reach=0) if not after else tagger.around(at, at + 7, reach=0)
    people: list[tuple[int, int]] = []
    for i, tag in enumerate(tags):
        if tag.label != "PER":
            continue
        joined = people and (people[-1][1] == tag.start or (
            tags[i - 1].word == "·" and tags[i - 1].start == people[-1][1] and tags[i - 1].end == tag.start))
        if joined:
            people[-1] = (people[-1][0], tag.end)
        else:
            people.append((tag.start, tag.end))
    for start, end in people:
        if (after and start == at) or (not after and end == at):
            return start, end
    return None


def _surname_name(text: str, pos: int) -> str | None:
    """A name after a title: a known surname and one or two more characters, ending where a
    verb or particle begins (村支书马成义介绍 -> 马成义)."""
    surname = text[pos:pos + 2] if text[pos:pos + 2] in SURNAMES else text[pos:pos + 1]
    if surname not in SURNAMES:
        return None
    rest = pos + len(surname)
    given = ""
    for k in range(2):
        ch = text[rest + k:rest + k + 1]
        if not re.fullmatch(r"[\u4e00-\u9fff]", ch or "x") or ch in AFTER_NAME:
            break
        given += ch
    if not given:
        return None
    follow = text[rest + len(given):rest + len(given) + 1]
    if re.fullmatch(r"[\u4e00-\u9fff]", follow or "x") and follow not in AFTER_NAME:
        return None  # the name runs on into a word: not a name after all
    return surname + given
