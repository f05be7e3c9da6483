"""Write N synthetic reports for speed and scale benchmarks (not for quality).

    python bench/corpus.py N OUT_DIR [--seed 7]

Each report pairs an eastern district with a western county drawn from the
gazetteer, names towns and villages of that county, bodies, projects and
people, and states money and quantities in the forms real reports use
(1.2亿元, 3,560万元, 1355余万元, 两千万元, 643万 …).  About one report in ten
is an HTML page with site chrome, and one in ten of those is encoded in GBK.
Reports run to about 2,000 characters.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.gazetteer import shared  # noqa: E402
from kg.relate import ASSISTED_PROVINCES, HELPER_PROVINCES  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏吕丁任沈姚卢"
GIVEN = "建国华明丽军平强伟芳敏静秀英海峰志刚永福德学文春兰玉梅金成红光荣辉"
CROPS = "苹果 花椒 核桃 茶叶 中药材 食用菌 马铃薯 肉牛 湖羊 蔬菜 枸杞 红枣 柑橘 蜂蜜 小米".split()
ROLES = "总经理 村党支部书记 理事长 负责人 村民 贫困户 教师 站长".split()
FILLER = [
    "两地坚持“输血”与“造血”相结合，把产业合作作为东西部协作的重中之重。",
    "党政主要领导多次互访对接，召开联席会议研究解决协作中遇到的困难和问题。",
    "围绕“两不愁三保障”目标，双方在教育、医疗、就业等领域持续深化合作。",
    "一批批专业技术人才扎根一线，把先进理念和管理经验带到了西部山区。",
    "消费帮扶让山里的特色农产品走上了东部市民的餐桌，农户的腰包鼓了起来。",
    "劳务协作搭建起就业桥梁，越来越多的农村劳动力实现了稳定就业。",
    "两地干部群众心手相连，在协作中结下了深厚情谊。",
    "下一步，两地将继续深化产业、劳务和消费协作，巩固拓展脱贫攻坚成果。",
]
CHROME_TOP = "<nav>首页 &gt; 东西部协作 &gt; 正文</nav><div class='share'>分享到：微信 微博</div>"
CHROME_BOTTOM = ("<aside><h3>精彩推荐</h3><ul><li>乡村振兴看今朝</li><li>特色产业助增收</li></ul></aside>"
                 "<footer>版权所有 本网 未经授权禁止转载</footer>")


def money(rng: random.Random) -> str:
    forms = [
        lambda: f"{rng.randint(2, 98) / 10:.1f}亿元",
        lambda: f"{rng.randint(100, 9999)}万元",
        lambda: f"{rng.randint(100, 9999)} 万元",
        lambda: f"{rng.randint(100, 9999)}余万元",
        lambda: f"{rng.randint(1, 9)},{rng.randint(100, 999)}万元",
        lambda: rng.choice(["两千万元", "一亿二千万元", "三百万元", "五千多万元"]),
        lambda: f"{rng.randint(10, 999)}.{rng.randint(10, 99)}万元",
    ]
    return rng.choice(forms)()


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def pairs(gaz, rng: random.Random, count: int) -> list[tuple]:
    counties = [p for p in gaz.places.values() if p.level == 3 and p.code]
    helpers = [p for p in counties if p.code[:2] in HELPER_PROVINCES and p.name.endswith("区")]
    assisted = [p for p in counties if p.code[:2] in ASSISTED_PROVINCES and p.name.endswith(("县", "旗"))]
    return [(rng.choice(helpers), rng.choice(assisted)) for _ in range(count)]


def report(gaz, rng: random.Random, helper, assisted) -> tuple[str, str]:
    h_chain = [helper] + gaz.ancestors(helper)
    a_chain = [assisted] + gaz.ancestors(assisted)
    h_full = "".join(p.name for p in reversed(h_chain))
    a_full = "".join(p.name for p in reversed(a_chain))
    local = gaz.local_places(assisted.code)
    towns = [p for p in local if p.level == 4] or [assisted]
    town = rng.choice(towns)
    villages = [p for p in local if p.level == 5 and p.parent == town.id] or [town]
    village = rng.choice(villages)
    tname, vname = gaz.name_of(town), gaz.name_of(village)
    crop = rng.choice(CROPS)
    h, a = helper.name, assisted.name
    title = rng.choice([
        f"{h}对口帮扶{a}：{crop}产业结硕果",
        f"携手奔小康——{h_full}与{a_full}东西部协作工作综述",
        f"{helper.short}{assisted.short}协作谱新篇 {crop}产业促增收",
    ])
    year = rng.randint(2017, 2022)
    body = [
        f"{h_full}与{a_full}结对帮扶以来，两地携手推进东西部协作，成效显著。",
        f"{year}年，{h}向{a}投入财政帮扶资金{money(rng)}，重点支持{tname}发展{crop}产业。",
        f"在{tname}{vname}，由{h}援建的{tname}{crop}产业园已建成大棚{rng.randint(20, 900)}座，"
        f"带动农户{rng.randint(50, 3000)}户、{rng.randint(100, 9000)}人增收。",
        f"“有了产业园，我们在家门口就能挣钱。”{vname}{rng.choice(ROLES)}{name(rng)}说。",
        f"{a}{crop}种植专业合作社理事长{name(rng)}介绍，合作社去年销售收入达{money(rng)}，"
        f"每户每年可分红{rng.randint(800, 5000)}元。",
        f"此外，{h}还动员社会力量捐款捐物折合{money(rng)}，"
        f"{gaz.name_of(rng.choice(towns))}的{crop}种植基地面积达到{rng.randint(100, 20000)}亩。",
        f"{a}人民医院与{h}人民医院建立对口帮扶关系，{h}选派医生{rng.randint(3, 60)}名到{a}开展帮扶。",
        f"两地签订了《{h} {a}东西部协作框架协议》，累计举办东西部劳务协作专场招聘会{rng.randint(2, 30)}场，"
        f"帮助{rng.randint(100, 5000)}名农村劳动力到东部就业。",
        f"{a}扶贫办负责人表示，通过消费帮扶，{a}的“{crop}”等农产品累计销售{money(rng)}。",
    ]
    body += rng.sample(FILLER, k=len(FILLER))
    body += [f"{rng.choice(FILLER)}{a}{gaz.name_of(rng.choice(towns))}的群众对此深有体会。" for _ in range(26)]
    dateline = (f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 09:30 "
                f"来源：{a_chain[-1].short}日报 记者 {name(rng)}")
    return title, dateline + "\n\n" + "\n\n".join(body)


def write_corpus(count: int, out: Path, seed: int = 7) -> list[Path]:
    gaz = shared()
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (helper, assisted) in enumerate(pairs(gaz, rng, count)):
        title, text = report(gaz, rng, helper, assisted)
        if i % 10 == 9:
            html = (f"<html><head><title>{title}</title></head><body>{CHROME_TOP}<h1>{title}</h1>"
                    + "".join(f"<p>{para}</p>" for para in text.split("\n\n")) + CHROME_BOTTOM + "</body></html>")
            path = out / f"report-{i:06d}.html"
            encoding = "gbk" if i % 100 == 99 else "utf-8"
            path.write_bytes(html.encode(encoding, errors="replace"))
        else:
            path = out / f"report-{i:06d}.txt"
            path.write_text(f"{title}\n\n{text}\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("count", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    paths = write_corpus(args.count, args.out, args.seed)
    chars = sum(len(p.read_bytes()) for p in paths[:100]) / min(100, len(paths))
    print(f"{len(paths)} reports in {args.out} (about {chars:.0f} bytes each)")


if __name__ == "__main__":
    main()
