from pathlib import Path

import pytest

from kg.model import KgError
from kg.read import iter_inputs, read_article

from .helpers import ARTICLES, DATA, write


def test_read_strips_chrome_and_takes_metadata():
    article = read_article(DATA / "seed-jizhou-gulang.txt")
    assert article.title.startswith("凝心聚力 并肩作战")
    assert article.date == "2020-08-12"
    assert article.outlet == "甘肃日报"
    assert "张国华" in article.authors and "李峰" in article.authors
    for chrome in ("您当前的位置", "精彩推荐", "即时播报", "版权声明", "分享到", "编辑:", "记者 张国华"):
        assert chrome not in article.text
    assert "1.07亿元产业扶贫资金" in article.text


def test_read_rejoins_lines_broken_mid_sentence():
    article = read_article(DATA / "seed-hexi-kongtong.txt")
    assert "承接东西部扶贫资金 271 万元" in article.text
    assert "“津城献爱心·精准助脱贫”展销会" in article.text
    assert article.date == "2020-01-15" and article.outlet == "中国日报网"


def test_read_title_takes_its_subtitle():
    article = read_article(DATA / "dev-02.txt")
    assert article.title.endswith("——天津市宁河区对口帮扶榆中县东西部扶贫协作综述")
    assert article.authors == ("张楠", "魏东")


def test_read_gbk_html_detected_and_cleaned():
    article = read_article(ARTICLES / "minning-xiji.html")
    assert article.title == "闽宁协作结硕果 福州鼓楼助力西吉脱贫"
    assert article.date == "2021-03-05" and article.authors == ("林小梅",)
    assert "不是正文" not in article.text and "相关新闻" not in article.text
    assert "分享到" not in article.text and "版权所有" not in article.text


def test_read_gb18030_plain_text(tmp_path):
    text = (DATA / "dev-01.txt").read_text(encoding="utf-8")
    article = read_article(write(tmp_path, "gbk.txt", text, "gb18030"))
    assert article.text == read_article(DATA / "dev-01.txt").text


def test_read_markdown():
    article = read_article(ARTICLES / "hudian-yuanyang.md")
    assert article.title == "上海闵行帮扶元阳：梯田里长出致富路"
    assert "**" not in article.text and article.authors == ("赵晴",)


def test_read_full_width_digits_become_ascii(tmp_path):
    article = read_article(write(tmp_path, "fw.txt", "标题\n投入资金１２３．５万元。"))
    assert "123.5万元" in article.text


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("Ceci n'est pas un rapport: café, résumé, naïveté.".encode("latin-1"), "not"),
])
def test_read_bad_input_names_file_and_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(KgError) as err:
        read_article(path)
    assert err.value.where == str(path) and reason in err.value.reason


def test_read_broken_html_still_reads(tmp_path):
    page = "<html><body><div><p>天津市河西区对口帮扶甘肃省平凉市崆峒区<p>投入资金 100 万元<div></body"
    article = read_article(write(tmp_path, "broken.html", page))
    assert "投入资金 100 万元" in article.text


def test_read_html_without_text_is_an_error(tmp_path):
    with pytest.raises(KgError, match="no Chinese article text"):
        read_article(write(tmp_path, "empty.html", "<html><body><script>x()</script></body></html>"))


def test_iter_inputs_expands_folders_in_order(tmp_path):
    (tmp_path / "b.txt").write_text("乙", encoding="utf-8")
    (tmp_path / "a.md").write_text("甲", encoding="utf-8")
    (tmp_path / "skip.pdf").write_text("x", encoding="utf-8")
    assert [p.name for p in iter_inputs([tmp_path])] == ["a.md", "b.txt"]
    with pytest.raises(KgError, match="no such file"):
        iter_inputs([tmp_path / "missing"])
    with pytest.raises(KgError, match="not a .txt"):
        iter_inputs([tmp_path / "skip.pdf"])
    with pytest.raises(KgError, match="no .txt"):
        iter_inputs([Path(tmp_path / "empty")] if (tmp_path / "empty").mkdir() is None else [])


def test_read_refuses_a_file_above_the_size_limit_before_reading_it(tmp_path, monkeypatch):
    path = write(tmp_path, "big.txt", "标题\n" + "东西部协作。" * 200)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read although too big"))
    with pytest.raises(KgError) as err:
        read_article(path, max_size=1000)
    assert err.value.where == str(path)
    assert err.value.reason == "3.52 kB, more than the 1000 bytes a report may have (--max-size)"


def test_read_default_size_limit_is_a_megabyte(tmp_path):
    path = tmp_path / "dump.txt"
    with path.open("wb") as f:
        f.truncate(1024 * 1024 + 1)  # sparse: no megabyte of text needed to be refused
    with pytest.raises(KgError, match="1 MB, more than the 1 MB"):
        read_article(path)


class _Counted(str):
    """A line that counts the characters copied when a string is added to it."""

    copied = 0

    def __radd__(self, left):
        _Counted.copied += len(left) + len(self)
        return str(left) + str(self)


def test_read_rejoining_a_long_broken_paragraph_copies_each_line_once():
    """A paragraph broken into many lines is joined in work linear in its length: adding
    each line to the growing paragraph copied it whole every time (50 MB took hours)."""
    from kg.read import _join_broken_lines

    lines = [_Counted(f"第{i:05d}行东西部协作项目持续推进产业帮扶") for i in range(3000)]
    _Counted.copied = 0
    joined = _join_broken_lines(lines)
    total = sum(map(len, lines))
    assert joined == ["".join(lines)]
    assert _Counted.copied <= 3 * total


def test_read_html_with_a_script_left_open_warns(tmp_path):
    body = "<p>天津市河西区对口帮扶甘肃省平凉市崆峒区。</p>" * 20
    page = f"<html><body><h1>河西崆峒协作</h1><script>var a = 1;{body}</body></html>"
    article = read_article(write(tmp_path, "open.html", page))
    assert article.warnings == ("open.html: the page yields only 6 of its 386 Chinese characters as text; "
                                "a <script> left open hides the rest",)
    whole = read_article(write(tmp_path, "whole.html", page.replace("var a = 1;", "var a = 1;</script>")))
    assert whole.warnings == () and "对口帮扶" in whole.text


def test_iter_inputs_names_what_it_skips(tmp_path):
    import os

    write(tmp_path, "a.txt", "甲")
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    os.mkfifo(tmp_path / "pipe.md")
    write(tmp_path, "notes.json", "{}")  # not named like a report: not a report, not a warning
    skipped: list[str] = []
    assert iter_inputs([tmp_path], skipped=skipped) == [tmp_path / "a.txt"]
    assert skipped == [f"{tmp_path / 'folder.txt'}: skipped, a folder",
                       f"{tmp_path / 'gone.txt'}: skipped, a link to nothing",
                       f"{tmp_path / 'pipe.md'}: skipped, a named pipe"]


def test_read_drops_a_byline_line_but_keeps_a_sentence_that_starts_with_a_reporter(tmp_path):
    text = "标题\n本报记者 张三 李四 报道。\n记者走进白水村，看见新建的大棚。\n（记者 王五 通讯员 赵六）\n"
    article = read_article(write(tmp_path, "a.txt", text))
    assert "张三" not in article.text and "王五" not in article.text
    assert "记者走进白水村，看见新建的大棚。" in article.text
