"""dbt in the pipeline: the project (loaded lazily), its assets in two steps, and the plugin that gives its
connections the project's Python functions."""
