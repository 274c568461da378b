"""Each detector on invented captures (Simplified, Traditional Chinese, English, Japanese)."""

from __future__ import annotations

import json
import re

import pytest

import cleanse

from helpers import (
    EN,
    JA,
    ZH_HANS,
    ZH_HANT,
    assert_flagged,
    assert_unflagged,
    kept,
    labelled,
    lines_with,
    page,
    removed_lines,
    rules,
)

CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


def assert_body_kept(text: str, body: list[str]) -> None:
    for paragraph in body:
        assert paragraph in text, f"body paragraph lost: {paragraph}"


# A detector test reads the labelled page (helpers.labelled): which rules fired on which lines.
# That the article survives is also checked end to end, through the arbiter. Where the
# arbiter does not clean a capture right, that check is a test of its own
# (test_the_article_..._is_kept), so that the detector's assertions still run and pass.
def assert_article_kept(capture: str, body: list[str]) -> None:
    """End to end: whatever the detectors said, the arbiter keeps every paragraph of the article."""
    assert_body_kept(cleanse.clean(capture).text, body)


# --- front matter -----------------------------------------------------------------

def test_yaml_front_matter_goes_to_metadata():
    capture = "---\ntitle: 新線路\ndate: 2024-05-01\ntags: [交通, 地铁]\n---\n\n" + page(*ZH_HANS)
    doc = cleanse.clean(capture)
    assert doc.metadata["title"] == "新線路"
    assert doc.metadata["published"] == "2024-05-01"
    assert doc.metadata["tags"] == ["交通", "地铁"]
    assert "tags:" not in doc.text and "---" not in doc.text
    assert_body_kept(doc.text, ZH_HANS)


def test_toml_front_matter_goes_to_metadata():
    capture = '+++\ntitle = "Light rail"\ndraft = false\n+++\n\n' + page(*EN)
    doc = cleanse.clean(capture)
    assert json.loads(doc.metadata["capture_fields"]) == {"title": "Light rail", "draft": False}
    assert "draft" not in doc.text
    assert doc.title == "Light rail"


def test_broken_front_matter_is_still_not_body():
    capture = "---\ntitle: [unclosed\n---\n\n" + page(*EN)
    doc = cleanse.clean(capture)
    assert any(w.startswith("front matter could not be read") for w in doc.warnings)
    assert "unclosed" not in doc.text


# --- navigation -------------------------------------------------------------------

@pytest.mark.parametrize("junk", [
    "Skip to main content", "跳至主要內容", "本文へスキップ",
    "首頁 > 國際 > 正文", "Home / World / Asia", "ホーム > ニュース > 記事",
    "News | Sport | Weather | Culture | Travel", "教育 健康 家居 时尚 旅游",
])
def test_navigation_lines_are_removed(junk):
    text = kept(page(junk, *EN))
    assert junk not in text
    assert_body_kept(text, EN)


def test_run_of_one_word_menu_lines_is_removed():
    menu = "\n".join(["政治", "经济", "体育", "娱乐", "科技"])
    text = kept(page(menu, *ZH_HANS))
    assert "体育" not in text
    assert_body_kept(text, ZH_HANS)


# --- related / trending lists -----------------------------------------------------

def test_english_related_list_after_article_is_removed():
    related = page("Related stories",
                   "Mayor defends budget as critics cry foul\nMarch 3, 2024",
                   "Bus drivers vote to strike next month\nMarch 2, 2024",
                   "New bridge opens two years late\nFebruary 27, 2024")
    text = kept(page(*EN) + "\n" + related)
    assert "Related stories" not in text and "Bus drivers" not in text
    assert_body_kept(text, EN)


@pytest.mark.parametrize("heading", [
    "Trending News", "Want more stories like this?", "Related Roundup: Apple earnings",
    "相关内容", "Вам также может быть интересно",
    # Shops' and forums' own names for the list.
    "Customers also bought", "Similar threads", "Frequently bought together", "相关商品",
])
def test_more_related_list_headings(heading):
    # Headings met on unseen news pages (an error analysis of scrapinghub_aeb and cwced_zh).
    items = ["Mayor resigns after vote", "Storm closes schools", "Bus fares rise again"]
    labels = labelled(page(*EN, heading, *items))
    assert ("related_lists", "list_heading") in rules(labels, heading)
    for item in items:
        assert ("related_lists", "list_item") in rules(labels, item)
    assert_unflagged(labels, EN)


def test_traditional_chinese_list_with_summaries_is_removed():
    items = []
    for n in range(3):
        items += [f"市長回應預算爭議第{n}則",
                  "這是一段關於另一則新聞的摘要，內容與本文無關，僅供讀者點擊閱讀更多。",
                  f"2024年3月{n + 1}日"]
    text = kept(page(*ZH_HANT, "熱門推薦", *items))
    assert "熱門推薦" not in text and "摘要" not in text
    assert_body_kept(text, ZH_HANT)


def test_list_heading_followed_by_prose_is_a_section_title():
    body = page(EN[0], EN[1], "Latest", EN[2], EN[3])
    doc = cleanse.clean(body)
    assert "Latest" in doc.text


def test_inline_recommended_link_inside_body_goes_alone():
    capture = page(ZH_HANS[0], ZH_HANS[1], "推荐阅读：北京地铁新线今日开通", ZH_HANS[2], ZH_HANS[3])
    labels = labelled(capture)
    assert_flagged(labels, "推荐阅读", ("related_lists", "inline_link"))
    assert_unflagged(labels, ZH_HANS)
    assert_article_kept(capture, ZH_HANS)


def test_unlabelled_dated_headline_run_is_removed():
    headlines = []
    for day in range(1, 6):
        headlines += [f"Storm knocks out power across county {day}", "By Staff Reporter",
                      f"2024-03-0{day} 10:1{day}"]
    capture = page(*EN, *headlines)
    labels = labelled(capture)
    for line in headlines:
        assert_flagged(labels, line, ("headline_runs", "dated_headline_run"))
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)


COMMENTS_AFTER = page(*EN) + "\n" + page(
    "12 Comments", "jsmith", "I could not disagree more with the council, this will be a disaster.",
    "anna_k", "Finally some good news for the east side. About time they acted.")


def test_comment_section_after_article_is_removed():
    labels = labelled(COMMENTS_AFTER)
    for needle in ("12 Comments", "disaster", "About time they acted"):
        assert_flagged(labels, needle, ("related_lists", "comment_section"))
    assert_unflagged(labels, EN)


def test_a_comment_counter_under_every_teaser_opens_no_comment_section():
    # A listing shows each story's comment count under its teaser: a comment heading that
    # repeats card after card (its digits aside) is a counter, not the heading of a thread,
    # which a page shows once.
    teasers = list(zip(HEADLINES, EN))
    labels = labelled(page(*[line for n, (headline, summary) in enumerate(teasers)
                             for line in (headline, summary, f"{n * 7} Comments")]))
    assert len(teasers) >= 3
    assert not [decision for line in labels.lines for decision in line.decisions
                if decision.rule == "comment_section"]
    assert_unflagged(labels, [summary for _, summary in teasers])


PRODUCT = ["Washed linen shirt",
           "A relaxed shirt in garment-dyed European linen, cut to sit easily over a T-shirt "
           "or on its own through the summer.",
           "Mother-of-pearl buttons, a single chest pocket and a curved hem finish it; it "
           "softens with every wash and never needs ironing."]
