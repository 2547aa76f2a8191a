"""Event descriptions stay readable and never carry code."""

import pytest

from engine.html_body import body_to_html, sanitize_html, text_to_html

OUTLOOK_DOCUMENT = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    "<style>p {margin: 0}</style><title>ignored</title></head>"
    '<body><div class="WordSection1"><p>Agenda for <b>Monday</b>:</p>'
    "<ul><li>budget</li><li><i>hiring</i></li></ul>"
    '<p><a href="https://example.com/doc?a=1&amp;b=2">the document</a></p>'
    "<script>alert('x')</script></div></body></html>"
)


def test_outlook_document_becomes_a_fragment_with_its_formatting():
    assert sanitize_html(OUTLOOK_DOCUMENT) == (
        "<div><p>Agenda for <b>Monday</b>:</p><ul><li>budget</li><li><i>hiring</i></li></ul>"
        '<p><a href="https://example.com/doc?a=1&amp;b=2">the document</a></p></div>'
    )


@pytest.mark.parametrize(
    "dangerous",
    [
        "<script>alert(1)</script>",
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example"></iframe>',
        '<object data="x.swf"></object>',
        '<embed src="x.swf">',
    ],
)
def test_active_content_is_removed_with_what_it_contains(dangerous):
    assert sanitize_html(f"<p>before</p>{dangerous}<p>after</p>") == "<p>before</p><p>after</p>"


def test_event_handler_attributes_are_removed():
    assert sanitize_html('<p onclick="steal()" onmouseover="x()">hi</p>') == "<p>hi</p>"
    assert sanitize_html('<img src="x" onerror="steal()">hi') == "hi"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)",
            "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4="],
)
def test_links_that_run_code_lose_their_target(url):
    assert sanitize_html(f'<a href="{url}">click</a>') == "<a>click</a>"


@pytest.mark.parametrize(
    "url", ["https://example.com/", "http://example.com/x", "mailto:a@example.com",
            "tel:+3212345678", "/relative/path"],
)
def test_ordinary_links_are_kept(url):
    assert sanitize_html(f'<a href="{url}">x</a>') == f'<a href="{url}">x</a>'


def test_unknown_tags_are_unwrapped_but_their_text_is_kept():
    html = '<p><o:p>Office</o:p> <font color="red">red</font> <span style="x">plain</span></p>'
    assert sanitize_html(html) == "<p>Office red <span>plain</span></p>"


def test_tables_keep_their_structure():
    html = '<table border="1"><tr><td colspan="2" class="x">a</td></tr></table>'
    assert sanitize_html(html) == '<table><tr><td colspan="2">a</td></tr></table>'


def test_unclosed_tags_are_closed_and_stray_end_tags_dropped():
    assert sanitize_html("<p><b>bold<i>both</p></div>tail") == "<p><b>bold<i>both</i></b></p>tail"


def test_text_is_escaped_and_comments_dropped():
    assert sanitize_html("<p>1 &lt; 2 &amp; <!-- note --> 3 > 2</p>") == (
        "<p>1 &lt; 2 &amp;  3 &gt; 2</p>")


def test_sanitizing_twice_changes_nothing():
    once = sanitize_html(OUTLOOK_DOCUMENT + '<p>x &amp; y<br/>z</p><a href="javascript:x">a</a>')
    assert sanitize_html(once) == once


def test_plain_text_becomes_escaped_html_with_line_breaks():
    assert text_to_html("Room <B>\r\nbring R&D notes\nthanks") == (
        "Room &lt;B&gt;<br>bring R&amp;D notes<br>thanks")


def test_graph_bodies_by_content_type():
    assert body_to_html({"contentType": "text", "content": "a\nb"}) == "a<br>b"
    assert body_to_html({"contentType": "html", "content": "<p>a</p>"}) == "<p>a</p>"
    assert body_to_html(None) == ""
    assert body_to_html({"contentType": "html", "content": None}) == ""
