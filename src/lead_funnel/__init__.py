"""The Lead Funnel Warehouse's Python side: the `lead-funnel` command (lead_funnel.cli) that
builds, validates and publishes the dbt project, and the modules it runs."""