REVIEWS = ["Comfortable all day and the colour is lovely, though the sleeves run long.",
           "Arrived quickly, washed well, I bought a second one in blue a week later."]


@pytest.mark.parametrize("heading", ["Customer Reviews", "Ratings & Reviews", "Write a review",
                                     "Kundenbewertungen", "Be the first to review “Linen shirt”"])
def test_a_products_review_heading_opens_the_comment_section(heading):
    # A text capture has no reviews container: shop software's heading of its readers'
    # reviews is the sign, as a comment heading is under an article.
    labels = labelled(page(*PRODUCT, heading, *REVIEWS))
    for needle in (heading, *REVIEWS):
        assert_flagged(labels, needle, ("related_lists", "comment_section"))
    assert_unflagged(labels, PRODUCT[1:])


def test_a_review_heading_over_a_rating_summary_opens_the_comment_section():
    # The summary's short lines ("4.6 out of 5") follow a heading that stands alone: a section.
    summary = ["4.6 out of 5", "Based on 213 reviews"]
    labels = labelled(page(*PRODUCT, "Customer reviews", *summary, *REVIEWS))
    for needle in ("Customer reviews", *summary, *REVIEWS):
        assert_flagged(labels, needle, ("related_lists", "comment_section"))


def test_a_write_a_review_button_under_a_rating_histogram_opens_the_comment_section():
    # The histogram's short lines stand before it, but a button is no tab label.
    histogram = ["5 stars 80%", "4 stars 12%", "3 stars 8%"]
    labels = labelled(page(*PRODUCT, *histogram, "Write a review", *REVIEWS))
    for needle in ("Write a review", *REVIEWS):
        assert_flagged(labels, needle, ("related_lists", "comment_section"))


def test_a_review_heading_over_a_filters_facets_opens_no_comment_section():
    # A collection's sidebar filter: the heading of its facets, the product grid below.
    facets = ["* 4 stars & up", "* 3 stars & up", "* 2 stars & up", "* 1 star & up", "Brand",
              "* Apple", "* Sony"]
    grid = ["Wireless noise-cancelling headphones with a thirty-hour battery and a soft case.",
            "Compact earbuds with a charging case, sweat resistant and made for running."]
    labels = labelled(page(*PRODUCT, "Customer Reviews", *facets, *grid))
    assert not [decision for line in labels.lines for decision in line.decisions
                if decision.rule == "comment_section"]


@pytest.mark.parametrize("row", [["Description", "Specifications", "Customer Reviews"],
                                 ["Description", "Customer Reviews", "Shipping"]])
def test_a_review_heading_in_a_row_of_tabs_opens_no_comment_section(row):
    # The tab row over the first tab's panel: the panel is the product's own text.
    panel = "Cut from a mid-weight linen that breathes in the heat and keeps its shape."
    labels = labelled(page(*PRODUCT, *row, panel))
    assert not [decision for line in labels.lines for decision in line.decisions
                if decision.rule == "comment_section"]


@pytest.mark.parametrize("heading", ["Reviews", "Q&A", "Questions & Answers"])
def test_a_bare_reviews_or_questions_heading_opens_no_comment_section(heading):
    # A tab, a sort column, an interview's or an FAQ's own heading as often as a section of
    # readers' posts.
    labels = labelled(page(*PRODUCT, heading, *REVIEWS))
    assert not [decision for line in labels.lines for decision in line.decisions
                if decision.rule == "comment_section"]


def test_the_article_above_a_comment_section_is_kept():
    assert_article_kept(COMMENTS_AFTER, EN)


# --- promos and newsletters -------------------------------------------------------

CRYPTO_ARTICLE = [
    "比特币价格本周上涨百分之七，交易所的交易量创下今年新高。",
    "分析师认为，机构投资者的买入是推动这轮上涨的主要原因，加密货币市场情绪明显回暖。",
    "不过监管机构提醒，加密货币价格波动剧烈，投资者应当谨慎评估风险。",
    "多家交易所表示，将加强风控措施，防止市场出现异常交易。",
]
CRYPTO_PROMO = page(*CRYPTO_ARTICLE[:2],
                    "加密货币交易所 立即注册 以最优惠的价格买卖您的比特币 CoinDealz.com",
                    *CRYPTO_ARTICLE[2:])


def test_crypto_promo_removed_but_crypto_article_kept():
    labels = labelled(CRYPTO_PROMO)
    assert_flagged(labels, "CoinDealz", ("promo", "promo_line"))
    assert_unflagged(labels, CRYPTO_ARTICLE)  # the same vocabulary in the article is no promo


def test_a_crypto_article_around_a_crypto_promo_is_kept():
    assert_article_kept(CRYPTO_PROMO, CRYPTO_ARTICLE)


TRADING_PROMO = page(*EN[:2],
                     "Start trading crypto today with zero fees at TradeFast.io - sign up now",
                     *EN[2:])


def test_english_trading_promo_removed():
    labels = labelled(TRADING_PROMO)
    assert_flagged(labels, "TradeFast", ("promo", "promo_line"))
    assert_unflagged(labels, EN)


def test_the_article_around_a_trading_promo_is_kept():
    assert_article_kept(TRADING_PROMO, EN)


@pytest.mark.parametrize("prompt", [
    "Subscribe to our newsletter and get the best stories in your inbox every week.",
    "訂閱我們的電子報，每週精選直達信箱。",
    "点击关注，获取更多科技资讯",
])
def test_newsletter_prompts_are_removed(prompt):
    text = kept(page(*EN, prompt) if prompt.isascii() else page(*ZH_HANS, prompt))
    assert prompt not in text


def test_subscribe_in_prose_stays():
    sentence = ("Streaming companies said more households chose to subscribe to two or more "
                "services this year, even as prices rose for the third year in a row.")
    text = kept(page(EN[0], sentence, *EN[1:]))
    assert sentence in text


# --- share widgets and chrome -------------------------------------------------------

@pytest.mark.parametrize("junk", [
    "分享至", "Share on Facebook | Twitter | Email", "微博 微信 QQ空间", "0",
    "© 2024 Example News Ltd. All rights reserved.", "京ICP备12345678号",
    "返回頂部", "Back to top", "×", "Add to cart", "加入购物车",
    "You must log in or register to reply here.",
    "We use cookies to improve your experience. Accept all cookies or manage preferences.",
])
def test_share_and_chrome_lines_are_removed(junk):
    body = EN if junk.isascii() else ZH_HANS
    capture = page(*EN[:2], junk, *EN[2:]) if junk.isascii() else page(*ZH_HANS, junk)
    labels = labelled(capture)
    assert [line.text for line in lines_with(labels, junk)] == [junk]  # a line of its own
    assert {detector for detector, _ in rules(labels, junk)} & {"share", "chrome"}
    assert_unflagged(labels, body)


@pytest.mark.parametrize(("skip_link", "share_row"), [
    ("メインコンテンツへスキップ", ["シェア", "ツイート", "LINEで送る"]),
    ("コンテンツへスキップ", ["はてなブックマーク", "いいね"]),
    ("본문으로 바로가기", ["공유하기", "트윗"]),
])
def test_japanese_and_korean_skip_links_and_share_rows(skip_link, share_row):
    # A Japanese WordPress site says "コンテンツへスキップ" where the vocabulary had only
    # "…にスキップ"; its share row is "シェア / ツイート / LINEで送る".
    capture = "\n".join([skip_link, "", *JA[:2], *share_row, *JA[2:]]) + "\n"
    labels = labelled(capture)
    assert ("skip_links", "skip_link") in rules(labels, skip_link)
    for widget in share_row:
        assert ("share", "share_widget") in rules(labels, widget)
    assert_unflagged(labels, JA)
    text = kept(capture)
    assert all(paragraph in text for paragraph in JA)
    assert not any(widget in text for widget in share_row)


