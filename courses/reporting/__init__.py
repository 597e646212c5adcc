"""The talent pipeline in figures: targets, funnel, forecast, dashboard, exports,
reporting API and the audit trail."""
