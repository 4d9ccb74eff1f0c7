"""The quarterly report: drafted from the published snapshot, annotated by the agencies, approved by an admin.

`document` builds it for one viewer through accueil.access (the same named queries as the pages,
so its figures are the pages' figures, suppressed and scoped as the pages show them) and writes
it as HTML and PDF; `review` keeps the drafts, notes and approvals in the control database with
their audit rows; accueil.access.quarterly decides who may download it.
"""
