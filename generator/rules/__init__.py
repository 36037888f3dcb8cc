"""Consistency rules: small functions over a company's rendered program, each returning problems.

Every rule is registered below with a code (as linters register theirs) and runs on every variant
company of the library (``policyforge lint-library``) and on a company repository (``policyforge
check``), so a contradiction is reported with file, line and fix wherever it is introduced.
"""

from __future__ import annotations

from collections.abc import Iterable

from .._errors import Problem
from ._base import Rule, RuleInput, Source, company_view, library_view
from ._citation_rules import citations_resolve, control_citations_exist_and_fit, control_citations_resolve
from ._commitment_rules import (
    audit_windows_abut,
    availability_gap_stated,
    contradicting_values,
    deadlines_agree,
    legal_conditions_kept,
    one_clock_per_deadline,
    shadowed_commitments,
)
from ._control_rules import (
    evidence_criteria_within_controls,
    evidence_on_subject,
    evidence_shares_a_criterion,
    lean_merges_hold,
    near_duplicate_controls,
    one_cadence_per_control,
    one_owner_one_cadence,
    one_record_per_control,
    run_and_event_deadlines,
)
from ._fit_rules import (
    office_duty_needs_an_office,
    only_region_claim_holds,
    second_region_duty_needs_a_second_region,
)
from ._kit_rules import (
    cited_evidence_is_defined,
    counts_meet_the_sampling_table,
    events_are_sampled,
    evidence_cadences_agree,
    kit_text_fits_the_company,
    runs_counted_once,
    signers_own_the_controls,
)
from ._sod_rules import (
    approval_routing_names_alternate,
    approvals_are_by_someone_else,
    duties_name_their_actor,
    history_has_no_self_approval,
    no_role_reports_to_itself,
    quorum_counts_people,
    reviewers_never_review_themselves,
    roles_do_not_check_themselves,
)
from ._title_rules import approver_named_by_office, policies_named_by_their_title
from ._wording_rules import wording_reads_written

