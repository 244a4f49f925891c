"""What the inspections hold about a person (gongzhi.accounts.personal_data): only work records of
the staff who inspect and decide, none about residents."""

NOT_INCLUDED = {
    "inspections.checklist.published_by": "Work record: who published a checklist version.",
    "inspections.visit.created_by": "Work record: who planned a visit.",
    "inspections.visit.members": "Work record: the inspection group's members on a visit.",
    "inspections.inspection.inspector": "Work record: who submitted an inspection.",
    "inspections.rectificationorder.issued_by": "Work record: who issued a rectification order.",
    "inspections.caseconfirmation.confirmed_by": "Work record: who confirmed a case fixed on site.",
}
