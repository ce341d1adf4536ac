"""The chart's dimensions (pixels) and colours."""

from __future__ import annotations

from decimal import Decimal

ROW_H = 22  # one task or group header per row
BAR_H = 14
BAR_TOP = (ROW_H - BAR_H) // 2
MONTH_ROW_H = 18
DAY_ROW_H = 18
HEADER_H = MONTH_ROW_H + DAY_ROW_H + 4
FOOTER_H = 32  # the "today" label, then the project end's
LABEL_W = 300  # the task labels on the left
NAME_UNIT_W = 6.5  # a narrow character of a task name at the chart's 12 px
# The phone's name column: longer names are cut there, so the bars keep half a phone's width.
ID_COLUMN_MAX_W = 170
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', sans-serif"
LABEL_UNITS = 44  # label length in narrow-character units (a CJK character counts 2)
RIGHT_PAD = 24  # after the last bar's owner, progress and flags (measured: see `bars`)
ANNOTATION_UNIT_W = 6.6  # a narrow character of the 11 px text after a bar
INDENT = 12  # a subtask's label, per level below its parent
SUMMARY_H = 6  # a parent's summary bar, with a bracket end down at each side
GHOST_H = 3  # the baseline bar under a task that slipped
LANE_GAP = 5  # between the arrows leaving one task for different successors
PAD_DAYS = 2
TODAY_ROOM = 60  # left of today when a phone opens the chart: half the "today" label
DIAMOND = 7  # half-diagonal of a milestone diamond
DEFAULT_THRESHOLD = Decimal("0.20")

# Colours with at least 4.5:1 contrast where text sits on them and 3:1 for shapes.
BAR_FILL = "#dbeafe"
BAR_STROKE = "#1e40af"
PROGRESS_FILL = "#1e40af"
# Red is for a bad state only (late, behind plan). The critical path is neutral and
# strong: a thick near-black outline and grey hatching, told from a red outline by
# lightness and pattern, so it stays distinct under red-green colour blindness.
CRITICAL_STROKE = "#1f2937"
CRITICAL_HATCH = "#6b7280"
CRITICAL_BACK = "#f3f4f6"
LATE_STROKE = "#dc2626"  # 4.8:1 on white, 4:1 on #111
GHOST_FILL = "#6b7280"
END_STROKE = "#374151"
TODAY_STROKE = "#db2777"
FLAG = (("fill", LATE_STROKE), ("font-weight", "bold"), ("font-size", 13))
