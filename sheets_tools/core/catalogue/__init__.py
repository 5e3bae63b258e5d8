"""The one catalogue of finding codes, kept in one module per area; a form's own codes are added
to it by ``core.findings.register``."""
from sheets_tools.core.catalogue import files
from sheets_tools.core.catalogue import layout
from sheets_tools.core.catalogue import cells
from sheets_tools.core.catalogue import office
from sheets_tools.core.catalogue import council
from sheets_tools.core.catalogue import campaign
from sheets_tools.core.catalogue import history
from sheets_tools.core.catalogue import ledger
from sheets_tools.core.catalogue import mail
from sheets_tools.core.catalogue import fetch
from sheets_tools.core.severity import Code

CATALOGUE: dict[str, Code] = {}
for _area in (files, layout, cells, office, council, campaign, history, ledger, mail, fetch):
    for _name in _area.CODES:
        if _name in CATALOGUE:
            raise ValueError(f"finding code {_name} is declared twice")
    CATALOGUE.update(_area.CODES)
