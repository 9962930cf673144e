"""resources/icons/app.ico (the Windows program icon) holds every size Windows asks for, each a PNG
drawn from the current logo (rewrite it with `python -m tests.packaging.app_icon`)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from tests.packaging.app_icon import ICON, LOGO, SIZES, build_ico, read_ico, render_png


def decode(png: bytes) -> QImage:
    image = QImage()
    assert image.loadFromData(png, "PNG"), "an entry is not a PNG image"
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def mean_difference(a: QImage, b: QImage) -> float:
    """Mean absolute difference per channel, 0-255 (small differences come from anti-aliasing)."""
    total = 0
    for y in range(a.height()):
        for x in range(a.width()):
            pa, pb = a.pixelColor(x, y), b.pixelColor(x, y)
            total += abs(pa.red() - pb.red()) + abs(pa.green() - pb.green())
            total += abs(pa.blue() - pb.blue()) + abs(pa.alpha() - pb.alpha())
    return total / (a.width() * a.height() * 4)


def test_the_icon_has_every_size_as_png(qapp: QApplication) -> None:
    entries = read_ico(ICON.read_bytes())
    assert [(w, h) for w, h, _ in entries] == [(s, s) for s in SIZES]
    for width, height, png in entries:
        image = decode(png)
        assert (image.width(), image.height()) == (width, height)
    big = decode(entries[-1][2])
    assert big.pixelColor(128, 128).alpha() == 255 and big.pixelColor(0, 0).alpha() == 0, "a round logo, corners clear"


@pytest.mark.parametrize("size", [32, 256])
def test_the_icon_is_drawn_from_the_current_logo(qapp: QApplication, size: int) -> None:
    committed = {w: png for w, _h, png in read_ico(ICON.read_bytes())}
    fresh = decode(render_png(LOGO, size))
    assert mean_difference(decode(committed[size]), fresh) < 2.0, (
        "the logo changed: run python -m tests.packaging.app_icon"
    )


def test_the_ico_container_round_trips() -> None:
    images = [(16, b"\x89PNG-16"), (256, b"\x89PNG-256")]
    data = build_ico(images)
    assert data[:6] == b"\x00\x00\x01\x00\x02\x00"
    assert read_ico(data) == [(16, 16, b"\x89PNG-16"), (256, 256, b"\x89PNG-256")]
    with pytest.raises(ValueError, match="not an icon file"):
        read_ico(b"\x89PNG\r\n\x1a\n" + data)
    with pytest.raises(ValueError, match="past the end"):
        read_ico(data[:-3])
