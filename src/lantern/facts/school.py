"""Compulsory school age, one rule for every indicator and alert.

**Rule: aged 5 to 15 on the 31 August that starts the school year** (the school year
runs 1 September to 31 August; on a date from 1 September to 31 December that is the
same year's 31 August, from 1 January to 31 August the previous year's). This is the
DfE's statistical definition used for children looked after: "Outcomes for children
looked after by local authorities" (SSDA903 statistics) counts children "of compulsory
school age" as those "aged 5 to 15 at 31 August" before the school year, and the
``pep_current_pct`` indicator is compared with those figures.

Why not the Education Act 1996 s.8 definition (from the prescribed day — 31 August, 31
December or 31 March — after the 5th birthday, to the last Friday of June of the
school year in which the child turns 16): it depends on term dates and gives a
different population from the published statistics a PEP figure is read against; the
statistical rule is exact from the date of birth, runs unchanged on every engine, and
lets the PEP indicator and the PEP alert name the same children. Under it a child
becomes of school age on the 1 September after their 5th birthday (a child turning 5
on 31 August starts the next day; one turning 5 on 1 September waits a year) and stops
on the 1 September after they are 16 at 31 August.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from lantern.facts._base import ON, On, Source, age_years, people

FIRST_AGE, LAST_AGE = 5, 15


def school_year_start_age_date(on: ir.DateValue) -> ir.DateValue:
    """The 31 August that starts the school year containing ``on``."""
    year = ibis.ifelse(on.month() >= 9, on.year(), on.year() - 1)
    return ibis.date(year, 8, 31)


def of_compulsory_school_age(dob: ir.DateValue, on: ir.DateValue) -> ir.BooleanValue:
    """True when a child born on ``dob`` is of compulsory school age on ``on``."""
    age = age_years(dob, school_year_start_age_date(on))
    return (age >= FIRST_AGE) & (age <= LAST_AGE)


def school_age_from(dob: ir.DateValue) -> ir.DateValue:
    """The first day of compulsory school age: the 1 September after the 5th birthday."""
    fifth = (dob + ibis.interval(years=FIRST_AGE)).cast("date")
    return ibis.date(ibis.ifelse(fifth.month() >= 9, fifth.year() + 1, fifth.year()), 9, 1)


def compulsory_school_age(src: Source, on: On, as_of: str = ON) -> ir.Table:
    """Children of compulsory school age on each date: ``person_id``, ``dob``, ``as_of``."""
    p = people(src)
    p = p.filter(p.dob.notnull())
    j = p.cross_join(on) if isinstance(on, ir.Table) else p.mutate(
        **{as_of: ibis.literal(on, "date")})
    return j.filter(of_compulsory_school_age(j.dob, j[as_of]))