def test_indentation_changes_no_decision():
    # Text renderings made from the DOM (inscriptis, the bench's text captures) indent each
    # line by its element's depth; a browser's innerText does not. A decision that read the
    # indentation would be learned from a signal real captures lack.
    lines = ["Skip to content", "Home", "News", "World", "Rail line approved", *EN[:2],
             "Share on Facebook | Twitter", *EN[2:], "Related", "Mayor resigns after vote",
             "Storm closes schools", "© 2024 Example News"]
    depths = [2, 6, 8, 8, 10, 14, 14, 12, 14, 14, 10, 12, 12, 4]
    flat = cleanse.clean("\n".join(lines) + "\n")
    indented = cleanse.clean("\n".join(" " * d + line for d, line in zip(depths, lines)) + "\n")
    assert flat.text == indented.text and all(paragraph in flat.text for paragraph in EN)
    assert [(s.first_line, s.last_line, s.detector, s.rule) for s in flat.removed] == \
        [(s.first_line, s.last_line, s.detector, s.rule) for s in indented.removed]
    assert flat.removed  # the menu, the share row and the related list are there to remove


def test_repeated_headline_is_removed_once():
    capture = page("暴雨袭击南方多省", "暴雨袭击南方多省", *ZH_HANS)
    doc = cleanse.clean(capture)
    assert doc.title == "暴雨袭击南方多省"
    assert "暴雨袭击南方多省" not in doc.text


LONG_EN = [" ".join([paragraph] * 4) for paragraph in EN]  # paragraphs of 56-64 tokens


def test_the_article_again_in_one_block_is_a_copy():
    # A print or hidden "full text" version: every paragraph again, in one text block.
    copy = " ".join(LONG_EN)
    labels = labelled(page("Rail line approved", *LONG_EN, "Related", copy))
    junction = f"{EN[0][-20:]} {EN[1][:20]}"  # only the copy runs one paragraph into the next
    (last,) = lines_with(labels, junction)
    assert last is labels.content_lines()[-1]
    assert_flagged(labels, junction, ("copies", "copy_of_page_text"))
    paragraphs = [line for line in labels.content_lines() if line.text in LONG_EN]
    assert len(paragraphs) == 4 and not any(line.decisions for line in paragraphs)


def test_the_article_is_in_the_text_once():
    copy = " ".join(LONG_EN)
    text = kept(page("Rail line approved", *LONG_EN, "Related", copy))
    assert text.count(EN[1]) == 4  # four times in its paragraph, and no copy
    assert all(paragraph in text for paragraph in LONG_EN)


@pytest.mark.parametrize("block", [
    " ".join(LONG_EN),                       # the article as one block, without the paragraphs
    " ".join([LONG_EN[0], LONG_EN[1], "A sentence of its own. " * 40]),  # half of it a copy
], ids=["no-paragraphs", "half"])
def test_what_is_not_a_copy(block):
    paragraphs = [] if block == " ".join(LONG_EN) else LONG_EN[:2]
    labels = labelled(page("Rail line approved", *paragraphs, block))
    assert not any(d.detector == "copies" for line in labels.lines for d in line.decisions)


def test_every_removed_line_has_a_reason():
    capture = page("Skip to content", "Home / News / Local", "Rail line approved", *EN,
                   "Share on Facebook | Twitter", "© 2024 Example News")
    doc = cleanse.clean(capture)
    assert removed_lines(doc) >= {1, 3, 15, 17}
    for span in doc.removed:
        assert span.detector and span.rule and span.reason


def test_japanese_article_is_kept():
    text = kept(page("ホーム > ニュース > 社会", *JA, "シェアする"))
    assert_body_kept(text, JA)


REPLIES = [("flyingbirds", "呵呵，又来了一位大哥啊，欢迎欢迎！"),
           ("寒星", "拜读了你翻译的那本书，很不错，期待以后多多交流学习。"),
           ("scong", "名人来了，我等看客有福了，这个社区越来越热闹了。"),
           ("王勇", "怎么没人来开道欢迎啊！我先来占个座位，顺便问个好。")]
THREAD = [line for n, (name, reply) in enumerate(REPLIES)
          for line in (f"re: 上海地铁新线获批 2024-03-0{n + 1} 12:4{n} {name}", reply * 3)]


def test_comment_thread_longer_than_a_short_article_is_labelled():
    labels = labelled(page("上海地铁新线获批", *ZH_HANS, "评论", *THREAD))
    for line in ["评论", *THREAD]:
        assert_flagged(labels, line, ("related_lists", "comment_section"))
    assert_unflagged(labels, ZH_HANS)


def test_comment_thread_longer_than_a_short_article_is_removed():
    doc = cleanse.clean(page("上海地铁新线获批", *ZH_HANS, "评论", *THREAD))
    assert_body_kept(doc.text, ZH_HANS)
    assert "flyingbirds" not in doc.text and "欢迎欢迎" not in doc.text
    assert ("related_lists", "comment_section") in {(s.detector, s.rule) for s in doc.removed}


def test_english_comments_with_relative_dates_are_removed():
    thread = []
    for name, days in (("Woyzeck", 2), ("Nick A", 3), ("PickUrPoison", 5)):
        thread += [name, f"{days} days ago at 07:52 am",
                   "I think we will see similar updates to what the bigger model received, and "
                   "the bezels are large enough that a slimmer design would make a lot of sense.",
                   f"Rating: {days * 7} Votes"]
    capture = page("Council approves rail line", *EN, "Top Rated Comments", *thread)
    labels = labelled(capture)
    for needle in ("Top Rated Comments", "Woyzeck", "bezels", "days ago", "Votes"):
        assert_flagged(labels, needle, ("related_lists", "comment_section"))
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)


def test_comment_heading_above_the_article_is_not_a_comment_section():
    text = kept(page("Comments", "Council approves rail line", *EN))
    assert_body_kept(text, EN)


def test_long_cookie_notice_and_post_links_are_chrome():
    notice = ("This website uses cookies to improve your experience while you navigate through "
              "the website. Out of these, the cookies that are categorized as necessary are "
              "stored on your browser as they are essential for the working of basic "
              "functionalities of the website. " * 2)
    text = kept(page(*EN, "Previous Post: Free scooter and motorcycle training",
                     "下一篇：上海地铁新线获批", notice))
    assert_body_kept(text, EN)
    assert "Previous Post" not in text and "下一篇" not in text and "cookies" not in text


def test_an_ad_slot_between_paragraphs_does_not_split_the_article():
    footer_prose = ("Example News is an independent publisher covering transport, housing and "
                    "city politics for readers across the region since nineteen ninety-eight, "
                    "with reporters in every district and a newsroom open to the public.")
    text = kept(page("Council approves rail line", EN[0], "Advert", EN[1], "Advert", EN[2],
                     "Advert", EN[3], *["Home", "News", "Sport", "Weather"], footer_prose))
    assert_body_kept(text, EN)
    assert "Advert" not in text