RULES: tuple[Rule, ...] = (
    Rule("COM001", "one value per named commitment: no typed number shadows one", shadowed_commitments),
    Rule("COM002", "recovery point, recovery tiers and retention periods do not contradict each other",
         contradicting_values),
    Rule("COM003", "an RTO longer than the availability commitment allows states the gap", availability_gap_stated),
    Rule("COM004", "consecutive observation windows leave no gap, or the text says how it is bridged",
         audit_windows_abut),
    Rule("COM005", "a deadline runs from its one named start (no sentence starts it at another event)",
         one_clock_per_deadline),
    Rule("FIT001", "a company whose backups stay in one region has no duty about a second region",
         second_region_duty_needs_a_second_region),
    Rule("FIT002", "a fully remote company has no office duty in its policies, controls or evidence plan",
         office_duty_needs_an_office),
    Rule("FIT004", "no sentence calls a region the only one of its provider inside the residency area when the "
         "region catalog lists another", only_region_claim_holds),
    Rule("COM006", "a legal deadline the law makes conditional is printed with its condition", legal_conditions_kept),
    Rule("COM007", "a sentence or control statement about a duty with a named deadline states that deadline, "
         "not another", deadlines_agree),
    Rule("SOD001", "no revision-history row has the same author and approver", history_has_no_self_approval),
    Rule("SOD002", "a policy its owner would approve is routed to an alternate approver",
         approval_routing_names_alternate),
    Rule("SOD003", "when one person holds two roles, no sentence has them check their own work",
         roles_do_not_check_themselves),
    Rule("SOD004", "no role reports to a role its own holder holds", no_role_reports_to_itself),
    Rule("SOD005", "an approval or decision is by someone other than the person it approves, and two approvals come "
         "from two different people", approvals_are_by_someone_else),
    Rule("SOD006", "a control statement, a section a control cites and a roles section name the role that does each "
         "duty, never 'an engineer the CTO designates'",
         duties_name_their_actor),
    Rule("SOD007", "a control that reviews work its own reviewer may do names someone else for the reviewer's part",
         reviewers_never_review_themselves),
    Rule("SOD008", "a forum's quorum is counted in different people, who are named when one holds two of its roles",
         quorum_counts_people),
    Rule("CTL001", "a control's frequency is the cadence its statement names", one_cadence_per_control),
    Rule("CTL002", "a control's statement names the record it leaves", one_record_per_control),
    Rule("CTL003", "no two controls state nearly the same thing", near_duplicate_controls),
    Rule("CTL004", "evidence items prove only controls of the policies they are about", evidence_on_subject),
    Rule("KIT001", "each evidence row of the evidence plan and readiness page states the frequencies of the controls "
         "it proves, and its text no other cadence; the control matrix cites for each control the items the plan "
         "lists it under, and the readiness page lists every item of the plan", evidence_cadences_agree),
    Rule("KIT002", "in a Type II window every recurring, continuous and per-event duty has an evidence item of its own "
         "that shows its runs or events on its basis: the count the item lists for the duty's own control, at least "
         "the sampling table's for its frequency (a document counts once; another control's runs, however many, "
         "never count), records of its events for the per-event sample", counts_meet_the_sampling_table),
    Rule("KIT003", "in a Type II window every per-event duty has a population of its own events (or records counted on "
         "them) for the auditor to draw the sampling table's per-event sample from, not only artefacts counted at "
         "another control's cadence", events_are_sampled),
    Rule("FIT003", "the evidence plan and readiness page ask for nothing the company's facts rule out (second region, "
         "office, board, health data)", kit_text_fits_the_company),
    Rule("CTL005", "an evidence item maps only criteria that the controls it proves address",
         evidence_criteria_within_controls),
    Rule("CTL006", "a control a small company merges into another has that control's owner and frequency",
         lean_merges_hold),
    Rule("CTL007", "a control is run by its owner at its frequency: no other role acts in it and no other cadence is "
         "named", one_owner_one_cadence),
    Rule("CTL008", "a periodic control prints no per-event deadline, only its run's own (of_run, shorter than the "
         "period)", run_and_event_deadlines),
    Rule("KIT004", "an evidence item's text names as its signer only the owner of a control it proves",
         signers_own_the_controls),
    Rule("XRF001", "a citation of a numbered section finds that section in the policy it names", citations_resolve),
    Rule("XRF002", "a control cited as another policy's is carried by that policy", control_citations_resolve),
    Rule("XRF004", "a cited control exists, and 'the X of control ID' names what that control is about",
         control_citations_exist_and_fit),
    Rule("XRF003", "a policy named in a policy or a control statement is named by its title from its metadata, never "
         "a shortened one", policies_named_by_their_title),
    Rule("WRD001", "no sentence breaks off at ', and', runs into the next with no space, or repeats a phrase in "
         "brackets", wording_reads_written),
    Rule("TTL001", "an approver who holds an office is named by that office, never 'Policy Approver'",
         approver_named_by_office),
    Rule("CTL009", "each duty an evidence item proves (a control, or one merged into a small company's host) shares "
         "a criterion with the item (its own subject)", evidence_shares_a_criterion),
    Rule("KIT005", "each duty's runs are counted by one evidence item of the plan, its record (a continuous setting "
         "that spans several systems: one export per system, named in record: and taken on the same dates)",
         runs_counted_once),
    Rule("KIT006", "every evidence item the control matrix cites is defined on the evidence plan or the readiness "
         "page", cited_evidence_is_defined),
)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
# Rules whose findings in the current library text are still being fixed (issue #12): they run and
# report with `--all-rules`, and are enforced by lint-library and check once removed from this set.
# CTL009 and KIT005 left it once every variant and matrix company had none (issue #12).
PENDING: frozenset[str] = frozenset()


def run_rules(view: RuleInput, select: Iterable[str] | None = None) -> list[Problem]:
    """Run the selected rules (every enforced rule by default); each problem is prefixed with its code."""
    codes = list(select) if select is not None else [r.code for r in RULES if r.code not in PENDING]
    problems: list[Problem] = []
    for code in codes:
        rule = RULES_BY_CODE[code]
        for problem in rule.check(view):
            problems.append(Problem(problem.where, f"{code} {problem.message}", problem.fix, problem.line))
    return problems


__all__ = [
    "PENDING", "RULES", "RULES_BY_CODE", "Rule", "RuleInput", "Source", "company_view", "library_view", "run_rules",
]
