"""Checks of the paper's statements: registry, verdicts, searches, reports and plots."""
