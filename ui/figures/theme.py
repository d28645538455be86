"""Colours shared by every figure, so a tier looks the same on every page."""

TIER_COLORS = {"S": "#7b2cbf", "A": "#2a6fdb", "B": "#2a9d8f", "C": "#adb5bd"}
ACCENT = "#e76f51"
NEUTRAL = "#6c757d"
