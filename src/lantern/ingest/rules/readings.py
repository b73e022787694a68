"""Where Lantern reads a DfE rule differently from other validators, and why.

Declared once here; docs/validation-rules.md prints them and bench/RESULTS.md's agreement
table points to them. "Other validators" is Data to Insight's csc-validator-be-903 and
-cin, the validators most authorities use, run on the same files; each difference is
one Lantern keeps after reading the DfE rule text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    codes: tuple[str, ...]
    collection: str
    rule_text: str  # the DfE condition, in short
    lantern: str  # what Lantern does
    reason: str  # why


READINGS: tuple[Reading, ...] = (
    Reading(("365", "376"), "ssda903",
            "A short-term respite placement (LS V3) must not exceed 17 days; a temporary "
            "placement for a carer's holiday (PLACE T3) must not exceed 21 days.",
            "Joins consecutive episodes with the same status (one starting the day the last "
            "ceased) into one spell, and counts a spell still open to 31 March.",
            "The rule text limits the placement, not one row of it: a respite break split "
            "over two episodes, or still open at the year end, lasts as long as the break. "
            "The other validators join the 361-363 episodes the same way, but check 376 on "
            "closed episodes only and 365 on one episode at a time."),
    Reading(("371", "372", "373", "374"), "ssda903",
            "A child placed in supported accommodation, custody, a school or residential "
            "employment must be at least the rule's age when the episode starts (DECOM).",
            "Checks every episode with the placement, open or closed.",
            "The age is taken at DECOM, which an open episode has; the other validators drop "
            "episodes without a DEC, so a child still in the placement is never checked."),
    Reading(("380",), "ssda903",
            "A temporary placement (PLACE T0-T4) must be a change of placement: RNE P or B.",
            "Flags a T0-T4 episode whose RNE is given and is not P or B.",
            "A blank RNE is reported by the required-field check (903:blank) once; the other "
            "validators report it again as 380."),
    Reading(("431", "433"), "ssda903",
            "431: a new period of care (RNE S) cannot start the day the previous episode "
            "ended; 433: a continuation episode (RNE P, L, T, U, B) starts the day the "
            "previous one ended.",
            "431 flags the same day only; 433 flags a continuation whose previous episode "
            "has a different DEC.",
            "An S episode starting before the previous one ended is an overlap (501), and a "
            "previous episode with no DEC is 142's: each problem is reported once, by the "
            "rule that names it. The other validators also report them as 431 and 433."),
    Reading(("601",), "ssda903",
            "A child adopted in the year (REC E11 or E12, DEC in the year) must have "
            "complete AD1 data.",
            "Flags the adoption episode when the child has no AD1 row at all, or one with "
            "a blank item.",
            "A child with no AD1 row is the plainest case of missing adoption data; the "
            "other validators join on AD1 rows and so never see it."),
    Reading(("213",), "ssda903",
            "Placement provider must be blank for placements that have no provider: "
            "T0-T4 and Z1 ('other placements').",
            "Checks T0-T4 and Z1.",
            "Z1 has no provider, as 178's list of placements without one says; the other "
            "validators check T0-T4 only."),
    Reading(("389",), "ssda903",
            "A child whose care ended with a transfer to adult social care (REC E7) must be "
            "16 or over at DEC.",
            "Flags only when the age can be worked out.",
            "With a blank or unreal DOB or DEC the age is unknown, and the date rules (102, "
            "147) report that; the other validators also flag 389 for it."),
    Reading(("520",), "ssda903",
            "Adopters who are a married couple of different sexes (LS_ADOPTR L11) must be "
            "coded SEX_ADOPTR MF.",
            "Flags L11 with a same-sex code (MM, FF).",
            "A blank or unknown code is reported by the completeness and code rules; the "
            "other validators report it as 520 too."),
    Reading(("168",), "ssda903",
            "UPN: a letter other than I, O or S, 11 digits, a digit or letter; or UN1-UN5.",
            "Accepts the letters in either case.",
            "Some case systems lower-case UPNs on export; the UPN is the same number, and "
            "a letter case is no error a school would make."),
    Reading(("146",), "ssda903",
            "The placement type must be a code of the year's list.",
            "Uses the collection year's code set: from 2024-25 H5 is no longer a code "
            "(K3 replaces it), from 2025-26 Z11-Z14 are.",
            "A return is checked against its own year's codes; the other validator's "
            "2024-25 rule set still accepts H5."),
    Reading(("1012",), "ssda903",
            "No other data should be returned for OC3 children (care leavers) who had no "
            "episodes in the current year.",
            "Flags the adoption, missing, review, previous permanence and OC2 rows of care "
            "leavers (children in OC3) with no episode in the year.",
            "The rule is about care leavers; the other validator flags those rows for every "
            "child without an episode, care leaver or not (4,191 rows on the public sample, "
            "Lantern 62), which is EPI's business: a child with no episodes."),
    Reading(("157",), "ssda903",
            "SDQ1 (no form: the child was under 4 or over 16) cannot be the reason for a "
            "child 4 or over at the start of the year and 16 or under at its end.",
            "Includes children who are 16 on 31 March (under 17 then).",
            "'16 years or under at the end of the year' includes 16; the other validator's "
            "test (16th birthday on or after 31 March) leaves out those already 16."),
    Reading(("1002",), "ssda903",
            "A young person with no previous episodes of care should not have care leaver "
            "information.",
            "Checks, when last year's episodes are supplied, young people whose 17th "
            "birthday is in the year.",
            "A relevant child was looked after after their 16th birthday, which for a "
            "17-year-old falls in this year's or last year's return; an older care leaver's "
            "care may be in returns not given, and flagging them (as the other validator "
            "does, with a warning that it may) would refuse correct returns."),
    Reading(("210",), "ssda903",
            "A child looked after for more than a week at 31 March should not have the UPN "
            "code UN4 (newly looked after).",
            "Flags UN4 for a child looked after on 31 March whose care began before 24 March.",
            "The other validator flags UN4 when the episode began on or after 24 March, the "
            "children for whom the code is meant: the opposite of the rule text."),
    Reading(("197B",), "ssda903",
            "A child looked after for 12 months at 31 March whose 4th or 17th birthday is in "
            "the year should have an SDQ score or a reason for none.",
            "Checks only children in that cohort.",
            "The other validator's condition binds 'or' before 'and', so it flags every "
            "child with a 4th birthday in the year, looked after 12 months or not, with a "
            "score or not."),
    Reading(("SW10STG2",), "ssda903",
            "A new social worker episode must not start before the end date of the previous "
            "one.",
            "Flags an episode starting before the previous one's SW_DEC.",
            "The rule text; the other validator also flags a new episode starting more than "
            "7 days after the previous one ended, which the text does not say."),
    Reading(("165", "393", "607"), "ssda903",
            "Mother status is required for a girl looked after in the year.",
            "Reads SEX 2 as a girl in every year, like F.",
            "A 2024-25 return still coding sex 1/2 is reported by 101 once; the other "
            "validator's 2024-25 rules read only F, so the girls in such a return are "
            "never asked for mother status."),
    Reading(("359",), "ssda903",
            "A child looked after after their 18th birthday must be under section 20(5) "
            "(V2) in a community home (K2).",
            "Flags the open episodes at 31 March of a young person 18 before then, other "
            "than V2 in K2.",
            "Run alone, the other validator's rule flags the same 649 rows of the public "
            "sample; in its full run it flags none: its rules share (and change) one set of "
            "tables, and the ones run before it leave the Header's dates unreadable."),
    Reading(("580",), "ssda903",
            "A child who is missing when they cease to be looked after must have REC E8.",
            "Flags a care-ending episode (REC not X1 or E8) whose DEC falls in one of the "
            "child's missing periods (begun on or before it, not ended before it).",
            "The rule text; the other validator flags only a missing period that ends on the "
            "young person's 18th birthday, the day care ended (none on the public sample; "
            "Lantern 2, care ending during a missing period)."),
    Reading(("8875",), "cin",
            "The date of the initial child protection conference cannot be a weekend.",
            "Checks the date wherever the return carries it: in CIN details and in the "
            "section 47 enquiry.",
            "The rule names the data item, not one module; the other validator checks the "
            "section 47 module only."),
    Reading(("8525Q",), "cin",
            "Either the date of birth or the expected date of birth must be given, not both.",
            "A value that is not a real date still counts as given.",
            "The date check reports the unreal date itself; treating it as absent (as the "
            "other validator does) adds a second, misleading problem on the same child."),
    Reading(("8530Q",), "cin",
            "An expected date of birth should be from 30 days before to 9 months after the "
            "ReferenceDate.",
            "Asks about every real date outside the range, however far (the public 2021 "
            "sample's 1066-01-01).",
            "The other validator's dates cannot hold a year before 1677 and drop it, so the "
            "query is never asked; a date a thousand years out is the first one to check."),
    Reading(("1560Q",), "cin",
            "A former UPN, where given, should be in the format the data table specifies.",
            "Checks it against the UPN format of the year's schema: a letter, 11 digits and "
            "a final digit or letter.",
            "A former UPN is often a temporary UPN, which ends in a letter; the other "
            "validator requires 12 digits after the letter and asks about every one."),
    Reading(("8715",), "cin",
            "The date of the initial child protection conference must fall within the "
            "census year.",
            "Checks the date in CIN details as well as in the section 47 enquiry.",
            "As 8875: the rule names the data item (N00110), which both modules carry; the "
            "other validator checks the section 47 module only."),
    Reading(("8825Q",), "cin",
            "If the reason for closure is RC8 or RC9 (closed after assessment) at least one "
            "assessment must be present.",
            "Does not ask about a referral with no further action (ReferralNFA true).",
            "Such a referral has no assessment by definition and is closed on its referral "
            "date; asking about every one of them would bury the episodes that were "
            "assessed-and-closed without an assessment on record, which the query is for."),
    Reading(("2887Q",), "cin",
            "Excluding NONE, the number of different disability codes used in the return "
            "should be more than 7.",
            "Counts the different codes other than NONE across the whole return.",
            "As the rule text says; the other validator counts the NONE entries instead, so "
            "it asks whenever 7 or fewer children have no disability."),
    Reading(("4003",), "cin",
            "Within a CIN details module no CP review date can fall between a CIN plan's "
            "start and end date, unless the review date is the CP plan's end date.",
            "Checks reviews of open CP plans too, and counts an open CIN plan as running to "
            "the ReferenceDate; a review on the CIN plan's last day is after it.",
            "The other validator checks only reviews of CP plans that have ended and joins "
            "plans across all of the child's episodes, not within one module."),
    Reading(("8770Q",), "cin",
            "A child of school age (2022-23 and 2023-24: born earlier than the ReferenceDate "
            "minus 6 years) with a referral going on to further action should have a UPN or "
            "a reason for none other than UN1 (not of school age).",
            "From 2024-25 a child is of school age when 5 by the 31 August that began the "
            "school year (born on or before 31 August 2019 for 2024-25).",
            "DfE's 2024-25 message changed to 'of school age'; the school year is what "
            "decides whether a school holds the child's UPN. The other validator uses the "
            "same date."),
    Reading(("4180",), "cin",
            "Sex must be provided and equal M, F or U (2022-23 and 2023-24: gender must be "
            "present and valid).",
            "Up to 2023-24 accepts the sex in either element (GenderCurrent or Sex) with "
            "either code set; from 2024-25 requires M, F or U.",
            "Returns written during the change carry <Sex> with 2023-24's codes (DfE's "
            "public 2024 sample does); the child's sex is recorded either way."),
    Reading(("105", "303", "205A", "205B", "205C", "205D"), "ssda903",
            "The child's UASC status (0 or 1) must be completed (105) and be 1 when a date "
            "UASC ceased (DUC) is given (303); this year's and last year's statuses and DUCs "
            "must agree (205A-D).",
            "Reads the status from a UASC item of the Header when the return carries one "
            "(the XML return's header item, or a Header CSV with a UASC column); otherwise, "
            "as DfE reads the CSV layout, a child is UASC in a year when that year's UASC "
            "file holds a row for them. A year whose status can be read neither way is not "
            "compared.",
            "The CSV layout has no status column, so 105, 303 and 205C can only fail where "
            "a status is stated. 205A flags a child UASC last year and not this year when "
            "last year's DUC (or this year's, when given) is blank or after this year's 31 "
            "March: the status had not ended by then. The other validator compares this "
            "year's UASC rows only, which under the CSV layout always say UASC, so its 205A "
            "cannot fire on CSVs; and it asks for last year's DUC to fall in last year, "
            "which a DUC projected to the 18th birthday (as last year's return gives it) "
            "does not."),
    Reading(("633",), "ssda903",
            "LA_PERM must be a valid local authority code (or WAL, SCO, NIR, NUK).",
            "Accepts the DfE numbers of England's local authorities, discontinued ones "
            "included (a previous order may be years old), and the four codes outside "
            "England; not England's or a region's number.",
            "The other validator's list also accepts 999, which is no authority's number."),
    Reading(("1001",), "ssda903",
            "Care leaver information only for a relevant or former relevant child: looked "
            "after for 13 weeks since the 14th birthday, some of it after the 16th, and not "
            "adopted.",
            "Flags a care leaver whose latest episode (this year's or last year's) ended in "
            "adoption, or who was not looked after (a short break aside) after the 16th "
            "birthday when that birthday falls in the years supplied.",
            "Care before last year is in returns Lantern is not given: the 13 weeks since "
            "the 14th birthday, three or more years back for a care leaver, cannot be "
            "counted. The other validator counts them from the two years' episodes anyway "
            "(its own note warns of false positives for care before last year)."),
    Reading(("SW11aSTG2", "SW11bSTG2"), "ssda903",
            "A social worker episode ended before 31 March must be followed by another "
            "(SW11a: an episode ended by 26 March, the next within 5 days; SW11b: ended in "
            "the last 5 days to 31 March, a next episode given).",
            "Asks only while the child is looked after: SW11a when the child was looked "
            "after on the day the episode ended, SW11b for a child looked after on 31 "
            "March.",
            "Social worker episodes cover the child's time in contact with children's "
            "services, so a case closed when care ended and opened again months later has a "
            "true gap; the other validator flags every such gap (and every episode that "
            "ends in the last days of March as a child leaves care)."),
    Reading(("SW12STG2",), "ssda903",
            "A child looked after on 31 March must have social worker episodes for the full "
            "year, even while not looked after.",
            "For a child looked after on 31 March, the first social worker episode must "
            "start on or before 1 April, or the start of the child's first episode in the "
            "year when that is later.",
            "Whether a child had a social worker before their care began is not in the "
            "return, so Lantern asks for episodes from the start of care in the year (and "
            "from 1 April for a child already looked after then). The other validator "
            "pairs each episode starting or ending care with each social worker episode and "
            "flags the care episode when a social worker episode began before the care did, "
            "the very episodes the rule asks for: 343 episodes on the public sample, where "
            "Lantern finds none."),
    Reading(("8670Q", "8675Q"), "cin",
            "An assessment (8670Q) or section 47 enquiry (8675Q) with no end should not "
            "start before the ReferenceDate minus 45 (15) working days.",
            "Asks when more than 45 (15) working days (England's bank holidays excluded) "
            "fall after the start, up to the ReferenceDate.",
            "As the message says ('more than 45 working days'), whatever day of the week "
            "the year ends. The other validator steps back 44 business days from the "
            "ReferenceDate, so it also asks about a start exactly 45 (15) working days "
            "back, and one more when the year ends on a weekend (Sunday 31 March 2024)."),
    Reading(("8569Q",), "cin",
            "A referral dated before the working day before the collection start (1 April) "
            "must not be a referral with no further action.",
            "A referral on that working day itself is not asked about.",
            "The rule says 'before'. The other validator's working-day offset is one day "
            "short (it subtracts n-1 business days), so it also asks about a referral on "
            "the working day before the year."),
    Reading(("8565",), "cin",
            "A CIN closure date must be on or after every assessment start and "
            "authorisation, section 47 start, initial conference, CP plan end and CIN plan "
            "start and end date of the episode.",
            "Compares every one of them, the CP plan's end date included.",
            "The other validator compares the CP plan end date with a fixed example row "
            "left in its code instead of the return's plans, so a CP plan ending after the "
            "episode closed is never found."),
    Reading(("100",), "cin",
            "The ReferenceDate must be present and be 31 March of the collection year.",
            "Flags any other date.",
            "The other validator passed ReferenceDates of 2023-03-28 and 2022-07-21 in its "
            "own test files (CIN_header_issues_100.xml, fake_CIN_data.xml)."),
)
