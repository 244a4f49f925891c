"""The inspection groups' work (R-ORG-3, R-MECH-4): checklists, visit plans, inspections carried
out on a phone, findings, rectification orders to the responsible organisation and their re-check,
and the quarterly inspection-evaluation that gathers the parties' reports, forums and the survey."""
