"""Cohorts, enrolments, applications, invitations and the waitlist."""
