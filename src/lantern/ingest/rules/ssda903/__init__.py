"""Rules: ssda903."""
