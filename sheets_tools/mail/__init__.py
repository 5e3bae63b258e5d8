"""Mail in and out: forms, reminders, feedback and receipts sent over SMTP (``send``), returns fetched
from the office's IMAP mailbox or a mailbox file (``fetch``), passwords from the system's credential
store (``passwords``). Built on the ``.eml`` drafts of ``collection.issue`` and the ``.eml`` intake of
``collection.gather``: one message format, one parser, for both routes."""
