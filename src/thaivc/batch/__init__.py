"""Batch issuance: a credential for every row of a CSV or JSONL file, on every core, resumable.

``issue_many`` (library) and ``thaivc issue-batch`` (command line) read subjects, allocate status
entries in bulk, sign in worker processes and write JSONL plus the published status lists. The
output directory is the journal, so a run killed at any point is finished by running it again,
without issuing anyone twice and without a status index that no credential carries.
"""

from thaivc.batch.run import BatchResult, Progress, issue_many
from thaivc.batch.worker import credential_id

__all__ = ["BatchResult", "Progress", "credential_id", "issue_many"]
