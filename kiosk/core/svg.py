"""Agencies' own SVG icons, made safe to ship in a release and to draw at a kiosk.

An icon is read with the standard library's expat parser, used directly: a document type
declaration is refused outright, so no entity can be declared (the five XML entities and character
references are all that expand: no "billion laughs", no external entity, no file read), and no DTD
is ever fetched. defusedxml would do the same, but it is not a dependency of the kiosk, and the
few lines here say exactly what is refused.

What is dangerous is refused with the reason (the server says it to whoever uploads the icon, the
kiosk logs it): scripts, event handlers (``on…``), ``<foreignObject>``, any reference (``href``,
``xlink:href``, ``url(…)``) to anything but an ``#id`` in the same icon, a ``<!DOCTYPE>``,
processing instructions, more than ``MAX_SVG_BYTES`` or ``MAX_DEPTH`` levels. Everything else is
rebuilt from an allow-list of shapes and presentation attributes: what an editor leaves behind
(metadata, ``inkscape:``/``sodipodi:`` elements and attributes, comments, ``<style>``) is dropped, and the
result is a small canonical SVG. The server sanitises at publishing; the kiosk sanitises again on
receipt (defence in depth: a release is signed, but the signer could have been handed anything).

Domain logic: no Qt.
"""

from __future__ import annotations

import re
from xml.parsers import expat

MAX_SVG_BYTES = 32 * 1024
MAX_DEPTH = 16
MAX_ELEMENTS = 2000
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"

ELEMENTS = frozenset(
    "svg g path circle ellipse rect line polyline polygon defs linearGradient radialGradient stop"
    " clipPath mask use symbol title desc".split()
)
DANGEROUS_ELEMENTS = frozenset({"script", "foreignObject", "iframe", "embed", "object", "image", "feImage"})
ATTRIBUTES = frozenset(
    "id d x y x1 y1 x2 y2 cx cy r rx ry fx fy width height points viewBox preserveAspectRatio"
    " fill stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray"
    " stroke-dashoffset fill-rule clip-rule opacity fill-opacity stroke-opacity transform offset"
    " stop-color stop-opacity gradientUnits gradientTransform spreadMethod clip-path clipPathUnits mask"
    " maskUnits maskContentUnits color display visibility version href xlink:href".split()
)
_DANGEROUS_LOWER = frozenset(name.lower() for name in DANGEROUS_ELEMENTS)
REFERENCES = frozenset({"href", "xlink:href"})
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^)'\"]*)['\"]?\s*\)", re.IGNORECASE)
_LOCAL = re.compile(r"^#[A-Za-z_][A-Za-z0-9_.:-]*$")


class UnsafeSvg(ValueError):
    """An icon that cannot be shipped or drawn; the message says why (English: technicians, logs)."""


def sanitise_svg(data: bytes | str) -> str:
    """The icon rebuilt from what is allowed, or UnsafeSvg saying why it is refused."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_SVG_BYTES:
        raise UnsafeSvg(f"the icon is {len(raw):,} bytes; at most {MAX_SVG_BYTES:,}")
    builder = _Builder()
    parser = expat.ParserCreate(encoding="utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = builder.doctype
    parser.EntityDeclHandler = builder.entity
    parser.ExternalEntityRefHandler = builder.external
    parser.ProcessingInstructionHandler = builder.instruction
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.text
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        raise UnsafeSvg(f"the icon is not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno})") from None
    return builder.result()


class _Builder:
    def __init__(self) -> None:
        self._out: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (element, kept)
        self._dropping = 0  # depth inside an element that is dropped with its children
        self._elements = 0
        self._root_seen = False

    # Refused outright.
    def doctype(self, *_args: object) -> None:
        raise UnsafeSvg("the icon declares a document type (<!DOCTYPE>): entities are not allowed")

    def entity(self, *_args: object) -> None:
        raise UnsafeSvg("the icon declares an entity: not allowed")

    def external(self, *_args: object) -> int:
        raise UnsafeSvg("the icon refers to an external entity: not allowed")

    def instruction(self, target: str, _data: str) -> None:
        raise UnsafeSvg(f"the icon holds a processing instruction (<?{target} ...?>): not allowed")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name.rsplit(":", 1)[-1].lower() in _DANGEROUS_LOWER:
            raise UnsafeSvg(f"the icon holds <{name}>: scripts and embedded content are not allowed")
        for attribute, value in attributes.items():
            if attribute.rsplit(":", 1)[-1].lower().startswith("on"):
                raise UnsafeSvg(f"<{name}> has an event handler ({attribute}): not allowed")
            _check_references(name, attribute, value)
        self._elements += 1
        if self._elements > MAX_ELEMENTS:
            raise UnsafeSvg(f"the icon has more than {MAX_ELEMENTS} elements")
        if len(self._open) >= MAX_DEPTH:
            raise UnsafeSvg(f"the icon is nested more than {MAX_DEPTH} levels deep")
        if not self._open:
            if name != "svg":
                raise UnsafeSvg(f"the icon's outermost element is <{name}>, not <svg>")
            self._root_seen = True
        kept = self._dropping == 0 and name in ELEMENTS
        if not kept:
            self._dropping += 1
        self._open.append((name, kept))
        if kept:
            pairs = [(k, v) for k, v in attributes.items() if k in ATTRIBUTES]
            if name == "svg":
                pairs = [(k, v) for k, v in pairs if k != "xmlns"]
                pairs.insert(0, ("xmlns", SVG_NAMESPACE))
            written = "".join(f' {k}="{_escape(v)}"' for k, v in pairs)
            self._out.append(f"<{name}{written}>")

    def end(self, name: str) -> None:
        _, kept = self._open.pop()
        if kept:
            self._out.append(f"</{name}>")
        else:
            self._dropping -= 1

    def text(self, data: str) -> None:
        if self._open and self._open[-1][0] in {"title", "desc"} and self._dropping == 0:
            self._out.append(_escape(data))

    def result(self) -> str:
        if not self._root_seen:
            raise UnsafeSvg("the icon has no <svg> element")
        text = "".join(self._out)
        if "xlink:href" in text:  # the prefix must be declared for Qt to read it
            text = text.replace("<svg ", f'<svg xmlns:xlink="{XLINK_NAMESPACE}" ', 1)
        return text + "\n"


def _check_references(element: str, attribute: str, value: str) -> None:
    if attribute in REFERENCES or attribute.endswith(":href"):
        if not _LOCAL.match(value.strip()):
            raise UnsafeSvg(f"<{element}> {attribute} refers to {value[:60]!r}: only #ids in the icon itself")
    lowered = value.lower()
    if "url(" in lowered.replace(" ", ""):
        for target in _URL.findall(value):
            if not _LOCAL.match(target.strip()):
                raise UnsafeSvg(f"<{element}> {attribute} refers to {target[:60]!r}: only #ids in the icon itself")
    if "javascript:" in lowered or "data:" in lowered:
        raise UnsafeSvg(f"<{element}> {attribute} holds a script or data address: not allowed")


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
