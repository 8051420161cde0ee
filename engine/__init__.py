"""runstrong: a rule-based progression engine for runners who strength-train."""

__version__ = "0.1.0"
