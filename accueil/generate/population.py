"""Simulate newcomers and the services they receive, vectorised over clients.

Every sheet comes out as one DataFrame over the whole period with three
bookkeeping columns (``client``, ``agency``, ``day``: days since 1970-01-01) and
contract columns.  Code columns hold English labels as categoricals and date
columns hold day numbers, so that a national year fits in a few hundred MB; the
writer turns both into text one file at a time.

The planted probabilities that the outcome measures should recover are kept per
client (``Truth``) so that truth.json can state the expected rate of each group
among exactly the clients a measure counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from accueil.generate.params import REFUGEE_CATEGORIES, Params
from accueil.generate.region import Region

EPOCH = date(1970, 1, 1)
NON_LEVELS = ("N/A", "Insufficient Evidence", "Pre-CLB")
LITERACY = {-4: "Lit - Foundation L", -3: "Lit - 1L", -2: "Lit - 2L", -1: "Lit - 3L", 0: "Lit - 4L"}
SKILLS = ("listening", "speaking", "reading", "writing")
FOLLOWUP_WINDOW = (183, 365)  # days after the first employment service: "6 to 12 months"
GAIN_MIN_DAYS = 90  # two language observations "at least 3 months apart"
REFERRAL_WINDOW = 90


def day_number(d: date) -> int:
    return (d - EPOCH).days


def cat(labels: list[str] | tuple[str, ...], codes: np.ndarray) -> pd.Categorical:
    """Labels by index; index -1 is a blank cell."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int16), categories=list(labels))


def pick(rng: np.random.Generator, labels, size: int, p=None) -> pd.Categorical:
    return cat(labels, rng.choice(len(labels), size=size, p=p))


def yes_no(flags: np.ndarray, blank: np.ndarray | None = None) -> pd.Categorical:
    codes = np.where(flags, 0, 1)
    if blank is not None:
        codes = np.where(blank, -1, codes)
    return cat(("Yes", "No"), codes)


@dataclass
class Truth:
    """Per-client planted probabilities for the clients each measure counts."""

    language: pd.DataFrame = field(default_factory=pd.DataFrame)
    employment: pd.DataFrame = field(default_factory=pd.DataFrame)
    referral: pd.DataFrame = field(default_factory=pd.DataFrame)
    belonging: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class Population:
    clients: pd.DataFrame
    sheets: dict[str, pd.DataFrame]
    truth: Truth