def test_tagged_portal_headlines_are_a_list():
    headlines = [f"[{tag}] {title}" for tag, title in [
        ("法制", "重庆用积分模式打击小偷 多次作案实行累加式定罪"),
        ("百态", "北京防空洞景点可直达故宫 仅供外宾参观(图)"),
        ("趣闻", "母猪上山与野猪偷情 生下猪崽价格涨三倍"),
        ("关注", "半数以上的民工半年没有回家过年"),
        ("花边", "老照片曾被大量复印 用于代言保健品(图)")]]
    capture = page("上海地铁新线获批", *ZH_HANS, *headlines)
    labels = labelled(capture)
    for headline in headlines:
        assert_flagged(labels, headline, ("headline_runs", "tagged_headline_run"))
    assert_unflagged(labels, ZH_HANS)
    assert_article_kept(capture, ZH_HANS)


def test_a_long_row_of_cjk_links_is_a_menu():
    row = ("外交部 国防部 国家发展和改革委员会 教育部 科学技术部 工业和信息化部 "
           "民族事务委员会 公安部")
    doc = cleanse.clean(page("上海地铁新线获批", row, *ZH_HANS))
    assert_body_kept(doc.text, ZH_HANS)
    assert ("menus", "menu_line") in {(s.detector, s.rule) for s in doc.removed}


def test_a_long_row_of_cjk_links_may_hold_a_few_very_long_names():
    names = ["市交通局", "市教育局", "市卫生健康委员会", "市公安局", "市民政局", "市财政局",
             "市规划和自然资源局", "市生态环境局", "市住房和城乡建设管理委员会（市房屋管理局）",
             "市水务局", "市商务委员会", "市文化和旅游局"]
    capture = page("上海地铁新线获批", " ".join(names), *ZH_HANS)
    labels = labelled(capture)
    assert_flagged(labels, "市教育局", ("menus", "menu_line"))
    assert_unflagged(labels, ZH_HANS)
    assert_article_kept(capture, ZH_HANS)


def test_spaced_cjk_clauses_are_not_a_long_menu_row():
    clauses = "今年 春天 来得 特别早 我们 一家人 去了 公园 看花。"
    doc = cleanse.clean(page("上海地铁新线获批", *ZH_HANS[:2], clauses, *ZH_HANS[2:]))
    assert clauses in doc.text


@pytest.mark.parametrize("row", ["Subscribe No thanks", "打印 关闭 收藏", "Register Sign in",
                                 "« Previous Post Next Post »"])
def test_a_row_of_buttons_is_chrome(row):
    capture = page(*EN[:2], row, *EN[2:])
    labels = labelled(capture)
    assert_flagged(labels, row, ("chrome", "control_row"))
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)


def test_a_short_sentence_with_button_words_is_not_a_button_row():
    line = "Sign in, register, vote."
    text = kept(page(*EN[:2], line, *EN[2:]))
    assert line in text


# --- captions and datelines -------------------------------------------------------

@pytest.mark.parametrize("caption", [
    "Workers unload crates at the harbour on Monday (Photo: Getty Images)",
    "A tram crosses the new bridge (Image: EXPRESS )",
    "Commuters wait on the platform. ANNA LEE/Reuters",
    "The mayor speaks at the council meeting on March 3, 2021. Ben Cole / AP file",
    "An early sketch of the station hall (AP Photo/Mary Jones, File)",
    "The planned depot, seen from the river Credit: Harbour Authority",
    "新线路的效果图（图片来源：市交通局）",
    "In this March 3, 2021, file photo, the mayor speaks at the council meeting in Harbour City.",
    "In this photo provided by the city, workers lay track near the old mill on Tuesday.",
])
def test_a_caption_ending_in_its_credit_is_removed(caption):
    capture = page(EN[0], EN[1], caption, EN[2], EN[3])
    labels = labelled(capture)
    assert [line.number for line in lines_with(labels, caption)] == [5]
    assert_flagged(labels, caption, ("chrome", "captioned_image"), ("chrome", "image_credit"))
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)


@pytest.mark.parametrize("sentence", [
    "In this city, photo radar cameras will watch every junction on the new line.",
    "The agency said the images were taken by NASA/JPL.",
    "Reporters from AP and Reuters attended the briefing (AP) on Monday, officials said.",
    "WASHINGTON (AP) — The city council approved the plan after a long night of debate.",
])
def test_prose_mentioning_an_agency_is_not_a_caption(sentence):
    doc = cleanse.clean(page(EN[0], sentence, EN[1]))
    assert sentence in doc.text


@pytest.mark.parametrize("dateline", [
    "Nov. 20, 2019, 9:28 AM UTC",
    "Published Monday, November 18, 2019 8:22AM EST",
    "PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019",
    "Posted by Jane Doe on March 3, 2021, 6:21 AM EST",
    "发表于 2004年12月27日 12:40 - (阅读:3727;评论:63)",
    "2021-03-03 14:32 来源：城市日报",
])
def test_datelines_leave_the_body_as_metadata(dateline):
    capture = page("New light rail line approved", dateline, *EN)
    doc = cleanse.clean(capture)
    assert dateline not in doc.text
    assert_body_kept(doc.text, EN)
    span = next(s for s in doc.removed if s.first_line == 3)
    assert (span.detector, span.category) == ("dateline", "meta")


def test_a_byline_is_metadata_but_a_sentence_starting_with_by_is_body():
    byline = "By Jane Doe and Sam Lee"
    sentence = "By the end of the decade, the line is expected to carry forty thousand riders."
    doc = cleanse.clean(page("New light rail line approved", byline, EN[0], sentence, *EN[1:]))
    assert byline not in doc.text
    assert sentence in doc.text


@pytest.mark.parametrize("byline,reason", [
    ("By Jane Doe", "names the author"),
    ("By Jane Doe, Nov. 20, 2019", "who wrote it and when"),  # mostly a date, still a byline
])
def test_a_bylines_reason_says_it_names_the_author(byline, reason):
    labels = labelled(page("New light rail line approved", byline, *EN))
    (line,) = lines_with(labels, byline)
    decision = next(d for d in line.decisions if d.detector == "dateline")
    assert decision.rule == "byline" and reason in decision.reason


def test_a_dated_item_of_a_related_list_stays_with_the_list():
    related = ["Related stories", "* Bus fares rise again", "* 2021-03-01",
               "* Bridge closes for repairs", "* 2021-02-27",
               "* New cycle lanes open", "* 2021-02-20"]
    doc = cleanse.clean(page(*EN, *related))
    for item in related:
        if item.startswith("* 2021"):
            span = next(s for s in doc.removed if item in s.text)
            assert span.category != "meta"


# --- lists recognised by their items, and sign-up pitches --------------------------

@pytest.mark.parametrize("counts", [
    ["(412)", "(388)", "(97)", "(45)", "(12)"],
    ["（3,120）", "（2,004）", "（988）", "（51）"],
    ["[40]", "[33]", "[8]", "[7]"],
])
def test_a_list_whose_items_end_in_counts_is_a_most_read_list(counts):
    titles = ["Bus fares rise again", "地铁新线明年开工", "Bridge closes for repairs",
              "New cycle lanes open", "市民热议公交改革"]
    items = [f"* {title} {count}" for title, count in zip(titles, counts)]
    capture = page(*EN, "\n".join(items))
    labels = labelled(capture)
    for item in items:
        assert_flagged(labels, item[2:], ("headline_runs", "counted_items"))
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)


