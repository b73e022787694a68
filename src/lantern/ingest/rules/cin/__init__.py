"""Rules: cin."""
