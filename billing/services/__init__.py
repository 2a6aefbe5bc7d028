"""Billing services, split by topic: subscriptions (realignment), credit notes (schedule, issue, void)."""