def test_three_counts_in_a_row_are_not_yet_a_list():
    lines = ["Turnout rose in the north (12)", "Turnout fell in the south (7)",
             "Turnout held in the east (3)"]
    doc = cleanse.clean(page(EN[0], "\n".join(lines), *EN[1:]))
    assert not any(span.rule == "counted_items" for span in doc.removed)


GLUED_CARDS = [
    "Council Approves Night Buses For The East SideThe new routes start in May and "
    "will run every twenty minutes.",
    "Why Trams Are Back In Fashion?Cities across Europe are reviving lines they tore up "
    "decades ago.",
    "Five Quiet Parks To Visit This SpringOur reporters picked the calmest green spaces "
    "within reach of a station.",
]


def test_teaser_cards_with_headline_glued_to_summary_are_removed():
    capture = page(*EN, *GLUED_CARDS)
    labels = labelled(capture)
    for card in GLUED_CARDS:
        assert_flagged(labels, card[:30], ("headline_runs", "glued_teasers"))
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)


def test_camel_case_names_in_prose_are_not_glued_teasers():
    lines = ["Residents Of The East Side met with McDonald officials to discuss the plan.",
             "Officials At City Hall said the iPhone app would show every bus in real time.",
             "Riders On The Line praised the YouTube videos that explain the new timetable."]
    doc = cleanse.clean(page(*EN, *lines))
    assert all(line in doc.text for line in lines)


SIGN_UP_PITCHES = [
    (["Breaking News Emails", "Get breaking news alerts and special reports, delivered weekday "
      "mornings."], "SUBSCRIBE"),
    (["The morning briefing", "The stories that matter, straight to your inbox."], "Sign up"),
    (["每日精选推送，不错过任何一条城市新闻"], "订阅"),
]


@pytest.mark.parametrize("pitch,button", SIGN_UP_PITCHES)
def test_the_pitch_above_a_sign_up_button_goes_with_it(pitch, button):
    labels = labelled(page(EN[0], EN[1], *pitch, button, EN[2], EN[3]))
    for line in pitch:
        assert_flagged(labels, line, ("newsletter", "signup_pitch"))
    assert_unflagged(labels, EN)


@pytest.mark.parametrize("pitch,button", SIGN_UP_PITCHES)
def test_the_article_around_a_sign_up_pitch_is_kept(pitch, button):
    assert_article_kept(page(EN[0], EN[1], *pitch, button, EN[2], EN[3]), EN)


def test_a_paragraph_above_a_sign_up_button_stays_when_it_pitches_nothing():
    doc = cleanse.clean(page(*EN, "Sign up"))
    assert EN[-1] in doc.text


# --- legal notices and contact details ---------------------------------------------

@pytest.mark.parametrize("line,rule", [
    ("The information on this site is provided for general guidance. Consult your physician "
     "before starting any new exercise or diet programme, and follow all safety instructions "
     "printed on the equipment you use. Individual results vary with starting point, goals, "
     "effort and many other factors that no website can measure for you.", "legal_notice"),
    ("CityRail and the CityRail logo are registered trademarks of City Transport Holdings Ltd. "
     "All other product names mentioned on this page may be trademarks of their owners and are "
     "used here only to identify the products they name.", "legal_notice"),
    ("本报所有稿件及图片，未经书面许可，任何单位和个人不得以任何形式转载、摘编或者建立镜像，"
     "违者本报将依法追究其法律责任，特此声明，敬请各合作网站和媒体单位严格遵守。", "legal_notice"),
    ("Reader services can be reached Monday to Friday: Tel: +44 20 7946 0000, Fax: +44 20 7946 "
     "0001, E-mail: help@example.org. Outside those hours please leave a message.",
     "contact_details"),
    ("读者服务热线 电话：021-5555 0000 传真：021-5555 0001 地址：上海市黄浦区某某路1号",
     "contact_details"),
    ("(Reporting by Jane Doe in Harbour City and John Roe in Oslo; additional reporting by Ann "
     "Lee; Editing by Tom Brown and Mary Smith)", "wire_credit"),
    ("Citation: New light rail line approved (2021, March 3) retrieved 4 March 2021 from "
     "https://example.org/news/rail.html", "wire_credit"),
    ("We urge you to turn off your ad blocker for this website so that you can continue to "
     "read our reporting in the future.", "legal_notice"),
])
def test_legal_notices_and_contact_details_are_chrome(line, rule):
    body = ZH_HANS if CJK_CHAR.search(line) else EN
    capture = page(*body, line)
    labels = labelled(capture)
    assert_flagged(labels, line, ("chrome", rule))
    assert_unflagged(labels, body)
    assert_article_kept(capture, body)


@pytest.mark.parametrize("line,rule", [
    ("Your email address will not be published. Required fields are marked *", "comment_form"),
    ("Save my name, email, and website in this browser for the next time I comment.",
     "comment_form"),
    ("Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert",
     "comment_form"),
    ("This site uses Akismet to reduce spam. Learn how your comment data is processed.",
     "comment_form"),
    ("This entry was posted in Travel, Weather and tagged rain, trains. Bookmark the permalink.",
     "post_footer"),
    ("Dieser Eintrag wurde veröffentlicht in Allgemein und getaggt mit Bahn, Wetter.",
     "post_footer"),
    ("Tags: rail, weather, commuting", "post_footer"),
    ("Comments are closed.", "comment_form"),
])
def test_comment_forms_and_post_footers_are_chrome(line, rule):
    body = DE if "Dieser" in line or "Deine" in line else EN
    capture = page(*body, line)
    labels = labelled(capture)
    assert_flagged(labels, line, ("chrome", rule))
    assert_unflagged(labels, body)


def test_a_sentence_opening_like_a_post_footer_is_not_one():
    # A post footer is short: a long paragraph that happens to open with its words is prose.
    sentence = ("Posted in the town hall for a week, the plans drew hundreds of comments from "
                "residents who worried that the new line would cut the park in two, and the "
                "council has promised to answer each of them before the final vote next spring.")
    labels = labelled(page(EN[0], sentence, EN[1]))
    assert not any(d.detector == "chrome" for line in lines_with(labels, sentence)
                   for d in line.decisions)


def test_an_article_about_trademarks_is_not_a_legal_notice():
    sentence = ("The court ruled that the word mark was too generic to protect, a blow to firms "
                "that register trademarks for everyday words.")
    doc = cleanse.clean(page(EN[0], sentence, EN[1]))
    assert sentence in doc.text


def test_a_sentence_naming_one_phone_number_is_not_contact_details():
    sentence = ("Residents with questions about the works can call the hotline, phone: 555-0100, "
                "which is staffed every weekday.")
    doc = cleanse.clean(page(EN[0], sentence, EN[1]))
    assert sentence in doc.text


def test_a_news_ticker_of_headlines_glued_to_datelines_is_removed():
    ticker = [
        "* Council approves night buses for the east side LONDON: The new routes start in May "
        "and will run every twenty minutes.",
        "* Tram line reopens after two years of works MANCHESTER: Passengers returned on Monday "
        "to a faster and quieter service.",
        "* Ferry operator cuts winter timetable again SOUTHAMPTON: Fewer crossings will run "
        "between November and March, the company said.",
    ]
    capture = page("Breaking", "\n".join(ticker), *EN)
    labels = labelled(capture)
    for item in ticker:
        assert_flagged(labels, item[2:40], ("headline_runs", "glued_teasers"))
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)


