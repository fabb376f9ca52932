"""Checks against ground truth.

* `runner`: `FitJob`, fitting every data set of a check in parallel (journalled), reports.
* `datasets`: the checks' synthetic data sets (true parameters, simulated trials).
* `posteriors`: posterior draws of a fit and their summaries.
* `distances`: Huber loss and Hellinger distances to simulations.
* `recovery`, `calibration` (SBC), `posterior_agreement`, `gonogo_information`: the posterior
  checks (``ssmlan check``); `network_report`: validation of a trained network
  (``ssmlan validate``); `ddm_reference`: analytic DDM references for the simulator.
"""
