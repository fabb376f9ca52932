"""Figures people look at instead of reading numbers."""
