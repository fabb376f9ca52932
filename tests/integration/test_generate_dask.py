"""The same shards on a Dask cluster (a LocalCluster here) as locally."""

import numpy as np
import pytest
from dask import distributed

from ssmlan.training_data import GeneratorConfig, generate, load_dataset


@pytest.mark.slow
def test_dask_local_cluster_gives_the_local_data(tmp_path):
    config = GeneratorConfig(
        "ddm", n_param_sets=8, n_sims=10_000, n_labels=50, shard_size=2, seed=4
    )
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        summary = generate(
            config, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False
        )
    assert summary["shards_written"] == 4
    generate(config, tmp_path / "local", n_workers=1, progress=False)
    on_dask, local = load_dataset(tmp_path / "dask"), load_dataset(tmp_path / "local")
    for key in local:
        np.testing.assert_array_equal(on_dask[key], local[key])
