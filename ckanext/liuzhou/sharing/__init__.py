"""Sharing and scheduling (共享调度): requests, decisions, delivery, quality, access (Art 22–33)."""
