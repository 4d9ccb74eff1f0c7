"""Language training: the initial assessment, enrolment and exit, with CLB levels and the planted gain."""

from __future__ import annotations

import numpy as np
import pandas as pd

from accueil.generate.simulation import Simulation
from accueil.generate.vectors import cat, yes_no

NON_LEVELS = ("N/A", "Insufficient Evidence", "Pre-CLB")
LITERACY = {-4: "Lit - Foundation L", -3: "Lit - 1L", -2: "Lit - 2L", -1: "Lit - 3L", 0: "Lit - 4L"}
SKILLS = ("listening", "speaking", "reading", "writing")
GAIN_MIN_DAYS = 90  # two language observations "at least 3 months apart"


def language_training(sim: Simulation, client: np.ndarray, start: np.ndarray, provider: np.ndarray) -> None:
    rng, p = sim.rng, sim.p
    m = len(client)
    group = np.where(sim.clients["refugee"].to_numpy()[client], "refugee", "other")
    latent = sim.clients["latent_clb"].to_numpy()[client].astype(int)
    level0 = {
        "listening": np.clip(latent + rng.integers(-1, 2, m), 1, 12),
        "speaking": latent,
        "reading": np.clip(latent + rng.integers(-2, 1, m) - np.where(group == "refugee", 3, 0), -4, 12),
        "writing": np.clip(latent + rng.integers(-3, 1, m) - np.where(group == "refugee", 3, 0), -4, 12),
    }
    course_pick = rng.random(m)
    course_cd, hours_per_week = [], np.zeros(m)
    for i, a in enumerate(provider):
        courses = sim.region.courses[a]
        course = courses[int(course_pick[i] * len(courses))]
        course_cd.append(course["course_cd"])
        hours_per_week[i] = course["instructional_hours_per_class"] * course["classes_per_week"]
    first_class = start + rng.integers(3, 21, m)
    short = rng.random(m) < p.short_course_share
    exit_day = np.where(
        short, start + rng.integers(20, GAIN_MIN_DAYS - 4, m), first_class + 7 * rng.integers(13, 41, m)
    )
    hours = hours_per_week * (exit_day - first_class) / 7.0
    rate = np.where(
        group == "refugee", p.language_gain_rate_per_100h["refugee"], p.language_gain_rate_per_100h["other"]
    )
    level1, p_skill, masked0, masked1 = {}, {}, {}, {}
    for skill in SKILLS:
        ps = np.where(level0[skill] >= 12, 0.0, 1.0 - np.exp(-rate * hours / 100.0))
        gained = rng.random(m) < ps
        step = 1 + (rng.random(m) < 0.25)
        level1[skill] = np.minimum(level0[skill] + gained * step, 12)
        p_skill[skill] = ps
        masked0[skill] = rng.random(m) < p.non_level_share
        masked1[skill] = rng.random(m) < p.non_level_share

    initial = sim.base(client, provider, start)
    initial["assessment_dt"] = initial["day"]
    initial["assessment_type_id"] = cat(("Initial placement", "Progress", "Final"), np.zeros(m))
    exits = sim.base(client, provider, exit_day)
    exits["course_cd"] = course_cd
    exits["exit_course_dt"] = exits["day"]
    completed = ~short & (rng.random(m) < 0.82)
    exits["training_status_id"] = cat(
        ("Completed the course", "Has advanced to the next CLB level", "Exited the course before completing"),
        np.where(short, 2, np.where(completed, 0, 1)),
    )
    exits["exit_course_reason_id"] = cat(
        ("Found employment", "Moved to a more appropriate level", "Personal reasons", "Poor attendance"),
        np.where(short, rng.integers(0, 4, m), -1),
    )
    for skill in SKILLS:
        initial[f"{skill}_CLB_level_id"] = clb_labels(skill, level0[skill], masked0[skill], rng)
        exits[f"{skill}_CLB_level_id"] = clb_labels(skill, level1[skill], masked1[skill], rng)
    exits["certificate_issued_ind"] = yes_no(completed)
    exits["certificate_listening_level_id"] = np.where(completed, exits["listening_CLB_level_id"].astype(object), None)
    exits["certificate_speaking_level_id"] = np.where(completed, exits["speaking_CLB_level_id"].astype(object), None)
    enrol = sim.base(client, provider, first_class)
    enrol["course_cd"] = course_cd
    enrol["first_class_dt"] = enrol["day"]
    enrol["preferred_official_lang_id"] = sim.official_language(client)
    sim.emit("Language Assessment", initial)
    sim.emit("LT Client Enrol", sim.support(enrol, 0.25))
    sim.emit("LT Client Exit", sim.support(exits, 0.25))

    # Planted: the chance of a gain in at least one comparable skill, for clients
    # whose two observations are both written and at least GAIN_MIN_DAYS apart.
    eligible = (exit_day <= sim.end) & (exit_day - start >= GAIN_MIN_DAYS)
    miss = np.ones(m)
    comparable_any = np.zeros(m, dtype=bool)
    truth = {"client": client, "group": group}
    for skill in SKILLS:
        comparable = ~masked0[skill] & ~masked1[skill] & (level0[skill] >= -4)
        if skill in ("listening", "speaking"):
            comparable &= level0[skill] >= 1
        miss *= np.where(comparable, 1.0 - p_skill[skill], 1.0)
        comparable_any |= comparable
        truth[f"p_{skill}"] = np.where(comparable, p_skill[skill], np.nan)
    truth["p_any"] = 1.0 - miss
    keep = eligible & comparable_any
    sim.truth.language = pd.DataFrame({k: np.asarray(v)[keep] for k, v in truth.items()})


def clb_labels(skill: str, level: np.ndarray, masked: np.ndarray, rng: np.random.Generator) -> pd.Categorical:
    """Ordinal levels (literacy levels are -4..0 on reading and writing) -> iCARE labels."""
    if skill in ("listening", "speaking"):
        labels = [*NON_LEVELS, *[str(i) for i in range(1, 13)]]
        codes = len(NON_LEVELS) + level - 1
    else:
        labels = [*NON_LEVELS, *LITERACY.values(), *[str(i) for i in range(1, 13)]]
        codes = len(NON_LEVELS) + level + 4
    codes = np.where(masked, rng.integers(0, len(NON_LEVELS), len(level)), codes)
    return cat(labels, codes)
