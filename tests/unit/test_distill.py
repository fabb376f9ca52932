"""`distill`: a compact LAN trained on a teacher LAN, with its error against the teacher."""

import dataclasses

import numpy as np
import pytest

from ssmlan.networks import load_network, save_network
from ssmlan.networks.distill import CONFIG, distill
from ssmlan.networks.model_file import weights_digest

TEACHER = load_network("ddm", "lan")


@pytest.fixture(scope="module")
def student():
    config = dataclasses.replace(CONFIG, hidden=(16, 16), epochs=15, patience=15, batch_size=512)
    return distill(TEACHER, n_sets=1000, config=config, progress=False)


def test_student_is_one_small_lan_of_the_teachers_model(student):
    assert student.kind == "lan" and len(student.members) == 1
    assert [kernel.shape[1] for kernel, _ in student.members[0][:-1]] == [16, 16]
    assert student.spec.fingerprint() == TEACHER.spec.fingerprint()
    assert student.mass_horizon == TEACHER.mass_horizon
    report = student.meta["distillation"]
    assert report["teacher_digest"] == weights_digest(TEACHER)
    assert 0 < report["mean_abs_error"] <= report["p99_abs_error"] <= report["max_abs_error"]


def test_student_learns_the_teacher_and_round_trips_through_its_file(student, tmp_path):
    rng = np.random.default_rng(0)
    theta = TEACHER.spec.sample_in_box(200, rng)
    rt = theta[:, 3] + rng.uniform(0.1, 2.0, 200)
    choice = np.where(rng.random(200) < 0.5, -1.0, 1.0)
    teacher, learned = TEACHER.logp(theta, rt, choice), student.logp(theta, rt, choice)
    # 15 epochs on 1000 sets: far from converged, but far better than a constant.
    assert np.mean(np.abs(learned - teacher)) < 0.5 * np.mean(np.abs(teacher - teacher.mean()))
    loaded = load_network(save_network(student, tmp_path / "student.npz"))
    np.testing.assert_array_equal(loaded.logp(theta, rt, choice), learned)


def test_only_a_lan_is_distilled():
    with pytest.raises(ValueError, match="Only a LAN"):
        distill(load_network("ddm", "cpn"), n_sets=10)


def test_too_few_parameter_sets_are_refused_before_any_work():
    with pytest.raises(ValueError, match=r"n_sets must be at least 100.*got 0"):
        distill(TEACHER, n_sets=0)
