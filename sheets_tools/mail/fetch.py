"""The fetch stage: returns taken from the office's mailbox (IMAP) or from a mailbox file (mbox, Maildir),
then collected.

Each new message is saved, as the unit sent it, as an ``.eml`` file in the campaign's ``inbox/`` folder
(written beside, then renamed), recorded in the ledger (``store.fetched``: UIDVALIDITY, UID, Message-ID),
and then collected like any ``.eml`` file (``collection.collect``, the one mail parser, with the sender
checked against the units' addresses). The saved files stay: the office can open them, ``collect`` takes
them again unchanged, and the ledger's archive holds their workbooks as for any mail.

Only returns are taken: a message carrying a workbook (or an archive), or sent from a unit's address.
Other mail of the mailbox (newsletters, other business) is left where it is and only noted as seen.
Nothing in the mailbox changes unless ``move_to`` is given: messages are read with ``BODY.PEEK``.
A fetch stopped between saving and collecting collects what it saved on its next run.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sheets_tools.campaign.mail_settings import mail_settings
from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.collect import CollectResult, collect, unit_addresses
from sheets_tools.collection.gather import mail_facts, read_mail
from sheets_tools.core.files import atomic_write_bytes, campaign_lock
from sheets_tools.core.records import Incoming
from sheets_tools.mail import mailboxes
from sheets_tools.mail.imap import ImapBox, MailboxError
from sheets_tools.mail.passwords import get_password
from sheets_tools.store import fetched
from sheets_tools.store.ledger import Ledger

INBOX_DIR = "inbox"  # where fetched messages are kept, in the campaign folder


@dataclass
class FetchResult:
    """What one fetch did: the mailbox read, the messages saved, those already taken or left, the
    messages moved, what collect made of them, and the error that cut the reading short, if one did."""

    mailbox: str
    saved: list[Path] = field(default_factory=list)
    already: int = 0
    left: int = 0  # messages that are no return (no workbook, no unit's address): left in the mailbox
    moved: int = 0
    collected: CollectResult = field(default_factory=CollectResult)
    error: MailboxError | None = None

    @property
    def has_errors(self) -> bool:
        return self.collected.has_errors

    def to_json(self) -> dict:
        out = {"mailbox": self.mailbox, "saved": [str(p) for p in self.saved], "already_taken": self.already,
               "left_in_mailbox": self.left, "moved": self.moved, **self.collected.to_json()}
        if self.error is not None:
            out["error"] = {"code": self.error.code, "message": str(self.error)}
        return out


class _Taking:
    """Saving and recording the messages of one mailbox, under the campaign lock."""

    def __init__(self, campaign: Campaign, ledger: Ledger, mailbox: str, result: FetchResult):
        self.campaign, self.ledger, self.mailbox, self.result = campaign, ledger, mailbox, result
        self.addresses = unit_addresses(campaign)

    def again(self, earlier: fetched.Seen, *, message_id: str | None, uidvalidity: int | None = None,
              uid: int | None = None) -> bool:
        """A message taken (or left) before, seen again (under a new UIDVALIDITY, or in another mailbox):
        noted under its new UID, never taken twice. True when it is a return."""
        if uid is not None:
            fetched.remember(self.ledger, self.mailbox, sha256=earlier.sha256, saved_as=earlier.saved_as,
                             collected=earlier.collected, message_id=message_id, uidvalidity=uidvalidity, uid=uid)
        if earlier.saved_as is None:
            self.result.left += 1
        else:
            self.result.already += 1
        return earlier.saved_as is not None

    def take(self, data: bytes, arrived: float | None, *, uidvalidity: int | None = None,
             uid: int | None = None) -> bool:
        """Save and record one message unless it was taken before; True when it is a return (new or not)."""
        facts, sha = mail_facts(data), hashlib.sha256(data).hexdigest()
        ids = {"message_id": facts.message_id, "uidvalidity": uidvalidity, "uid": uid}
        earlier = fetched.seen(self.ledger, message_id=facts.message_id, sha256=sha)
        if earlier is not None:
            return self.again(earlier, **ids)
        path = self.campaign.dir / INBOX_DIR / f"{_stamp(facts.sent, arrived)}-{_safe(facts.sender)}-{sha[:10]}.eml"
        if not self._is_return(data, path, facts.sender):
            fetched.remember(self.ledger, self.mailbox, sha256=sha, saved_as=None, **ids)
            self.result.left += 1
            return False
        atomic_write_bytes(path, data)
        if arrived:  # a mail without a Date header is dated by its file: the server's arrival time
            try:
                os.utime(path, (arrived, arrived))
            except (OverflowError, OSError, ValueError):
                pass  # an impossible date: the file keeps the moment it was saved
        fetched.remember(self.ledger, self.mailbox, sha256=sha, saved_as=path.relative_to(self.campaign.dir).as_posix(),
                         **ids)
        self.result.saved.append(path)
        return True

    def _is_return(self, data: bytes, path: Path, sender: str | None) -> bool:
        if sender and sender in self.addresses:
            return True
        return any(isinstance(item, Incoming) for item in read_mail(data, path))


def _stamp(sent: datetime | None, arrived: float | None) -> str:
    """The saved file's name begins with when the mail was sent (else arrived, else now): yyyymmdd-HHMMSS."""
    when = sent
    if when is None and arrived:
        try:
            when = datetime.fromtimestamp(arrived)
        except (OverflowError, OSError, ValueError):
            when = None
    when = when or datetime.now()
    return f"{when.year:04d}{when.month:02d}{when.day:02d}-{when.hour:02d}{when.minute:02d}{when.second:02d}"


