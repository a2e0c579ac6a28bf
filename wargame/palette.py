"""Colours, in one place: the Okabe–Ito palette and the few greys the kit's pages use.

Okabe & Ito (2008), "Color Universal Design": eight colours that stay distinct with every
common colour-vision deficiency. ``SERIES`` orders them so that the first contrast best on
white and the yellow comes last; charts also vary dash and marker, never colour alone.
Imports nothing of the kit.
"""

from __future__ import annotations

BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREEN = "#009E73"  # bluish green
ORANGE = "#E69F00"
PURPLE = "#CC79A7"  # reddish purple
SKY = "#56B4E9"  # sky blue
BLACK = "#000000"
YELLOW = "#F0E442"

#: Series colours, in the order charts take them.
SERIES = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, BLACK, YELLOW]

#: The same colours by name, for the dashboard's text and controls.
OKABE_ITO = {
    "blue": BLUE,
    "vermillion": VERMILLION,
    "green": GREEN,
    "orange": ORANGE,
    "purple": PURPLE,
    "sky": SKY,
    "black": BLACK,
    "yellow": YELLOW,
}

#: Lesson and message severities: the colour only repeats what the words and marks say.
SEVERITY = {"info": BLUE, "warning": ORANGE, "critical": VERMILLION}

GUIDE_GREY = "#555555"  # reference lines and their labels on charts; strong rules; muted text
RULE_GREY = "#d0d0d0"  # table rules
BORDER_GREY = "#cccccc"  # card and frame borders
CONTESTED_RED = "#aa3333"  # the "contested" mark beside a disputed figure
WARNING_TEXT = "#8a5a00"  # warning text on white (orange itself is too light to read as text)
# Text on white must read at 4.5 : 1 (WCAG AA); vermillion and green reach 3.9 and 3.4, so text
# uses darker shades of them. Bars, lines and borders keep the series colours.
VERMILLION_TEXT = "#B34700"  # bad news and unmet verdicts, as text
GREEN_TEXT = "#007A5A"  # good news, as text
TEXT = "#1a1a1a"  # body text of the report
PAGE = "#ffffff"  # page background
HEADER_FILL = "#f4f4f4"  # table headings
SUMMARY_FILL = "#f4f8fb"  # the boxed one-sentence summaries
NOTICE_FILL = "#fff8e8"  # a notice box (behind an orange border)
SMALL_PRINT = "#444444"  # small print in the report
