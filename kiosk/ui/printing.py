"""Printing a receipt: to the default printer, or to a PDF in the data folder when there is none.

The receipt carries no personal data (tracking code, service, agency, date), so a PDF left in the
data folder is safe to keep for staff to print later.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.ui.theme import FONT_FAMILY

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReceiptText:
    """Everything printed, already in the citizen's language and digits."""

    title: str
    code_label: str
    code: str
    details: str
    when: str
    next_steps: str
    demo_note: str | None
    right_to_left: bool


@dataclass(frozen=True)
class PrintResult:
    printer: str | None  # the printer's name, or None when it went to a PDF
    pdf: Path | None


def qr_image(modules: list[list[bool]], scale: int = 8) -> QImage:
    size = len(modules) * scale
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect(x * scale, y * scale, scale, scale, QColor("#000000"))
    painter.end()
    return image


QR_RESOURCE = "receipt-qr.png"


def receipt_html(text: ReceiptText) -> str:
    direction = "rtl" if text.right_to_left else "ltr"
    esc = html.escape
    demo = f'<p style="color:#92400e"><b>{esc(text.demo_note)}</b></p>' if text.demo_note else ""
    return f"""<html><body dir="{direction}" style="font-family:'{FONT_FAMILY}'; font-size:11pt">
<p style="font-size:14pt"><b>{esc(text.title)}</b></p>
<p>{esc(text.code_label)}</p>
<p style="font-size:20pt"><b>{esc(text.code)}</b></p>
<p align="center"><img src="{QR_RESOURCE}" width="140" height="140"></p>
<p>{esc(text.details)}<br>{esc(text.when)}</p>
<p>{esc(text.next_steps)}</p>
{demo}
</body></html>"""


def print_receipt(text: ReceiptText, qr_modules: list[list[bool]], pdf_dir: Path, file_stem: str) -> PrintResult:
    """Print on the default printer if there is one, else write ``pdf_dir/<file_stem>.pdf``.

    Raises OSError when neither works (no printer and the folder cannot be written).
    """
    document = QTextDocument()
    document.setDefaultFont(QFont(FONT_FAMILY, 10))
    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(QR_RESOURCE), qr_image(qr_modules))
    document.setHtml(receipt_html(text))

    default = QPrinterInfo.defaultPrinter()
    if not default.isNull():
        printer = QPrinter(default, QPrinter.PrinterMode.HighResolution)
        _receipt_page(printer, document)
        document.print_(printer)
        log.info("receipt printed on %s", default.printerName())
        return PrintResult(default.printerName(), None)

    pdf_dir.mkdir(parents=True, exist_ok=True)
    target = pdf_dir / f"{file_stem}.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    _receipt_page(printer, document)
    document.print_(printer)
    if not target.is_file():
        raise OSError(f"the receipt could not be written to {target}")
    log.info("no printer: receipt written to %s", target)
    return PrintResult(None, target)


def _receipt_page(printer: QPrinter, document: QTextDocument) -> None:
    # An 80 mm roll is what kiosk printers use; A-size printers print it at the top of a page.
    size = QPageSize(QSizeF(80, 240), QPageSize.Unit.Millimeter, "receipt")
    printer.setPageLayout(
        QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(4, 4, 4, 4), QPageLayout.Unit.Millimeter)
    )
    # Lay the text out on the printable area in points, so font sizes mean what they say (and Qt
    # adds no page numbers, which it does when the document has no page size of its own).
    document.setPageSize(printer.pageRect(QPrinter.Unit.Point).size())
