"""The chart's dimensions (pixels) and colours."""

from __future__ import annotations

from decimal import Decimal

ROW_H = 22  # one task or group header per row
BAR_H = 14
BAR_TOP = (ROW_H - BAR_H) // 2
MONTH_ROW_H = 18
DAY_ROW_H = 18
HEADER_H = MONTH_ROW_H + DAY_ROW_H + 4
FOOTER_H = 18  # the "today" label
LABEL_W = 300  # the task labels on the left
ID_CHAR_W = 8  # a character of a task id (bold, ASCII) at the chart's 12 px
# The phone's id column: longer ids are cut there, so the bars keep half a phone's width.
ID_COLUMN_MAX_W = 170
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', sans-serif"
LABEL_UNITS = 44  # label length in narrow-character units (a CJK character counts 2)
RIGHT_PAD = 90  # room for the progress text and flags after the last bar
PAD_DAYS = 2
DIAMOND = 7  # half-diagonal of a milestone diamond
DEFAULT_THRESHOLD = Decimal("0.20")

# Colours with at least 4.5:1 contrast where text sits on them and 3:1 for shapes.
BAR_FILL = "#dbeafe"
BAR_STROKE = "#1e40af"
PROGRESS_FILL = "#1e40af"
CRITICAL_STROKE = "#9a3412"
CRITICAL_HATCH = "#c2410c"
CRITICAL_BACK = "#ffedd5"
LATE_STROKE = "#dc2626"  # 4.8:1 on white, 4:1 on #111
TODAY_STROKE = "#db2777"
FLAG = (("fill", LATE_STROKE), ("font-weight", "bold"), ("font-size", 13))
