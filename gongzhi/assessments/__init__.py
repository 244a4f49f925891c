"""Assessments (考核, R-ASSESS-1, R-MECH-1, R-MECH-2, R-ORG-2): the office's schemes as versioned data —
what is assessed, indicators with weights, each scored by hand, by a formula over the platform's
records or by deductions per event, grade bands and their consequences — and the cycles that apply
them: figures pulled in with links to their records, assessors' scores, objections, approval,
publication, and a frozen result."""