def test_a_transcript_with_speaker_labels_is_not_a_ticker():
    transcript = [
        "Thanks for joining us on the programme today. SMITH: Glad to be here, it is a real "
        "pleasure to talk about the line.",
        "What will change for riders in the east? SMITH: Trains will come every four minutes "
        "at peak times from next spring.",
        "And what about the cost of the whole project? SMITH: It stays within the budget the "
        "council approved last year.",
    ]
    doc = cleanse.clean(page(*EN, *transcript))
    assert all(line in doc.text for line in transcript)


HEADLINES = ["Bus fares rise again next month", "Bridge closes for three weeks of repairs",
                 "New cycle lanes open on the ring road"]
# The related_lists labels are tested alone (test_related_lists_*); end to end, the arbiter
# must remove the list under an article of eight paragraphs and under one of four (the
# second session's model kept two of three items under the short one, p(junk) about 0.45).
ARTICLE_LENGTHS = [pytest.param(EN + EN[::-1], id="article"),
                   pytest.param(EN, id="short-article")]


@pytest.mark.parametrize("body", ARTICLE_LENGTHS)
@pytest.mark.parametrize("heading", ["Other news in this section", "More local news",
                                     "Top headlines"])
def test_other_news_headings_open_a_list(heading, body):
    doc = cleanse.clean(page(*body, heading, *HEADLINES))
    assert all(item not in doc.text for item in HEADLINES)
    assert_body_kept(doc.text, body)


@pytest.mark.parametrize("markup", [
    '<SCRIPT LANGUAGE="JavaScript1.1" SRC="http://ads.example.com/show?slot=12"></SCRIPT> '
    '<NOSCRIPT><A HREF="http://ads.example.com/click?slot=12">广告</A></NOSCRIPT>',
    '&lt;span data-mce-type="bookmark" style="display: inline-block; width: 0px;" '
    'class="mce_SELRES_start"&gt;&lt;/span&gt;',
])
def test_markup_residue_is_chrome_and_two_slots_do_not_split_the_article(markup):
    capture = page(ZH_HANS[0], ZH_HANS[1], markup, markup.replace("12", "13"),
                   ZH_HANS[2], ZH_HANS[3])
    labels = labelled(capture)
    slots = lines_with(labels, markup[:20])
    assert len(slots) == 2
    for slot in slots:
        assert_flagged(labels, slot.text, ("chrome", "markup"))
    assert_unflagged(labels, ZH_HANS)  # main_region keeps both halves of the article
    assert_article_kept(capture, ZH_HANS)


def test_a_sentence_mentioning_a_tag_is_not_markup():
    sentence = "The page used a <table> for layout, which screen readers announce as data."
    doc = cleanse.clean(page(EN[0], sentence, EN[1]))
    assert sentence in doc.text


def test_a_list_that_closes_the_article_under_its_own_heading_stays():
    stations = ["* Harbour Street: opens in May", "* Old Mill: opens in June",
                "* University: opens in September", "* Airport: opens next year"]
    capture = page(*EN, "Stations on the new line", "\n".join(stations), "Jane Doe",
                   "Privacy Policy")
    doc = cleanse.clean(capture)
    assert all(item[2:] in doc.text for item in stations)
    assert "Stations on the new line" in doc.text


def test_a_tag_cloud_longer_than_the_article_is_not_taken_for_it():
    # A hundred words with no sentence end, comma or bracket: tags (or a menu, a select box's
    # options) run together into one line. Counted as prose, it outweighed a short article.
    tags = " ".join(f"{word}{i}" for i in range(25) for word in ("tag", "city", "news", "local"))
    shares = ["Share on Facebook", "Share on Twitter", "Share on LinkedIn", "Share by email",
              "Share on WhatsApp", "Share on Reddit", "Share on Telegram"]
    labels = labelled(page("Tags", tags, *shares, *EN))
    assert_unflagged(labels, EN)
    assert_flagged(labels, "tag0 city0", ("main_region", "outside_region_before"))


def test_a_headingless_list_after_the_article_does_not_join_it():
    others = ["* 12 Oddest Bus Routes In Europe", "* 10 Strangest Stations Ever Built",
              "* 11 Things Found On Night Trains"]
    capture = page(*EN, "\n".join(others), "Privacy Policy")
    labels = labelled(capture)
    for item in others:
        assert_flagged(labels, item[2:], ("main_region", "outside_region_after"))
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)


@pytest.mark.parametrize("body", ARTICLE_LENGTHS)
@pytest.mark.parametrize("heading", ["Você pode gostar", "Leggi anche", "Lire aussi",
                                     "Das könnte Sie auch interessieren", "Читайте также"])
def test_related_headings_in_other_languages_open_a_list(heading, body):
    labels = labelled(page(*body, heading, *HEADLINES))
    for item in HEADLINES:
        assert_flagged(labels, item, ("related_lists", "list_item"))
    doc = cleanse.clean(page(*body, heading, *HEADLINES))
    assert all(item not in doc.text for item in HEADLINES)


@pytest.mark.parametrize("heading", ["《上海地铁新线获批》已有3件评论",
                                     "12 Responses to “New light rail line approved”"])
def test_a_heading_that_counts_comments_starts_the_comment_section(heading):
    comment = ("我觉得这条线路早就该修了，每天上班挤公交实在太辛苦，希望施工期间能够合理安排交通，"
               "不要影响周边居民的正常出行，也希望票价不要太贵。")
    capture = page(*ZH_HANS, heading, "1. 网友甲的评论", comment, comment[::-1])
    labels = labelled(capture)
    for needle in (heading, comment, comment[::-1]):
        assert_flagged(labels, needle, ("related_lists", "comment_section"))
    assert_unflagged(labels, ZH_HANS)
    assert_article_kept(capture, ZH_HANS)


def test_one_long_paragraph_under_its_byline_is_the_article():
    paragraph = "".join(ZH_HANS) * 2  # one forum post: well over a hundred characters
    thread = [f"* 回复：说得对【网友{n}】08-1{n} 17:0{n} 30字 [15{n}/1]" for n in range(1, 8)]
    doc = cleanse.clean(page("主题：上海地铁新线获批", "作者：网友甲 时间：2025-08-22 19:13:18",
                             paragraph, "您是本文第 154 个阅览者", "\n".join(thread)))
    assert paragraph in doc.text
    assert all(item[2:] not in doc.text for item in thread)


def test_a_long_summary_followed_by_its_date_stays_in_the_list():
    summary = "".join(ZH_HANS)[::-1] * 2  # another story's long teaser
    items = ["相关文章", "地铁新线的能源账", summary, "January 13, 2026", "公交线路调整方案公布",
             "January 4, 2026", "城市东部交通规划", "December 28, 2025"]
    capture = page(*ZH_HANS, *items)
    labels = labelled(capture)
    assert_flagged(labels, summary, ("related_lists", "list_item"))
    assert_unflagged(labels, ZH_HANS)
    assert_article_kept(capture, ZH_HANS)


OTHER_STORIES = ["More from UK", "* Bus fares rise again next month",
                 "* Bridge closes for three weeks of repairs",
                 "* New cycle lanes open on the ring road",
                 "* Council tax to rise by five per cent",
                 "* Airport expansion plan goes to inquiry",
                 "* Rail strike called off after late talks"]
