"""Quality assurance: the audit programme, case audits with graded domains, moderation,
family feedback, actions from audits (in the shared tracker, source ``audit``) that the
lead auditor dip-samples, and re-audit."""