class Simulation:
    def __init__(
        self, rng: np.random.Generator, params: Params, region: Region, n_clients: int, start: date, end: date
    ):
        self.rng, self.p, self.region, self.n = rng, params, region, n_clients
        self.start, self.end = day_number(start), day_number(end)
        self.sheets: dict[str, list[pd.DataFrame]] = {}
        self.truth = Truth()

    # ---- helpers -------------------------------------------------------------------------
    def emit(self, sheet: str, frame: pd.DataFrame) -> None:
        """Keep the rows that have happened by the end of the period."""
        frame = frame[frame["day"].to_numpy() <= self.end]
        if len(frame):
            self.sheets.setdefault(sheet, []).append(frame.reset_index(drop=True))

    def other_agency(self, stream: str, size: int) -> np.ndarray:
        offers = self.region.offers[stream]
        w = np.where(offers, self.region.weight, 0.0)
        return self.rng.choice(self.region.n, size=size, p=w / w.sum())

    def site_fsa(self, client: np.ndarray, agency: np.ndarray) -> pd.Categorical:
        """Each client uses one site of each agency, chosen by a fixed rule."""
        fsas = sorted({f for sites in self.region.site_fsa for f in sites})
        index = {f: i for i, f in enumerate(fsas)}
        table = [[index[f] for f in sites] for sites in self.region.site_fsa]
        counts = np.array([len(t) for t in table])
        flat = np.array([i for t in table for i in t])
        offset = np.concatenate([[0], np.cumsum(counts)[:-1]])
        choice = offset[agency] + (client * 7 + agency) % counts[agency]
        return cat(fsas, flat[choice])

    def base(self, client: np.ndarray, agency: np.ndarray, day: np.ndarray) -> pd.DataFrame:
        c = self.clients
        return pd.DataFrame(
            {
                "client": client.astype(np.int32),
                "agency": agency.astype(np.int16),
                "day": day.astype(np.int32),
                "client_key": c["client_key"].to_numpy()[client],
                "client_birth_year": c["birth_year"].to_numpy()[client],
                "postal_fsa": self.site_fsa(client, agency),
            }
        )

    def support(self, frame: pd.DataFrame, share: float = 0.15) -> pd.DataFrame:
        n = len(frame)
        received = self.rng.random(n) < share
        frame["support_received_ind"] = yes_no(received)
        for column, p in (("childminding_ind", 0.4), ("transportation_ind", 0.5), ("interpretation_ind", 0.3)):
            frame[column] = yes_no(self.rng.random(n) < p, blank=~received)
        return frame

    # ---- clients ---------------------------------------------------------------------------
    def make_clients(self, keys: list[str], ucis: np.ndarray) -> pd.DataFrame:
        rng, p, n = self.rng, self.p, self.n
        gender = rng.choice(list(p.gender_shares), size=n, p=list(p.gender_shares.values()))
        imm = rng.choice(list(p.immigration_shares), size=n, p=list(p.immigration_shares.values()))
        refugee = np.isin(imm, REFUGEE_CATEGORIES)
        band = rng.choice(list(p.age_band_shares), size=n, p=list(p.age_band_shares.values()))
        low = np.select([band == "0-14", band == "15-24", band == "25-64"], [0, 15, 25], 65)
        high = np.select([band == "0-14", band == "15-24", band == "25-64"], [14, 24, 64], 85)
        age = rng.integers(low, high + 1)
        offlang = rng.choice(list(p.official_language_shares), size=n, p=list(p.official_language_shares.values()))
        first_day = rng.integers(self.start, self.end + 1, size=n)
        median = np.array([p.median_days_to_first_service[c] for c in imm])
        delay = np.rint(median * np.exp(rng.normal(0.0, p.days_to_first_service_sigma, size=n))).astype(np.int32)
        arrival = first_day - delay
        arrival_year = (pd.to_datetime(arrival, unit="D").year).to_numpy()
        home = rng.choice(self.region.n, size=n, p=self.region.weight)
        # A latent speaking level for everyone: employment depends on it even without training.
        clb_group = np.where(refugee, "refugee", "other")
        clb_mean = np.array([p.initial_clb_mean[g] for g in clb_group])
        latent = np.clip(np.rint(rng.normal(clb_mean, 1.4)), 1, 11).astype(np.int8)
        self.clients = pd.DataFrame(
            {
                "client_key": keys,
                "uci": ucis,
                "gender": gender,
                "immigration_category": imm,
                "refugee": refugee,
                "age_at_arrival": age,
                "birth_year": arrival_year - age,
                "official_language": offlang,
                "arrival_day": arrival,
                "first_day": first_day,
                "home": home,
                "latent_clb": latent,
                "lgbtq2": rng.choice(["Yes", "No", "Prefer not to answer", ""], size=n, p=[0.04, 0.8, 0.06, 0.1]),
                "disability": rng.choice(["Yes", "No", "Prefer not to answer", ""], size=n, p=[0.06, 0.8, 0.04, 0.1]),
            }
        )
        return self.clients

    # ---- the services ------------------------------------------------------------------
    def run(self) -> Population:
        c, rng, p, n = self.clients, self.rng, self.p, self.n
        first_day, home = c["first_day"].to_numpy(), c["home"].to_numpy()
        has_nar = rng.random(n) < p.first_module_nar_share
        self.orientation(first_day, home, has_nar)

        refugee = c["refugee"].to_numpy()
        working_age = (c["age_at_arrival"].to_numpy() >= 18) & (c["age_at_arrival"].to_numpy() <= 64)
        needs = {
            "language_training": rng.random(n)
            < np.where(refugee, p.language_need["refugee"], p.language_need["other"]),
            "employment": working_age & (rng.random(n) < p.employment_need_working_age),
            "community_connections": rng.random(n) < p.community_need,
        }
        starts: dict[str, np.ndarray] = {}
        providers: dict[str, np.ndarray] = {}
        referral_for = np.full(n, "", dtype=object)
        referral_to = np.full(n, -1)
        for stream, need in needs.items():
            at_home = self.region.offers[stream][home] & (rng.random(n) < p.served_at_home_share)
            provider = np.where(at_home, home, self.other_agency(stream, n))
            same = self.region.offers[stream][home] & (rng.random(n) < p.referral_same_agency_share)
            referred = need & has_nar & (referral_to < 0) & (~at_home | same)
            provider = np.where(referred & same, home, provider)
            referral_for[referred] = stream
            referral_to[referred] = provider[referred]
            start = first_day + rng.integers(0, 61, size=n)
            start = np.where(referred, -1, start)
            starts[stream] = np.where(need, start, -1)
            providers[stream] = provider
        referral_start = self.referrals(first_day, referral_to, referral_for)
        for stream in needs:
            use = referral_for == stream
            starts[stream] = np.where(use, referral_start, starts[stream])
        self.needs_assessment(has_nar, first_day, home, needs, referral_to, referral_for)
        lt = starts["language_training"] >= 0
        self.language(np.flatnonzero(lt), starts["language_training"][lt], providers["language_training"][lt])
        cc_first = self.community(starts["community_connections"], providers["community_connections"])
        emp_first, long_term = self.employment(starts["employment"], providers["employment"])
        self.followups(emp_first, providers["employment"], long_term, cc_first)
        sheets = {name: pd.concat(parts, ignore_index=True) for name, parts in self.sheets.items()}
        return Population(self.clients, sheets, self.truth)

    def orientation(self, first_day: np.ndarray, home: np.ndarray, has_nar: np.ndarray) -> None:
        rng, p, n = self.rng, self.p, self.n
        takes = ~has_nar | (rng.random(n) < p.orientation_share)
        client = np.flatnonzero(takes)
        count = 1 + rng.poisson(1.6, size=len(client))
        rows = np.repeat(client, count)
        gap = np.where(
            _seq(count) == 0, np.where(has_nar[rows], rng.integers(0, 31, len(rows)), 0), rng.integers(7, 61, len(rows))
        )
        # cumulative gaps within each client
        day = first_day[rows] + _group_cumsum(gap, count)
        frame = self.base(rows, home[rows], day)
        m = len(frame)
        frame["start_dttm"] = frame["day"]
        frame["end_dttm"] = frame["day"]
        frame["service_official_language_id"] = self.official_language(rows)
        frame["institution_type_id"] = pick(
            rng, ["Settlement service provider", "Online", "Public library"], m, [0.85, 0.1, 0.05]
        )
        frame["orientation_service_id"] = pick(
            rng, ["One-on-one orientation", "Family orientation", "Group orientation"], m, [0.6, 0.15, 0.25]
        )
        frame["orientation_length_hours_no"] = rng.integers(0, 4, m)
        frame["orientation_length_minutes_no"] = pick(rng, ["0", "15", "30", "45"], m)
        frame["group_clients_no_id"] = pick(
            rng, ["Less than 10 people", "10 - 20 people", "More than 20 people"], m, [0.7, 0.2, 0.1]
        )
        frame["target_group_specific_ind"] = yes_no(rng.random(m) < 0.1)
        for topic in ("overview", "information", "rights", "documents", "income", "housing", "health", "citizenship"):
            frame[f"topic_{topic}_given_ind"] = yes_no(rng.random(m) < 0.35)
        self.emit("Info&Orien", self.support(frame))

    def official_language(self, client: np.ndarray) -> pd.Categorical:
        labels = {"english": 0, "french": 1, "unknown_no_preference": 2}
        codes = self.clients["official_language"].map(labels).to_numpy()[client]
        return cat(("English", "French", "Unknown/No preference"), codes)

    def referrals(self, first_day: np.ndarray, referral_to: np.ndarray, referral_for: np.ndarray) -> np.ndarray:
        """Start day of the referred service, or -1; records the planted completion probability."""
        rng, p, n = self.rng, self.p, self.n
        c = self.clients
        prob = c["official_language"].map(p.referral_completion).to_numpy(dtype=float)
        prob = prob - np.where(c["refugee"].to_numpy(), p.referral_completion_refugee_penalty, 0.0)
        referred = referral_to >= 0
        completed = rng.random(n) < prob
        late = rng.random(n) < p.referral_late_share
        start = np.where(
            completed,
            first_day + rng.integers(1, REFERRAL_WINDOW, size=n),
            np.where(late, first_day + rng.integers(REFERRAL_WINDOW + 1, 241, size=n), -1),
        )
        start = np.where(referred, start, -1)
        # Measured only once the 90-day window has closed inside the period.
        counted = referred & (first_day + REFERRAL_WINDOW <= self.end)
        idx = np.flatnonzero(counted)
        self.truth.referral = pd.DataFrame(
            {
                "client": idx,
                "official_language": c["official_language"].to_numpy()[idx],
                "refugee": c["refugee"].to_numpy()[idx],
                "p": prob[idx],
                "stream": referral_for[idx],
                "same_agency": referral_to[idx] == c["home"].to_numpy()[idx],
            }
        )
        return start

    def needs_assessment(self, has_nar, first_day, home, needs, referral_to, referral_for) -> None:
        rng = self.rng
        client = np.flatnonzero(has_nar)
        frame = self.base(client, home[client], first_day[client])
        m = len(frame)
        frame["assessment_start_dt"] = frame["day"]
        frame["assessment_completed_dt"] = frame["day"] + rng.integers(0, 8, m)
        frame["preferred_official_language_id"] = self.official_language(client)
        frame["institution_type_id"] = pick(rng, ["Settlement service provider", "Online"], m, [0.9, 0.1])
        frame["assessment_referral_id"] = pick(
            rng,
            [
                "Family / friends",
                "Internal to my organization",
                "Other settlement service provider",
                "Canadian government agency",
                "Not referred",
            ],
            m,
            [0.35, 0.15, 0.2, 0.1, 0.2],
        )
        for column in (
            "knwl_life_needs_ind",
            "knwl_comm_gov_svcs_needs_ind",
            "housing_accommodation_needs_ind",
            "hlth_mental_wellness_needs_ind",
            "financial_needs_ind",
        ):
            frame[column] = yes_no(rng.random(m) < 0.35)
        stream_flags = {
            "language_training": "language_skills",
            "employment": "find_employment",
            "community_connections": "social_networks",
        }
        for stream, prefix in stream_flags.items():
            frame[f"{prefix}_needs_ind"] = yes_no(needs[stream][client])
            frame[f"{prefix}_referrals_ind"] = yes_no(referral_for[client] == stream)
        frame["settlement_plan_ind"] = yes_no(rng.random(m) < 0.7)
        referred = referral_to[client] >= 0
        frame["referral_agency_cd"] = cat(list(self.region.codes), np.where(referred, referral_to[client], -1))
        frame["referral_dt"] = np.where(referred, frame["day"], np.nan)
        stream_labels = {
            "language_training": "Language training",
            "employment": "Employment-related services",
            "community_connections": "Community connections",
        }
        order = list(stream_labels)
        codes = np.array([order.index(s) if s else -1 for s in referral_for[client]])
        frame["referral_stream_id"] = cat(list(stream_labels.values()), codes)
        self.emit("Needs Assessment&Referrals", self.support(frame))

    def language(self, client: np.ndarray, start: np.ndarray, provider: np.ndarray) -> None:
        rng, p = self.rng, self.p
        m = len(client)
        group = np.where(self.clients["refugee"].to_numpy()[client], "refugee", "other")
        latent = self.clients["latent_clb"].to_numpy()[client].astype(int)
        level0 = {
            "listening": np.clip(latent + rng.integers(-1, 2, m), 1, 12),
            "speaking": latent,
            "reading": np.clip(latent + rng.integers(-2, 1, m) - np.where(group == "refugee", 3, 0), -4, 12),
            "writing": np.clip(latent + rng.integers(-3, 1, m) - np.where(group == "refugee", 3, 0), -4, 12),
        }
        course_pick = rng.random(m)
        course_cd, hours_per_week = [], np.zeros(m)
        for i, a in enumerate(provider):
            courses = self.region.courses[a]
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

        initial = self.base(client, provider, start)
        initial["assessment_dt"] = initial["day"]
        initial["assessment_type_id"] = cat(("Initial placement", "Progress", "Final"), np.zeros(m))
        exits = self.base(client, provider, exit_day)
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
        exits["certificate_listening_level_id"] = np.where(
            completed, exits["listening_CLB_level_id"].astype(object), None
        )
        exits["certificate_speaking_level_id"] = np.where(
            completed, exits["speaking_CLB_level_id"].astype(object), None
        )
        enrol = self.base(client, provider, first_class)
        enrol["course_cd"] = course_cd
        enrol["first_class_dt"] = enrol["day"]
        enrol["preferred_official_lang_id"] = self.official_language(client)
        self.emit("Language Assessment", initial)
        self.emit("LT Client Enrol", self.support(enrol, 0.25))
        self.emit("LT Client Exit", self.support(exits, 0.25))

        # Planted: the chance of a gain in at least one comparable skill, for clients
        # whose two observations are both written and at least GAIN_MIN_DAYS apart.
        eligible = (exit_day <= self.end) & (exit_day - start >= GAIN_MIN_DAYS)
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
        self.truth.language = pd.DataFrame({k: np.asarray(v)[keep] for k, v in truth.items()})

    def community(self, start: np.ndarray, provider: np.ndarray) -> np.ndarray:
        rng = self.rng
        client = np.flatnonzero(start >= 0)
        count = 1 + rng.poisson(1.5, size=len(client))
        rows = np.repeat(client, count)
        gap = np.where(_seq(count) == 0, 0, rng.integers(7, 46, len(rows)))
        day = start[rows] + _group_cumsum(gap, count)
        frame = self.base(rows, provider[rows], day)
        m = len(frame)
        frame["preferred_official_lang_id"] = self.official_language(rows)
        frame["community_activity_id"] = pick(
            rng, ["Community-based group events and activities", "Targeted Matching and Networking"], m, [0.7, 0.3]
        )
        frame["service_type_id"] = pick(
            rng,
            [
                "Conversation circle",
                "Networking activity with other newcomers or Canadian citizens",
                "Youth leadership project",
            ],
            m,
            [0.5, 0.35, 0.15],
        )
        frame["topics_service_id"] = pick(
            rng,
            [
                "Access to local community services",
                "Connecting with other newcomers",
                "Getting involved in the community",
            ],
            m,
        )
        frame["group_clients_no_id"] = pick(
            rng, ["Less than 10 people", "10 - 20 people", "More than 20 people"], m, [0.5, 0.35, 0.15]
        )
        frame["volunteers_participate_ind"] = yes_no(rng.random(m) < 0.45)
        frame["target_group_specific_ind"] = yes_no(rng.random(m) < 0.15)
        frame["service_status_id"] = pick(
            rng, ["Completed", "Ongoing", "Service ended early (i.e. client ended participation)"], m, [0.8, 0.1, 0.1]
        )
        frame["service_start_dt"] = frame["day"]
        frame["service_end_dt"] = frame["day"]
        frame["service_length_hours_no"] = rng.integers(1, 4, m)
        frame["service_length_minutes_no"] = pick(rng, ["0", "30"], m)
        self.emit("Community Connections", self.support(frame, 0.1))
        first = np.full(self.n, -1)
        written = day <= self.end
        first[rows[written & (_seq(count) == 0)]] = day[written & (_seq(count) == 0)]
        return first

    def employment(self, start: np.ndarray, provider: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rng, n = self.rng, self.n
        client = np.flatnonzero(start >= 0)
        count = 1 + rng.poisson(1.2, size=len(client))
        rows = np.repeat(client, count)
        gap = np.where(_seq(count) == 0, 0, rng.integers(7, 46, len(rows)))
        day = start[rows] + _group_cumsum(gap, count)
        short = self.base(rows, provider[rows], day)
        m = len(short)
        short["intervention_type_id"] = cat(("Long Term", "Short Term"), np.ones(m))
        short["short_term_service[1]service_received_id"] = pick(
            rng,
            ["Employment counselling", "Networking opportunities", "Resume screening for referrals service"],
            m,
            [0.6, 0.25, 0.15],
        )
        short["short_term_service[1]entry_dt"] = short["day"]
        short["session_employment_status_id"] = pick(
            rng, ["Unemployed", "Employed part time - less than 30 hours at main or only job"], m, [0.85, 0.15]
        )
        short["complete_hours_spent_no"] = rng.integers(0, 4, m)
        short["complete_minutes_spent_no"] = pick(rng, ["0", "15", "30", "45"], m)

        long_term = np.zeros(n, dtype=bool)
        long_term[client] = rng.random(len(client)) < 0.3
        lt_client = np.flatnonzero(long_term)
        lt_start = start[lt_client] + rng.integers(0, 31, len(lt_client))
        lt = self.base(lt_client, provider[lt_client], lt_start)
        k = len(lt)
        lt["intervention_type_id"] = cat(("Long Term", "Short Term"), np.zeros(k))
        lt["intervention_received_id"] = pick(
            rng, ["Work placement", "Mentoring", "Preparation for licensure/certification"], k, [0.5, 0.35, 0.15]
        )
        lt["intervention_status_id"] = pick(
            rng,
            ["Completed", "Ongoing", "Intervention ended early (i.e. client ended participation)"],
            k,
            [0.6, 0.25, 0.15],
        )
        lt["intervention_start_dt"] = lt["day"]
        lt["intervention_end_dt"] = lt["day"] + rng.integers(56, 183, k)
        lt["session_employment_status_id"] = cat(["Unemployed"], np.zeros(k))
        self.emit("Employment", self.support(pd.concat([short, lt], ignore_index=True), 0.1))
        first = np.where(start >= 0, start, -1)
        first = np.where(first > self.end, -1, first)
        # The planted effect uses only what is written: a long-term intervention dated by the follow-up.
        long_term_written = np.zeros(n, dtype=bool)
        long_term_written[lt_client] = lt_start <= self.end
        return first, long_term_written

    def followups(
        self, emp_first: np.ndarray, emp_provider: np.ndarray, long_term: np.ndarray, cc_first: np.ndarray
    ) -> None:
        rng, p, n, c = self.rng, self.p, self.n, self.clients
        has_emp = emp_first >= 0
        emp_fu = has_emp & (rng.random(n) < p.employment_followup_share)
        outside = rng.random(n) < p.followup_outside_window_share
        in_window = rng.integers(FOLLOWUP_WINDOW[0], FOLLOWUP_WINDOW[1] + 1, n)
        out_window = np.where(rng.random(n) < 0.5, rng.integers(60, 151, n), rng.integers(380, 481, n))
        emp_day = emp_first + np.where(outside, out_window, in_window)
        # Clients with an employment service get only the employment follow-up, so that
        # no other follow-up can fall into its 6-to-12-month window by chance.
        general = ~has_emp & (rng.random(n) < p.general_followup_share)
        gen_day = c["first_day"].to_numpy() + rng.integers(FOLLOWUP_WINDOW[0], FOLLOWUP_WINDOW[1] + 1, n)
        has_fu = emp_fu | general
        client = np.flatnonzero(has_fu)
        day = np.where(emp_fu, emp_day, gen_day)[client]
        agency = np.where(emp_fu, emp_provider, c["home"].to_numpy())[client]

        years = (day - c["arrival_day"].to_numpy()[client]) / 365.25
        gender = c["gender"].to_numpy()[client]
        refugee = c["refugee"].to_numpy()[client]
        logit = (
            p.employment_intercept
            + p.employment_per_year_in_canada * years
            + p.employment_clb5_speaking * (c["latent_clb"].to_numpy()[client] >= 5)
            + p.employment_long_term_intervention * (long_term[client] & (emp_first[client] >= 0))
            + np.array([p.employment_gender[g] for g in gender])
            + p.employment_refugee * refugee
        )
        p_emp = 1.0 / (1.0 + np.exp(-logit))
        employed = rng.random(len(client)) < p_emp
        p_match = np.where(gender == "woman", p.job_matches_training["woman"], p.job_matches_training["other"])
        matches = rng.random(len(client)) < p_match
        took_cc = (cc_first[client] >= 0) & (cc_first[client] <= day)
        p_strong = np.where(took_cc, p.belonging_strong["community_connections"], p.belonging_strong["other"])
        answered = rng.random(len(client)) >= p.belonging_no_answer_share
        strong = rng.random(len(client)) < p_strong

        frame = self.base(client, agency, day)
        m = len(frame)
        frame["followup_dt"] = frame["day"]
        frame["followup_method_id"] = pick(rng, ["Telephone", "Online survey", "In person"], m, [0.5, 0.35, 0.15])
        employed_kind = rng.choice(3, size=m, p=[0.65, 0.25, 0.10])
        not_employed_kind = np.where(rng.random(m) < 0.7, 3, 4)
        frame["employment_status_id"] = cat(
            (
                "Employed full time - 30 hours or more",
                "Employed part time - less than 30 hours",
                "Self-employed",
                "Unemployed and looking for work",
                "Not in the labour force",
            ),
            np.where(employed, employed_kind, not_employed_kind),
        )
        frame["job_matches_training_id"] = cat(
            ("Yes", "No", "Not applicable"), np.where(employed, np.where(matches, 0, 1), 2)
        )
        strong_kind = np.where(rng.random(m) < 0.4, 0, 1)
        weak_kind = np.where(rng.random(m) < 0.65, 2, 3)
        frame["sense_of_belonging_id"] = cat(
            ("Very strong", "Somewhat strong", "Somewhat weak", "Very weak", "Don't know / no answer"),
            np.where(~answered, 4, np.where(strong, strong_kind, weak_kind)),
        )
        frame["has_people_to_turn_to_ind"] = yes_no(rng.random(m) < 0.75)
        frame["satisfaction_id"] = pick(
            rng,
            ["Very satisfied", "Satisfied", "Neither satisfied nor dissatisfied", "Dissatisfied", "Very dissatisfied"],
            m,
            [0.45, 0.35, 0.12, 0.05, 0.03],
        )
        frame["would_recommend_ind"] = yes_no(rng.random(m) < 0.88)
        self.emit("Outcome Follow-up", frame)

        written = day <= self.end
        since_emp = day - emp_first[client]
        emp_ok = written & emp_fu[client] & (since_emp >= FOLLOWUP_WINDOW[0]) & (since_emp <= FOLLOWUP_WINDOW[1])
        self.truth.employment = pd.DataFrame(
            {
                "client": client[emp_ok],
                "gender": gender[emp_ok],
                "refugee": refugee[emp_ok],
                "p": p_emp[emp_ok],
                "p_match_if_employed": p_match[emp_ok],
            }
        )
        bel_ok = written & answered
        self.truth.belonging = pd.DataFrame(
            {
                "client": client[bel_ok],
                "community_connections": took_cc[bel_ok],
                "p": p_strong[bel_ok],
            }
        )


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


def _seq(count: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each client's run of rows."""
    total = int(count.sum())
    return np.arange(total) - np.repeat(np.cumsum(count) - count, count)


def _group_cumsum(values: np.ndarray, count: np.ndarray) -> np.ndarray:
    csum = np.cumsum(values)
    starts = np.cumsum(count) - count
    before = np.where(starts > 0, csum[starts - 1], 0)
    return csum - np.repeat(before, count)
