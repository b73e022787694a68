"""Care leavers (KPIS.md section "Care leavers and adoption", first part)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from lantern.measures.core import Ctx, Indicator, first_per, shared, standard, text

AREA = "Care leavers and adoption"
TABLES = ("ssd_care_leavers", "ssd_person")
EET = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")
EXCLUDED = ("DIED", "RHOM")


@shared
def cohort(ctx: Ctx) -> ir.Table:
    """OC3 rows for a 19th, 20th or 21st birthday, excluding IN_TOUCH DIED and RHOM."""
    c = ctx.t("ssd_care_leavers")
    per = ctx.t("ssd_person").select(_pid="pers_person_id", _dob="pers_dob")
    per = first_per(per, ["_pid"], ["_dob"])
    c = c.filter(c.clea_oc3_birthday.notnull())
    j = c.join(per, c.clea_person_id == per._pid)
    age = j.clea_oc3_birthday.year() - j._dob.year()
    j = j.mutate(age=age)
    return j.filter(j.age.isin([19, 20, 21])
                    & ~j.clea_care_leaver_in_touch.fill_null("").upper().isin(list(EXCLUDED)))


def _rows(ctx: Ctx, hit: Any, what: str, col: str) -> ir.Table:
    c = cohort(ctx)
    h = hit(c)
    return standard(
        c, child_id="clea_person_id", event_id="clea_table_id", event_date="clea_oc3_birthday",
        in_numerator=h,
        reason=text(what, " ", c[col], ibis.ifelse(h, " (counts)", " (does not count)"),
                    " at birthday ", c.age),
        date_1="clea_oc3_birthday", date_1_label="birthday",
    )


def in_touch_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    return _rows(ctx, lambda c: c.clea_care_leaver_in_touch.fill_null("").upper() == "YES",
                 "in touch", "clea_care_leaver_in_touch")


CARE_LEAVERS_IN_TOUCH_PCT = Indicator(
    id="care_leavers_in_touch_pct", title="Care leavers in touch",
    definition="flow over the care-leaver cohort — former relevant care leavers (903 OC3 "
    "rows) whose 19th, 20th or 21st birthday fell in the window, excluding `IN_TOUCH` "
    "DIED and RHOM: `IN_TOUCH = YES` ÷ cohort",
    kind="flow", polarity="high", unit="pct", tables=TABLES, rows=in_touch_rows, area=AREA,
    note="The OC3 row's birthday (`clea_oc3_birthday`) is the event date; it is a 19th, "
    "20th or 21st birthday when its year minus the birth year is 19, 20 or 21.")


def accom_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    return _rows(ctx, lambda c: c.clea_care_leaver_accommodation.fill_null("").upper()
                 .re_search("^[A-Z]1$"), "accommodation", "clea_care_leaver_accommodation")


CARE_LEAVERS_SUITABLE_ACCOM_PCT = Indicator(
    id="care_leavers_suitable_accom_pct", title="Care leavers in suitable accommodation",
    definition="same cohort: `ACCOM` is a letter followed by 1 (suitable) ÷ cohort",
    kind="flow", polarity="high", unit="pct", lait="CareLeaverAcc", tables=TABLES,
    rows=accom_rows, area=AREA)


def eet_rows(ctx: Ctx, p: Mapping[str, Any]) -> ir.Table:
    return _rows(ctx, lambda c: c.clea_care_leaver_activity.fill_null("").upper()
                 .isin(list(EET)), "activity", "clea_care_leaver_activity")


CARE_LEAVERS_EET_PCT = Indicator(
    id="care_leavers_eet_pct", title="Care leavers in education, employment or training",
    definition="same cohort: `ACTIV` in F1, P1, F2, P2, F4, P4, F5, P5 ÷ cohort",
    kind="flow", polarity="high", unit="pct", lait="CareLeaverEET", tables=TABLES,
    rows=eet_rows, area=AREA)


INDICATORS = [
    CARE_LEAVERS_IN_TOUCH_PCT,
    CARE_LEAVERS_SUITABLE_ACCOM_PCT,
    CARE_LEAVERS_EET_PCT,
]