BOX_IN_ARTICLE = page(*EN[:2], *OTHER_STORIES, *EN[2:])


def test_a_box_of_other_stories_inside_the_article_does_not_split_it():
    labels = labelled(BOX_IN_ARTICLE)
    for item in OTHER_STORIES[1:]:
        assert_flagged(labels, item[2:], ("related_lists", "list_item"))
    assert_unflagged(labels, EN)  # both halves of the article, around the box


def test_the_article_around_a_box_of_other_stories_is_kept():
    assert_article_kept(BOX_IN_ARTICLE, EN)


def test_a_comment_form_under_a_related_list_is_the_comment_section():
    form = ["Leave a Reply", "Your email address will not be published.", "Name *", "Email *",
            "Save my name, email, and website in this browser for the next time I comment.",
            "By submitting this form you agree to the use of your data for publishing comments."]
    capture = page(*EN, "More articles from Jane Doe", "* Bus fares rise again next month",
                   *form)
    labels = labelled(capture)
    for line in form:
        assert_flagged(labels, line, ("related_lists", "comment_section"))
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)


@pytest.mark.parametrize("bio", [
    "Maria Lopez is a freelance writer living in Lisbon",
    "Tom Baker (@tombaker) is a Staff Writer at The Daily covering transport and cities.",
    "Kenji Watanabe was a correspondent in Tokyo for ten years. He now lives in Osaka.",
    "作者简介：王小明，资深交通记者，长期关注城市规划。",
])
def test_an_author_bio_after_the_article_is_removed(bio):
    capture = page(*EN, bio, "Privacy Policy")
    labels = labelled(capture)
    assert "author_bio" in {detector for detector, _ in rules(labels, bio)}
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)


def test_an_about_the_author_box_is_removed_but_an_about_section_of_the_article_stays():
    box = ["About Maria Lopez", "Maria Lopez covers transport for the paper and lives in Lisbon.",
           "Read more from this author | Follow @mlopez"]
    labels = labelled(page(*EN, *box))
    for line in box:
        assert_flagged(labels, line, ("author_bio", "about_box"))
    assert_unflagged(labels, EN)
    assert_article_kept(page(*EN, *box), EN)
    section = ["About Harbour Street",
               "The busiest station will be at Harbour Street, where three bus lines meet.",
               "Engineers expect twenty thousand passengers a day to change trains there."]
    doc = cleanse.clean(page(*EN, *section))
    assert all(line in doc.text for line in section[1:])


def test_a_reporter_in_the_story_is_not_an_author_bio():
    story = ["Anna Berg is a reporter who was arrested while covering the protest on Friday.",
             *EN, "Anna Berg is a reporter for the local radio station, her lawyer said."]
    doc = cleanse.clean(page(*story))
    assert_body_kept(doc.text, story[:-1])


def test_press_release_boilerplate_about_the_company_closes_nothing_else():
    about = ["Harbour Rail is a leading provider of light rail systems in northern Europe.",
             "Harbour Rail is headquartered in Oslo and employs 1,300 people worldwide."]
    capture = page(*EN, *about, "Privacy Policy")
    labels = labelled(capture)
    for line in about:
        assert_flagged(labels, line, ("author_bio", "company_boilerplate"))
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)
    # The same sentence inside the story, with the story going on after it, stays.
    story = [EN[0], about[0], EN[1], EN[2], EN[3]]
    assert_unflagged(labelled(page(*story)), story)
    assert about[0] in cleanse.clean(page(*story)).text


def test_a_section_label_between_teaser_cards_does_not_break_the_list():
    cards = [*GLUED_CARDS[:2], "Autos", GLUED_CARDS[2]]
    capture = page(*EN, *cards)
    labels = labelled(capture)
    for card in cards:
        assert_flagged(labels, card[:30], ("headline_runs", "glued_teasers"))
    assert_unflagged(labels, EN)
    assert_article_kept(capture, EN)
    # Two cards around a label are not yet a list.
    capture = page(*EN, cards[0], "Autos", cards[1])
    assert ("headline_runs", "glued_teasers") not in rules(labelled(capture), cards[0][:30])
    assert cards[0][:30] in cleanse.clean(capture).text


@pytest.mark.parametrize("share_row,heading", [
    (["Share this article", "X", "Facebook", "LinkedIn"], "Related articles"),
    (["この記事をシェアする", "X", "Facebook", "LINE"], "関連記事"),
], ids=["en", "ja"])
def test_a_related_heading_ending_a_share_row_still_opens_its_list(share_row, heading):
    # The one-word share buttons and the heading make a "run of one-item lines" for menus;
    # after the article the run ends on the heading, which opens the list below it.
    body = EN if heading.isascii() else JA
    labels = labelled(page(*body, *share_row, heading, *HEADLINES))
    assert_flagged(labels, heading, ("related_lists", "list_heading"))
    for item in HEADLINES:
        assert_flagged(labels, item, ("related_lists", "list_item"))
    assert_unflagged(labels, body)


def test_a_related_entry_inside_a_menu_above_the_article_opens_no_list():
    menu = ["Home", "World", "Business", "Latest", "Sport"]
    labels = labelled(page(*menu, "Light rail line approved", *EN))
    assert_flagged(labels, "Latest", ("menus", "menu_run"))
    assert not any(d.detector == "related_lists" for line in labels.lines
                   for d in line.decisions)


JA_FURNITURE = [("この記事をシェアする", ("share", "share_widget")),
                ("ニュースレターに登録して最新情報を受け取る", ("newsletter", "subscribe_prompt")),
                ("利用規約", ("chrome", "legal_footer")),
                ("プライバシーポリシー", ("chrome", "legal_footer")),
                ("ログイン", ("chrome", "control_label")),
                ("이용약관", ("chrome", "legal_footer")),
                ("회원가입", ("chrome", "control_label")),
                ("뉴스레터 구독하기", ("newsletter", "subscribe_prompt"))]


@pytest.mark.parametrize("line,rule", JA_FURNITURE, ids=[line for line, _ in JA_FURNITURE])
def test_japanese_and_korean_page_furniture_is_named(line, rule):
    labels = labelled(page(*JA, line))
    assert_flagged(labels, line, rule)
    assert_unflagged(labels, JA)


@pytest.mark.parametrize("heading", ["アクセスランキング", "あわせて読みたい", "많이 본 기사"])
def test_japanese_and_korean_related_headings_open_a_list(heading):
    items = ["円相場、一時148円台に上昇", "長期金利が上昇、10年債利回り1.2％",
             "春闘、賃上げ率5％超の見通し"]
    labels = labelled(page(*JA, heading, *items))
    for item in items:
        assert_flagged(labels, item, ("related_lists", "list_item"))
    assert_unflagged(labels, JA)


DE = [
    "Der Stadtrat hat am Mittwoch eine neue Stadtbahn beschlossen und eine lange Debatte beendet.",
    "Die Strecke soll nach Angaben der Verwaltung dreißig Kilometer lang werden, mit 20 Halten.",
    "Verkehrsexperten erwarten kürzere Fahrzeiten für die Bewohner der östlichen Stadtteile.",
    "Einige Anwohner befürchten, dass die Bauarbeiten die Straßen mehrere Jahre lang belasten.",
]
DE_HEADLINES = ["Neue Radwege für die Innenstadt geplant", "Bürgermeister stellt den Haushalt vor",
                "Hallenbad öffnet nach der Sanierung wieder"]


