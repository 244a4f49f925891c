"""What the exports hold about a user, for their page "My personal data"
(gongzhi.accounts.personal_data): nothing listed of its own. An export is a copy of a list the
user could read, made at their request and deleted with its file after RETENTION_EXPORTS_DAYS; the
records in it are listed by their own sections."""

NOT_INCLUDED = {
    "exports.exportjob.owner": "Work record: who exported a list (kept a few days, with the file).",
}
