"""What the quarterly inspection-evaluations hold about a person (gongzhi.accounts.personal_data):
work records of the staff who open them, report for their organisation and record forums. A
forum's participants are written by name as heard, not linked to anyone's account."""

NOT_INCLUDED = {
    "evaluations.quarterlyevaluation.opened_by": "Work record: who opened a quarter's inspection-evaluation.",
    "evaluations.quarterlyevaluation.closed_by": "Work record: who closed it.",
    "evaluations.partyreport.submitted_by": "Work record: who submitted an organisation's quarterly report.",
    "evaluations.forum.recorded_by": "Work record: who recorded a forum.",
    "evaluations.forumopinion.recorded_by": "Work record: who recorded an opinion heard at a forum.",
}
