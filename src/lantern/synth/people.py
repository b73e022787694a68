"""Children and young people: identity, demographics, and the ssd_person rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from faker.providers.person.en_GB import Provider as NameProvider

from lantern.calendar import add_months
from lantern.formats.upn import with_check_letter

from .sampling import Rng, Table
from .sink import Ids, Sink

FAR_FUTURE = date(9999, 12, 31)

# Torbay's child population is overwhelmingly White British (2021 census ~90 %).
ETHNICITY = Table([
    ("WBRI", 86.0), ("WOTH", 3.0), ("WIRI", 0.3), ("WIRT", 0.2), ("WROM", 0.2),
    ("MWBC", 1.3), ("MWBA", 0.6), ("MWAS", 1.1), ("MOTH", 1.6), ("AIND", 0.3),
    ("APKN", 0.1), ("ABAN", 0.2), ("AOTH", 0.6), ("BCRB", 0.1), ("BAFR", 0.5),
    ("BOTH", 0.1), ("CHNE", 0.3), ("OOTH", 0.6), ("REFU", 0.4), ("NOBT", 2.5),
])
UASC_ETHNICITY = Table([("OOTH", 30.0), ("BAFR", 30.0), ("AOTH", 25.0), ("BOTH", 15.0)])
UASC_NATIONALITY = Table([
    ("Afghanistan", 30.0), ("Sudan", 20.0), ("Eritrea", 20.0), ("Iran", 15.0), ("Syria", 15.0),
])
# Age (years) of a child at a first referral: babies and teenagers are over-represented.
REFERRAL_AGE = Table([(0, 12.0)] + [(a, 4.0) for a in range(1, 5)]
                     + [(a, 5.0) for a in range(5, 10)] + [(a, 6.0) for a in range(10, 16)]
                     + [(16, 6.0), (17, 4.0)])
DISABILITY = Table([
    ("NONE", 88.0), ("LD", 3.0), ("AUT", 3.0), ("BEH", 2.0), ("COMM", 1.5),
    ("MOB", 0.8), ("HEAR", 0.4), ("VIS", 0.4), ("DDA", 0.9),
])
SURNAMES = tuple(NameProvider.last_names)
# School-age children with no UPN on record (shares of those not asylum-seeking).
UPN_OUTSIDE_ENGLAND, UPN_DISCREPANCY = 0.004, 0.003


@dataclass
class Person:
    """A child known to the authority; mutable state is what the journeys need."""

    pid: str
    dob: date
    sex: str
    ethnicity: str
    referred: bool = False  # has a referral (CIN child) -> disability rows
    busy_until: date = date.min  # an open referral/plan/period runs until this date
    last_referral: date | None = None
    cp_plans: int = 0  # CP plans in the simulation
    prior_cp_plans: int = 0  # plans before the simulation began or in another authority
    in_care: bool = False
    adoption_plan: bool = False  # has had a plan for adoption (ADM decision)
    uasc: bool = False
    care_exit: date | None = None  # left care aged 16+ -> care leaver
    nationality: str | None = None
    stages: list[tuple[date, date | None, str, str | None]] = field(default_factory=list)

    def age(self, on: date) -> int:
        years = on.year - self.dob.year
        return years - ((on.month, on.day) < (self.dob.month, self.dob.day))

    def birthday(self, years: int) -> date:
        return add_months(self.dob, 12 * years)

    def busy(self, on: date) -> bool:
        return self.busy_until >= on


class People:
    """Creates persons and renders ssd_person / ssd_disability / ssd_immigration_status."""

    def __init__(self, rng: Rng, ids: Ids, la_code: str) -> None:
        self.rng = rng
        self.ids = ids
        self.la_code = la_code
        self.all: list[Person] = []

    def child(self, on: date, age: int | None = None, uasc: bool = False) -> Person:
        rng = self.rng
        if age is None:
            age = REFERRAL_AGE.draw(rng)
        dob = on - timedelta(days=age * 365 + rng.randint(0, 364))
        sex = "M" if uasc and rng.chance(0.92) else rng.choice(("M", "F"))
        if rng.chance(0.004):
            sex = "U"
        person = Person(
            pid=self.ids.next("P"),
            dob=dob,
            sex=sex,
            ethnicity=UASC_ETHNICITY.draw(rng) if uasc else ETHNICITY.draw(rng),
            uasc=uasc,
            nationality=UASC_NATIONALITY.draw(rng) if uasc else None,
        )
        self.all.append(person)
        return person

    def render(self, sink: Sink) -> None:
        for p in self.all:
            self._person_row(sink, p)
            if p.referred:
                self._disability_rows(sink, p)
            if p.uasc:
                self._immigration_rows(sink, p)

    def _person_row(self, sink: Sink, p: Person) -> None:
        rng = self.rng
        first = rng.choice(
            NameProvider.first_names_female if p.sex == "F" else NameProvider.first_names_male
        )
        upn_code, upn_unknown = self._upn(p, sink.end)
        sink.add(
            "ssd_person",
            pers_person_id=p.pid,
            pers_forename=first,
            pers_surname=rng.choice(SURNAMES),
            pers_sex=p.sex,
            pers_gender={"M": "1", "F": "2"}.get(p.sex, "9"),
            pers_ethnicity=p.ethnicity,
            pers_dob=p.dob,
            pers_common_child_id=nhs_number(rng),
            pers_upn_unknown=upn_unknown,
            pers_upn=upn_code,
            pers_nationality=p.nationality,
            # The simulation has no teenage parents: every girl's mother status is known, no.
            pers_is_mother="N" if p.sex == "F" else None,
        )

    def _upn(self, p: Person, end: date) -> tuple[str | None, str | None]:
        """(UPN, UPN-unknown reason): every child has one or the other. UN1 not yet of
        school age; UN2 never at school in England (asylum-seeking children arriving at
        16 or 17, and most arriving younger); a few school-age children UN3 (educated
        outside England) or UN5 (records do not match). UN4 (newly looked after, UPN not
        known yet) depends on the return's date, and UN6/UN7 are CIN-census only."""
        rng = self.rng
        if p.age(end) < 5:
            return None, "UN1"
        if p.uasc:
            arrived = p.stages[0][0] if p.stages else end
            if p.age(arrived) >= 16 or rng.chance(0.6):
                return None, "UN2"
            return upn(rng, self.la_code, p.pid), None
        u = rng.random()
        if u < UPN_OUTSIDE_ENGLAND:
            return None, "UN3"
        if u < UPN_OUTSIDE_ENGLAND + UPN_DISCREPANCY:
            return None, "UN5"
        return upn(rng, self.la_code, p.pid), None

    def _disability_rows(self, sink: Sink, p: Person) -> None:
        codes = [DISABILITY.draw(self.rng)]
        if codes[0] != "NONE" and self.rng.chance(0.25):
            second = DISABILITY.draw(self.rng)
            if second not in codes and second != "NONE":
                codes.append(second)
        for code in codes:
            sink.add("ssd_disability", disa_table_id=sink_id(sink, "ssd_disability", "D"),
                     disa_person_id=p.pid, disa_disability_code=code)

    def _immigration_rows(self, sink: Sink, p: Person) -> None:
        first = p.stages[0][0] if p.stages else p.dob
        adult = p.birthday(18)
        sink.add("ssd_immigration_status",
                 immi_immigration_status_id=sink_id(sink, "ssd_immigration_status", "IM"),
                 immi_person_id=p.pid, immi_immigration_status="UASC",
                 immi_immigration_status_start_date=first,
                 immi_immigration_status_end_date=sink.clip(adult))
        if adult <= sink.end:
            sink.add("ssd_immigration_status",
                     immi_immigration_status_id=sink_id(sink, "ssd_immigration_status", "IM"),
                     immi_person_id=p.pid, immi_immigration_status="Former UASC",
                     immi_immigration_status_start_date=adult)


def sink_id(sink: Sink, table: str, prefix: str) -> str:
    """Row ids for tables whose rows are only ever created by rendering (never linked)."""
    return f"{prefix}{len(sink.rows[table]) + 1:07d}"


def nhs_number(rng: Rng) -> str:
    """A 10-digit NHS number with a valid modulus-11 check digit (9xx range: test numbers)."""
    while True:
        digits = [9] + [rng.randint(0, 9) for _ in range(8)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def upn(rng: Rng, la_code: str, pid: str) -> str:
    """A valid unique pupil number: the DfE check letter, the LA code, then the person's
    serial number (so no two children share one; rule 1520)."""
    # The draws a random UPN used to make are still taken, so every later draw (and so
    # the whole demo authority) is the same as before UPNs were made valid.
    rng.randint(0, 22)
    for _ in range(12 - len(la_code)):
        rng.randint(0, 9)
    serial = "".join(ch for ch in pid if ch.isdigit())
    return with_check_letter(la_code + serial.zfill(12 - len(la_code))[-(12 - len(la_code)):])
