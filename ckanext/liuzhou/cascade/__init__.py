"""Cascade with the autonomous-region platform (Art 9, 23): harvest down and up, the negative
list, and the cascade's health."""
