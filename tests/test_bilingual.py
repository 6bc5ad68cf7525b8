"""The one helper for texts written in English and Welsh (codesign.bilingual) and its tags."""

from types import SimpleNamespace

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from codesign.bilingual import choose, has_easy_read


def text(**fields):
    base = {"summary": "", "summary_cy": "", "summary_easy_read": "", "summary_easy_read_cy": ""}
    return SimpleNamespace(**{**base, **fields})


def render(source, obj, *, language="en-gb", easy_read=False):
    request = RequestFactory().get("/")
    request.user = SimpleNamespace(is_authenticated=True, prefers_easy_read=easy_read)
    with translation.override(language):
        return Template("{% load bilingual %}" + source).render(
            Context({"obj": obj, "request": request})
        )


def test_each_language_gets_its_own_text():
    both = text(summary="Going home", summary_cy="Mynd adref")
    assert choose(both, "summary", language="en-gb").text == "Going home"
    welsh = choose(both, "summary", language="cy")
    assert (welsh.text, welsh.language, welsh.fallback) == ("Mynd adref", "cy", False)


def test_a_missing_welsh_text_falls_back_to_english_marked():
    chosen = choose(text(summary="Going home"), "summary", language="cy")
    assert (chosen.text, chosen.language, chosen.fallback) == ("Going home", "en", True)
    assert chosen.html_lang == "en-GB"


def test_a_missing_english_text_falls_back_to_welsh_marked():
    chosen = choose(text(summary_cy="Mynd adref"), "summary", language="en-gb")
    assert (chosen.text, chosen.language, chosen.fallback) == ("Mynd adref", "cy", True)


def test_blank_space_counts_as_missing():
    assert choose(text(summary="Going home", summary_cy="  \n"), "summary", language="cy").fallback


def test_easy_read_comes_first_in_the_readers_language_then_the_full_text():
    obj = text(summary="Full", summary_cy="Llawn", summary_easy_read="Easy")
    english = choose(obj, "summary", language="en-gb", easy_read=True)
    assert (english.text, english.easy_read) == ("Easy", True)
    # A Welsh reader gets the Welsh full text before an English easy read.
    welsh = choose(obj, "summary", language="cy", easy_read=True)
    assert (welsh.text, welsh.easy_read, welsh.fallback) == ("Llawn", False, False)
    # Not asked for: the full text.
    assert choose(obj, "summary", language="en-gb").text == "Full"
    assert has_easy_read(obj, "summary")
    assert not has_easy_read(text(summary="Full"), "summary")


def test_the_tag_marks_a_welsh_text_on_an_english_page():
    html = render('{% bilingual obj "summary" %}', text(summary_cy="Mynd <adref>"))
    assert '<span lang="cy">Mynd &lt;adref&gt;</span>' in html
    assert "(in Welsh)" in html


def test_the_tag_marks_an_english_text_on_a_welsh_page():
    html = render('{% bilingual obj "summary" %}', text(summary="Going <home>"), language="cy")
    assert '<span lang="en-GB">Going &lt;home&gt;</span>' in html
    assert 'class="fallback-note' in html


def test_the_tag_leaves_a_text_in_the_pages_language_unmarked_and_escaped():
    html = render('{% bilingual obj "summary" %}', text(summary="Going <home>"))
    assert html == "Going &lt;home&gt;"
    assert render('{% bilingual_text obj "summary" %}', text(summary_cy="A & B")) == "A &amp; B"


def test_the_block_tag_gives_easy_read_one_idea_a_paragraph():
    obj = text(summary="Full text", summary_easy_read="We want to hear from you.\n\nIt is free.")
    html = render('{% bilingual obj "summary" block=True css_class="x" %}', obj, easy_read=True)
    assert 'class="x easy-read"' in html
    assert "<p>We want to hear from you.</p>\n<p>It is free.</p>" in html
    plain = render('{% bilingual obj "summary" block=True %}', obj)
    assert plain == '<div class="written-text">Full text</div>'


def test_the_block_tag_puts_lang_on_a_fallback_block():
    html = render('{% bilingual obj "summary" block=True %}', text(summary="Hi"), language="cy")
    assert '<div class="written-text" lang="en-GB">Hi</div>' in html
    assert html.index("fallback-note") < html.index("Hi")