@pytest.mark.parametrize("heading", ["Ähnliche Beiträge", "Das könnte dich auch interessieren:",
                                     "Articles similaires", "Artículos relacionados",
                                     "Notizie correlate", "Gerelateerde artikelen"])
def test_european_related_headings_open_a_list(heading):
    labels = labelled(page(*DE, heading, *DE_HEADLINES))
    for item in DE_HEADLINES:
        assert_flagged(labels, item, ("related_lists", "list_item"))
    assert_unflagged(labels, DE)


@pytest.mark.parametrize("heading", ["Schreibe einen Kommentar", "3 Kommentare",
                                     "Laisser un commentaire", "12 comentarios"])
def test_european_comment_headings_open_the_comment_section(heading):
    reply = "Ich sehe das ganz anders, die Bahn wird für die Anwohner im Osten viel zu spät kommen."
    labels = labelled(page(*DE, heading, "leser_42", reply))
    assert_flagged(labels, reply, ("related_lists", "comment_section"))
    assert_unflagged(labels, DE)


def test_german_share_row():
    row = ["Teilen mit:", "Drucken", "Gefällt mir"]
    labels = labelled(page(*DE[:2], *row, *DE[2:]))
    for widget in row:
        assert ("share", "share_widget") in rules(labels, widget)
    assert_unflagged(labels, DE)


def test_a_heading_word_in_a_navigation_container_after_the_prose_opens_no_list():
    # Only a run of one-word lines leaves its last entry a heading: a "Read more" button the
    # DOM names navigation is a button, and the offers below it are the page's own.
    offers = ["An incredible selection of art and craft", "Gifts for every occasion and budget"]
    html = ("<html><body><main>" + "".join(f"<p>{p}</p>" for p in EN)
            + '<nav class="menu"><a href="/about">Read more</a></nav>'
            + "".join(f"<h3>{o}</h3>" for o in offers) + "</main></body></html>")
    labels = labelled(html, kind="html")
    assert any(d.category.name == "NAV" for line in lines_with(labels, "Read more")
               for d in line.decisions)
    assert not any(d.detector == "related_lists" for line in labels.lines
                   for d in line.decisions)


# A blog page whose sidebar, before the article in the DOM, lists the latest comments on
# other posts (a dated list under a comment heading), then the article and its own thread.
SIDEBAR_WIDGET = ('<aside class="sidebar"><h2>Recent Comments</h2><ul>'
                  + "".join(f"<li><a>{name} on Council approves rail line (March {n}, 2024)</a>"
                            "</li>" for n, name in enumerate(["Jane", "Peter", "Mo"], start=3))
                  + "</ul></aside>")
SIDEBAR_PROSE = ("<p>I write about cities, transport and the people who plan them, and I have "
                 "done so for twenty years in three countries.</p>" * 2)
THREAD_HTML = ('<div id="comments"><h2>3 Comments</h2>'
               + "".join(f"<p>{name} says:</p><p>March {n}, 2024 at 4:11 am</p>"
                         f"<p>Thanks for writing this, it was a good read for me.</p>"
                         for n, name in enumerate(["Ann", "Bo", "Cy"], start=3)) + "</div>")


def _blog(before_article: str, after_article: str = "") -> str:
    return ("<html><head><title>Council approves rail line</title></head><body>"
            + before_article + "<main><h1>Council approves rail line</h1>"
            + "".join(f"<p>{p}</p>" for p in EN)
            + "<table><tr><td>Line</td><td>Cost</td></tr><tr><td>North</td><td>2.3 bn</td></tr>"
            "</table></main>" + after_article + THREAD_HTML + "</body></html>")


def _comment_section_lines(labels: cleanse.Page) -> list[str]:
    return [line.text for line in labels.lines if any(
        (d.detector, d.rule) == ("related_lists", "comment_section") for d in line.decisions)]


@pytest.mark.parametrize(("before_article", "after_article"), [
    # In a sidebar container (dom_hints' furniture) above the title heading.
    ('<div class="sidebar">' + SIDEBAR_PROSE + SIDEBAR_WIDGET + "</div>", ""),
    # In a sidebar container between the article and its thread: the thread's own heading
    # opens the section.
    ("", '<div class="sidebar">' + SIDEBAR_PROSE + SIDEBAR_WIDGET + "</div>"),
    # In no furniture container, but above the page's title heading: the comments on an
    # article follow it.
    ("<div>" + SIDEBAR_PROSE + SIDEBAR_WIDGET.replace('<aside class="sidebar">', "<div>")
     .replace("</aside>", "</div>") + "</div>", ""),
])
def test_a_comment_heading_in_a_sidebar_or_above_the_title_opens_no_comment_section(
        before_article, after_article):
    labels = labelled(_blog(before_article, after_article), kind="html")
    section = _comment_section_lines(labels)
    assert "Recent Comments" not in section
    assert not any(p in line or "2.3 bn" in line or "Council approves" in line
                   for p in EN for line in section)
    # The article's own thread still goes, from its own heading on.
    assert section[0] == "3 Comments" and any("Thanks for writing" in line for line in section)


@pytest.mark.parametrize("html", [
    # A page builder's "widget" blocks hold the title heading too: the name says nothing.
    '<html><head><title>Council approves rail line</title></head><body><div class="widget">'
    "<h1>Council approves rail line</h1></div><div>" + "".join(f"<p>{p}</p>" for p in EN)
    + '</div><div class="widget">' + THREAD_HTML + "</div></body></html>",
    # The title heading's only copy after the thread is hidden (a "republish" dialog).
    "<html><head><title>Council approves rail line</title></head><body><main>"
    "<p>Council approves rail line</p>" + "".join(f"<p>{p}</p>" for p in EN) + "</main>"
    + THREAD_HTML + '<div hidden><h1>Council approves rail line</h1></div></body></html>',
])
def test_a_thread_heading_in_the_articles_own_kind_of_container_opens_the_section(html):
    section = _comment_section_lines(labelled(html, kind="html"))
    assert section and section[0] == "3 Comments"
    assert not any(p in line for p in EN for line in section)


def test_a_list_of_dated_items_under_a_comment_heading_is_no_thread():
    # A text capture of a blog: the sidebar's "Recent Comments" lists other posts' comments,
    # one dated item after another, before the article; the article's own thread, each
    # dated header followed by its comment, comes after it.
    about = ("I write about cities, transport and the people who plan them, and I have "
             "done so for twenty years in three countries and many more towns.")
    widget = ["Recent Comments", *(f"* {name} on Council approves rail line (March {n}, 2024)"
                                   for n, name in enumerate(["Jane", "Peter", "Mo"], start=3))]
    thread = [line for n, name in enumerate(["Ann", "Bo", "Cy"], start=3)
              for line in (f"* {name} on March {n}, 2024 at 4:11 pm said:",
                           "Thanks for writing this, it was a good read for me.")]
    # An article long enough that the thread lies beyond the heading's look-ahead.
    article = [f"{paragraph[:-1]}, the report said in part {k}." for k in (1, 2, 3, 4)
               for paragraph in EN]
    capture = page(about, about, *widget, "Council approves rail line", *article,
                   "3 Comments", *thread)
    labels = labelled(capture)
    section = _comment_section_lines(labels)
    assert "Recent Comments" not in section
    assert_unflagged(labels, article)
    assert section[0] == "3 Comments" and any("Ann on March" in line for line in section)
