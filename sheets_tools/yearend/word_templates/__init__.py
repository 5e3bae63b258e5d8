"""The Word templates of the decision documents (package data) and ``build.py``, the script that makes them."""
