"""Draw the filled CMS-1500 drug items (19, 21, 24; plus 26, 28, 33) on a printable PDF page.

The official form is printed in OCR red ink and cannot be reproduced, so this draws a plain
grid in the 02/12 layout of those items, with their labels, and fills it in Courier as a
practice-management system would. Six item-24 lines per page; more lines start a new page.
Returns the PDF as bytes (no file I/O here; the CLI writes it).
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from nocrx.render.cms1500 import DIAGNOSIS_LETTERS, CMS1500Form, Item24
from nocrx.render.lines import split_text

SHADE = Color(0.86, 0.86, 0.86)
MARGIN = 36
ROW_HEIGHT = 30  # one item-24 line: shaded half above, unshaded half below
# Item 24 columns: label, width in points (they add up to the 540-point printable width).
COLUMNS = (
    ("24A DATE(S) OF SERVICE  From / To", 104),
    ("B POS", 30),
    ("C EMG", 30),
    ("D CPT/HCPCS   MODIFIER", 118),
    ("E DX PTR", 36),
    ("F $ CHARGES", 58),
    ("G UNITS", 36),
    ("H EPSDT", 28),
    ("I QUAL", 28),
    ("J RENDERING NPI", 72),
)


def render_cms1500_pdf(form: CMS1500Form) -> bytes:
    """Draw the form's items on one page per six item-24 lines; return the PDF bytes."""
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=True)  # invariant: same input, same bytes
    canvas.setTitle("CMS-1500 (02/12) drug items")
    pages = form.pages()
    for number, rows in enumerate(pages, start=1):
        _page(canvas, form, rows, number, len(pages))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _page(canvas: Canvas, form: CMS1500Form, rows: tuple[Item24, ...], number: int, count: int) -> None:
    width, height = letter
    top = height - MARGIN
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawString(MARGIN, top - 12, "HEALTH INSURANCE CLAIM FORM - CMS-1500 (02/12) layout, drug items")
    canvas.setFont("Helvetica", 7)
    canvas.drawString(
        MARGIN, top - 24, f"Page {number} of {count}. Plain grid for review; submit on the official red form."
    )
    y = _item_19(canvas, form, top - 40, width)
    y = _item_21(canvas, form, y - 8, width)
    y = _item_24(canvas, rows, y - 8)
    y = _totals(canvas, form, y - 8, width)
    _warnings(canvas, form, y - 16)


def _box(canvas: Canvas, x: float, y: float, w: float, h: float, label: str) -> None:
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.6)
    canvas.rect(x, y, w, h)
    canvas.setFont("Helvetica", 6)
    canvas.drawString(x + 2, y + h - 7, label)


def _item_19(canvas: Canvas, form: CMS1500Form, top: float, width: float) -> float:
    h = 44
    _box(
        canvas,
        MARGIN,
        top - h,
        width - 2 * MARGIN,
        h,
        "19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)",
    )
    canvas.setFont("Courier", 9)
    rest = form.item_19
    for row in range(3):
        text, rest = split_text(rest, 96)
        if row == 2 and rest:
            text = split_text(text, 84)[0] + " [continued]"  # never drop text without saying so
        canvas.drawString(MARGIN + 4, top - 18 - row * 10, text)
    return top - h


def _item_21(canvas: Canvas, form: CMS1500Form, top: float, width: float) -> float:
    h = 52
    label = (
        "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  Relate A-L to service line below (24E)   "
        f"ICD Ind. {form.item_21_icd_indicator}"
    )
    _box(canvas, MARGIN, top - h, width - 2 * MARGIN, h, label)
    column = (width - 2 * MARGIN) / 4
    for index, letter_ in enumerate(DIAGNOSIS_LETTERS):
        x = MARGIN + 6 + (index % 4) * column
        y = top - 20 - (index // 4) * 12
        canvas.setFont("Helvetica", 7)
        canvas.drawString(x, y, f"{letter_}.")
        canvas.setFont("Courier", 9)
        canvas.drawString(x + 10, y, form.item_21.get(letter_, ""))
        canvas.line(x + 9, y - 2, x + column - 16, y - 2)
    return top - h


def _item_24(canvas: Canvas, rows: tuple[Item24, ...], top: float) -> float:
    header = 22
    x = MARGIN
    for label, w in COLUMNS:
        _box(canvas, x, top - header, w, header, "")
        canvas.setFont("Helvetica", 5.5)
        for i, part in enumerate(_wrap(label, w)):
            canvas.drawString(x + 2, top - 8 - i * 7, part)
        x += w
    y = top - header
    for index in range(6):
        row = rows[index] if index < len(rows) else None
        _row(canvas, index + 1, row, y)
        y -= ROW_HEIGHT
    return y


def _row(canvas: Canvas, number: int, row: Item24 | None, top: float) -> None:
    total = sum(w for _, w in COLUMNS)
    half = ROW_HEIGHT / 2
    canvas.setFillColor(SHADE)
    canvas.rect(MARGIN, top - half, total, half, stroke=1, fill=1)
    canvas.setFillColor(black)
    canvas.rect(MARGIN, top - ROW_HEIGHT, total, half)
    canvas.setFont("Helvetica-Bold", 7)
    canvas.drawString(MARGIN - 9, top - ROW_HEIGHT + 4, str(number))
    x = MARGIN
    for _, w in COLUMNS:
        canvas.line(x, top - ROW_HEIGHT, x, top - half)
        x += w
    if row is None:
        return
    canvas.setFont("Courier", 9)
    canvas.drawString(MARGIN + 3, top - half + 4, row.shaded)
    qualifier = "NPI" if row.rendering_npi else ""
    values = (
        f"{row.date_from}  {row.date_to}", row.place_of_service, row.emergency,
        f"{row.procedure} {' '.join(row.modifiers)}", row.diagnosis_pointer, row.charges, row.units, "",
        qualifier, row.rendering_npi,
    )  # fmt: skip
    x = MARGIN
    for (_, w), value in zip(COLUMNS, values, strict=True):
        canvas.drawString(x + 3, top - ROW_HEIGHT + 4, value)
        x += w


def _totals(canvas: Canvas, form: CMS1500Form, top: float, width: float) -> float:
    h = 26
    thirds = (width - 2 * MARGIN) / 3
    boxes = (
        ("26. PATIENT'S ACCOUNT NO.", form.item_26_patient_account),
        ("28. TOTAL CHARGE", f"$ {form.item_28_total_charge}"),
        ("33. BILLING PROVIDER INFO  a. NPI", form.item_33_billing_npi),
    )
    for index, (label, value) in enumerate(boxes):
        x = MARGIN + index * thirds
        _box(canvas, x, top - h, thirds, h, label)
        canvas.setFont("Courier", 9)
        canvas.drawString(x + 4, top - h + 5, value)
    return top - h


def _warnings(canvas: Canvas, form: CMS1500Form, top: float) -> None:
    if not form.warnings:
        return
    canvas.setFont("Helvetica-Bold", 8)
    canvas.drawString(MARGIN, top, "For the biller (not part of the form):")
    canvas.setFont("Helvetica", 8)
    for index, warning in enumerate(form.warnings):
        first, rest = split_text(warning, 120)
        canvas.drawString(MARGIN, top - 12 - index * 22, first)
        canvas.drawString(MARGIN, top - 22 - index * 22, rest)


def _wrap(label: str, width: float) -> list[str]:
    words, lines, current = label.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) * 2.9 > width - 4 and current:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current][:3]
