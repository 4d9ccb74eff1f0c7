"""The behaviour the generator plants.  Every figure here is written to truth.json.

Shares follow the domain brief (57% women, 28% refugees, service-stream reach of
2016/17); effects are plausible, not estimates: they exist so that the warehouse's
measures have something real to find.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

REFUGEE_CATEGORIES = ("gar", "psr", "protected_person")


@dataclass(frozen=True)
class Params:
    gender_shares: dict[str, float] = field(
        default_factory=lambda: {"woman": 0.57, "man": 0.41, "another_gender": 0.01, "prefer_not_to_answer": 0.01}
    )
    immigration_shares: dict[str, float] = field(
        default_factory=lambda: {
            "economic": 0.38,
            "family": 0.22,
            "gar": 0.12,
            "psr": 0.08,
            "protected_person": 0.08,
            "other_pr": 0.06,
            "temporary_resident": 0.06,
        }
    )
    # Age at arrival: children 0-14, youth 15-24, adults 25-64, seniors 65+.
    age_band_shares: dict[str, float] = field(
        default_factory=lambda: {"0-14": 0.17, "15-24": 0.14, "25-64": 0.63, "65+": 0.06}
    )
    official_language_shares: dict[str, float] = field(
        default_factory=lambda: {"english": 0.86, "french": 0.08, "unknown_no_preference": 0.06}
    )
    # Median days from arrival to first service, by immigration category
    # (log-normal, sigma below): refugees are met early, economic immigrants come later.
    median_days_to_first_service: dict[str, float] = field(
        default_factory=lambda: {
            "economic": 120,
            "family": 90,
            "gar": 12,
            "psr": 35,
            "protected_person": 60,
            "other_pr": 150,
            "temporary_resident": 100,
        }
    )
    days_to_first_service_sigma: float = 0.9

    first_module_nar_share: float = 0.60  # first contact is a needs assessment, else orientation
    orientation_share: float = 0.76
    # Who needs each stream, by immigration group (refugee / other) for language.
    language_need: dict[str, float] = field(default_factory=lambda: {"refugee": 0.55, "other": 0.28})
    employment_need_working_age: float = 0.22
    community_need: float = 0.20
    served_at_home_share: float = 0.45  # need met by the first agency when it offers the stream

    # Referral completion within 90 days: base probability by official language of
    # preference (francophones are harder to place in a mostly English region), and a
    # penalty for refugees.
    referral_completion: dict[str, float] = field(
        default_factory=lambda: {"english": 0.74, "french": 0.52, "unknown_no_preference": 0.66}
    )
    referral_completion_refugee_penalty: float = 0.08
    referral_late_share: float = 0.25  # of referrals not completed in 90 days, served later
    referral_same_agency_share: float = 0.05

    # Language: per-skill probability of a gain of one level or more is
    # 1 - exp(-rate * hours / 100), with rate by immigration group.
    language_gain_rate_per_100h: dict[str, float] = field(default_factory=lambda: {"refugee": 0.045, "other": 0.07})
    initial_clb_mean: dict[str, float] = field(default_factory=lambda: {"refugee": 2.6, "other": 4.4})
    short_course_share: float = 0.15  # exits before the 90 days a gain needs
    non_level_share: float = 0.04  # N/A, Insufficient Evidence or Pre-CLB at an observation

    # Employment at follow-up: logistic model.
    employment_intercept: float = -1.1
    employment_per_year_in_canada: float = 0.35
    employment_clb5_speaking: float = 0.7
    employment_long_term_intervention: float = 0.6
    employment_gender: dict[str, float] = field(
        default_factory=lambda: {"woman": -0.45, "man": 0.0, "another_gender": -0.2, "prefer_not_to_answer": -0.1}
    )
    employment_refugee: float = -0.35
    job_matches_training: dict[str, float] = field(default_factory=lambda: {"woman": 0.38, "other": 0.50})
    employment_followup_share: float = 0.65
    # Who answers the employment follow-up depends on who the client is (issue 22): the share
    # above times a factor by gender and one for refugees, so that the clients reached are
    # more often men and less often refugees than those the measure could speak for, and the
    # plain rate is biased upward.  Depends only on characteristics the warehouse sees, so a
    # rate weighted within cells of them recovers the rate of every eligible client.
    employment_followup_response_gender: dict[str, float] = field(
        default_factory=lambda: {"woman": 0.75, "man": 1.25, "another_gender": 1.0, "prefer_not_to_answer": 1.0}
    )
    employment_followup_response_refugee: float = 0.55
    followup_outside_window_share: float = 0.10
    general_followup_share: float = 0.35

    # Sense of belonging "very or somewhat strong" among those who answer.
    belonging_strong: dict[str, float] = field(default_factory=lambda: {"community_connections": 0.71, "other": 0.55})
    belonging_no_answer_share: float = 0.05

    # Client voice at every follow-up (issue 20): satisfied or very satisfied, would recommend,
    # and people to turn to, which community connections make more likely (social connection).
    satisfaction_shares: dict[str, float] = field(
        default_factory=lambda: {
            "Very satisfied": 0.45,
            "Satisfied": 0.35,
            "Neither satisfied nor dissatisfied": 0.12,
            "Dissatisfied": 0.05,
            "Very dissatisfied": 0.03,
        }
    )
    would_recommend: float = 0.88
    people_to_turn_to: dict[str, float] = field(default_factory=lambda: {"community_connections": 0.84, "other": 0.70})

    # Needs named at the needs assessment that no stream serves (issue 20): each named with
    # the first share, and addressed only by a referral, made with the second probability in
    # an urban site and that times `need_referral_outside_urban` in a small centre or rural
    # one (fewer housing, health and legal partners there).  The needs the streams serve are
    # addressed by the streams' own services, as the rest of the simulation draws them.
    unserved_need_shares: dict[str, float] = field(
        default_factory=lambda: {
            "housing": 0.35,
            "health": 0.35,
            "financial": 0.35,
            "food_clothing": 0.20,
            "family_support": 0.20,
            "legal": 0.15,
        }
    )
    need_referral: dict[str, float] = field(
        default_factory=lambda: {
            "housing": 0.45,
            "health": 0.50,
            "financial": 0.70,
            "food_clothing": 0.80,
            "family_support": 0.70,
            "legal": 0.65,
        }
    )
    need_referral_outside_urban: float = 0.6

    # Language of service for clients whose official language is French: served in French
    # with this probability at an agency that offers French, else at one that does not
    # (a bilingual worker).  One draw per client, so a client is served in French at every
    # agency whose probability exceeds it: all their services are in French with the
    # smallest probability of the agencies they used.
    french_service: dict[str, float] = field(default_factory=lambda: {"french_agency": 0.90, "other": 0.25})

    def to_json(self) -> dict:
        return asdict(self)
