"""Checks against ground truth: analytic DDM references for simulators and networks."""
