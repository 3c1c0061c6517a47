"""An admin's HTML is checked like Telegram's HTML parse mode before anyone gets it."""

import pytest

from bot.core.html_check import HtmlProblem, html_problem


@pytest.mark.parametrize(
    "markup",
    [
        "<b>عاجل</b>: قمة في <i>باكو</i>",
        '<a href="https://example.org/a?x=1&amp;y=2">الرابط</a>',
        '<span class="tg-spoiler">سر</span> <tg-spoiler>سر</tg-spoiler>',
        '<pre><code class="language-python">print(1)</code></pre>',
        "<blockquote expandable>اقتباس</blockquote> 5 &gt; 3 &#1576; &quot;",
        "سهم -> هنا",
    ],
)
def test_accepted(markup: str) -> None:
    assert html_problem(markup) is None


@pytest.mark.parametrize(
    ("markup", "problem"),
    [
        ("<div>x</div>", HtmlProblem("tag", "div")),
        ("<b>x", HtmlProblem("unclosed", "b")),
        ("<b><i>x</b></i>", HtmlProblem("unexpected_end", "b")),
        ("x</b>", HtmlProblem("unexpected_end", "b")),
        ("قط & كلب", HtmlProblem("entity", "&")),
        ("&nbsp;مسافة", HtmlProblem("entity", "&nbsp;")),
        ("3 < 4", HtmlProblem("tag", "< 4")),
        ('<a href="javascript:alert(1)">x</a>', HtmlProblem("attribute", "a href")),
        ('<b class="x">x</b>', HtmlProblem("attribute", "b class")),
        ('<span class="red">x</span>', HtmlProblem("attribute", "span class")),
        ("<b> </b>", HtmlProblem("empty")),
        ("م" * 4097, HtmlProblem("too_long", "4097")),
    ],
)
def test_refused_with_a_reason(markup: str, problem: HtmlProblem) -> None:
    assert html_problem(markup) == problem
