"""What the spreadsheet imports hold about a user, for their page "My personal data"
(gongzhi.accounts.personal_data): nothing listed of its own. The records an import made or
changed (people, ties to units) are listed by their own sections; the import's file and its
journal for undoing it are the office's record of its work."""

NOT_INCLUDED = {
    "onboarding.importjob.uploaded_by": "Work record: who uploaded a spreadsheet import.",
    "onboarding.importjob.confirmed_by": "Work record: who confirmed a spreadsheet import.",
    "onboarding.importjob.undone_by": "Work record: who undid a spreadsheet import.",
}