def _safe(sender: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", (sender or "khong-ro").split("@")[0])[:30] or "khong-ro"


def fetch(campaign: Campaign, *, source: Path | None = None, since: date | None = None,
          move_to: str | None = None, feedback: bool = True, timeout: float | None = None) -> FetchResult:
    """Take the new returns from the office's IMAP mailbox (the campaign's ``imap.*`` settings), or from the
    mbox file or Maildir folder ``source``, and collect them. Raises MailboxError when the mailbox cannot be
    reached or read before anything was taken; an error midway is ``FetchResult.error`` (what was taken
    before it is collected)."""
    with campaign_lock(campaign.dir, "fetch"), Ledger(campaign.dir) as ledger:
        if source is None:
            result = _from_imap(campaign, ledger, since, move_to, timeout)
        else:
            result = _from_file(campaign, ledger, Path(source), since)
        waiting = fetched.pending(ledger)
    if waiting:
        paths = [campaign.dir / name for name in waiting if (campaign.dir / name).is_file()]
        result.collected = collect(campaign, paths, feedback=feedback, senders=True)
        with Ledger(campaign.dir) as ledger:
            fetched.mark_collected(ledger, waiting)
    return result


def _from_file(campaign: Campaign, ledger: Ledger, source: Path, since: date | None) -> FetchResult:
    result = FetchResult(mailbox=str(source))
    taking = _Taking(campaign, ledger, mailboxes.name_of(source), result)
    for msg in mailboxes.messages(source):
        sent = mail_facts(msg.data).sent
        if since is None or sent is None or sent.date() >= since:
            taking.take(msg.data, msg.arrived)
    return result


def _from_imap(campaign: Campaign, ledger: Ledger, since: date | None, move_to: str | None,
               timeout: float | None) -> FetchResult:
    settings = mail_settings(campaign.settings)
    host, user, port = settings.imap_host, settings.imap_user, settings.imap_port_or_default
    if not host:
        raise MailboxError("fetch.no_host")
    if not user:
        raise MailboxError("fetch.no_user")
    password = get_password("imap", user, host)
    if not password:
        raise MailboxError("fetch.no_password", user=user, host=host)
    options = {"timeout": timeout} if timeout else {}
    with ImapBox(host, port, settings.imap_security, user, password, **options) as box:
        box.open(settings.imap_folder, writable=bool(move_to))
        if move_to:
            box.require(move_to)
        mailbox = f"imap://{user}@{host}:{port}/{settings.imap_folder}"
        result = FetchResult(mailbox=mailbox)
        taking = _Taking(campaign, ledger, mailbox, result)
        returns: list[int] = []
        try:
            here = box.search(since)
            known = fetched.uids(ledger, mailbox, box.uidvalidity)
            returns = [uid for uid in here if uid in known and known[uid].saved_as is not None]
            unseen = [uid for uid in here if uid not in known]
            heads = box.headers(unseen)  # a renumbered folder is known again by Message-ID, without downloading
            for uid in unseen:
                message_id = mail_facts(heads.get(uid, b"")).message_id
                earlier = fetched.seen(ledger, message_id=message_id) if message_id else None
                if earlier is not None:
                    taken = taking.again(earlier, message_id=message_id, uidvalidity=box.uidvalidity, uid=uid)
                elif (message := box.fetch(uid)) is not None:
                    taken = taking.take(message.data, message.arrived, uidvalidity=box.uidvalidity, uid=uid)
                else:
                    continue
                if taken:
                    returns.append(uid)
            if move_to:
                box.move(sorted(returns), move_to)
                result.moved = len(returns)
        except MailboxError as exc:  # the connection dropped midway: what was taken is collected
            result.error = exc
    return result
