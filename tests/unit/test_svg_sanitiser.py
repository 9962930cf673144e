"""Agencies' own SVG icons: what is refused (with why) and what is kept, rebuilt from an allow-list."""

from __future__ import annotations

import pytest

from kiosk.core.svg import MAX_SVG_BYTES, UnsafeSvg, sanitise_svg

GOOD = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor">'
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#0a0"/></linearGradient></defs>'
    '<path d="M4 4h16v16H4z" fill="url(#g)"/><circle cx="12" cy="12" r="3"/>'
    '<use href="#g"/></svg>'
)


def test_a_plain_icon_keeps_its_shapes() -> None:
    clean = sanitise_svg(GOOD)
    for kept in ('viewBox="0 0 24 24"', 'd="M4 4h16v16H4z"', 'fill="url(#g)"', "<circle", 'href="#g"'):
        assert kept in clean
    assert sanitise_svg(clean) == clean, "sanitising twice changes nothing (the kiosk does it again)"


def test_what_an_editor_leaves_behind_is_dropped() -> None:
    inkscape = (
        '<?xml version="1.0" encoding="UTF-8"?><!-- made by hand -->'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"'
        ' inkscape:version="1.2" viewBox="0 0 24 24"><metadata><rdf>x</rdf></metadata>'
        '<style>path{fill:red}</style><inkscape:grid/><path class="a" d="M1 1L2 2" data-x="1"/></svg>'
    )
    clean = sanitise_svg(inkscape)
    assert clean == '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M1 1L2 2"></path></svg>\n'


@pytest.mark.parametrize(
    ("svg", "words"),
    [
        ("<svg><script>alert(1)</script></svg>", "<script>"),
        ("<svg><SCRIPT>alert(1)</SCRIPT></svg>", "<SCRIPT>"),
        ('<svg xmlns:s="http://www.w3.org/2000/svg"><s:script/></svg>', "<s:script>"),
        ('<svg onload="alert(1)"/>', "event handler (onload)"),
        ('<svg><rect onClick="x()"/></svg>', "event handler (onClick)"),
        ("<svg><foreignObject><div/></foreignObject></svg>", "<foreignObject>"),
        ('<svg><image href="https://evil.example/x.png"/></svg>', "<image>"),
        ('<svg><use href="https://evil.example/a.svg#x"/></svg>', "only #ids"),
        ('<svg><use xlink:href="file:///etc/passwd"/></svg>', "only #ids"),
        ('<svg><rect fill="url(https://evil.example/p)"/></svg>', "only #ids"),
        ("<svg><rect style=\"fill:url( 'http://x' )\"/></svg>", "only #ids"),
        ('<svg><a href="javascript:alert(1)"/></svg>', "only #ids"),
        ('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "<!DOCTYPE>"),
        ('<!DOCTYPE svg SYSTEM "http://evil.example/x.dtd"><svg/>', "<!DOCTYPE>"),
        ('<?xml-stylesheet href="http://x"?><svg/>', "processing instruction"),
        ("<html><svg/></html>", "not <svg>"),
        ("<svg><path d='M1 1'>", "not well-formed"),
        ("not xml at all", "not well-formed"),
        ("<svg>" + "<g>" * 40 + "</g>" * 40 + "</svg>", "nested more than 16"),
        ('<svg><path d="' + "M1 1" * (MAX_SVG_BYTES // 4) + '"/></svg>', f"at most {MAX_SVG_BYTES:,}"),
    ],
    ids=lambda value: value[:24] if isinstance(value, str) else None,
)
def test_a_dangerous_icon_is_refused_saying_why(svg: str, words: str) -> None:
    with pytest.raises(UnsafeSvg, match=words.replace("(", r"\(").replace(")", r"\)")):
        sanitise_svg(svg)
