"""The forms: each is ``<id>.toml`` (its declaration) beside ``<id>.py`` (its own rules, when it needs any).

The stages find a form's rules through ``sheets_tools.formkit.plugins`` by the form's id; nothing
below this package imports it.
"""
