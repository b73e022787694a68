"""Lantern: children's services continuous-improvement system."""

__version__ = "0.1.0"
