"""The web: HTML pages, the JSON API for boards and joins, templates and the module preload
list for the browser client."""
