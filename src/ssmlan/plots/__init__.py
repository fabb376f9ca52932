"""Figures people look at instead of reading numbers (of networks, posteriors and checks).

The figures take plain data as arguments: this package imports nothing from `ssmlan.checks`.
"""
