"""The proposal form's rules for a collective (tập thể): its own rating, the LĐTT share of its members,
its members' discipline, TTLĐXS and TTLĐTT criteria (domain.md §3). ``collective_findings`` is called by
``proposals._row`` for each valid collective row; ``hit(code, field, **context)`` there builds the finding
at the row's cell of ``field``; ``award`` holds the title's name and the basis it cites."""
from __future__ import annotations

from sheets_tools.campaign.criteria import number_text
from sheets_tools.campaign.model import LAW, Campaign
from sheets_tools.core.findings import ERROR, Code, Finding
from sheets_tools.core.text import fold

RATINGS = {"hoàn thành xuất sắc nhiệm vụ": 3, "hoàn thành tốt nhiệm vụ": 2, "hoàn thành nhiệm vụ": 1,
           "không hoàn thành nhiệm vụ": 0}
HTXS, HTT = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"
PRINCIPLE = f"nguyên tắc khen thưởng, Điều 5 {LAW}"
# the collective's own rating each title needs (the rating rank of RATINGS, and its words)
OWN_RATING = {"TTLDXS": (3, HTXS), "TTLDTT": (2, HTT)}
# titles refused to a collective with a member disciplined at "cảnh cáo" or above
NO_DISCIPLINE = ("TTLDTT", "TTLDXS")
# how the LĐTT share is compared with the percent: setting value -> (is the share enough?, words)
COMPARE = {"từ": (lambda share, need: share >= need - 1e-9, "từ {need}% trở lên"),
           "trên": (lambda share, need: share > need + 1e-9, "trên {need}%")}

CODES = {
    "proposal.member_counts": Code(
        ERROR, "{what}: số thành viên đạt danh hiệu lớn hơn tổng số thành viên ({members}). Hãy kiểm tra lại số liệu."),
    "proposal.ldtt_share": Code(
        ERROR, "{what}: {value}/{members} thành viên đạt Lao động tiên tiến ({share}), chưa đạt tỷ lệ {need} "
        "để đề nghị \"{award}\". Hãy kiểm tra lại số thành viên đạt Lao động tiên tiến hoặc bỏ đề nghị. "
        "(Căn cứ: {basis}; tỷ lệ theo cài đặt \"{setting}\".)"),
    "proposal.incomplete_members": Code(
        ERROR, "{what}: có {value} thành viên không hoàn thành nhiệm vụ; \"{award}\" cần tất cả thành viên hoàn thành "
        "nhiệm vụ. (Căn cứ: {basis}.)"),
    "proposal.no_cstdcs": Code(
        ERROR, "{what}: \"{award}\" cần ít nhất một thành viên đạt Chiến sĩ thi đua cơ sở. (Căn cứ: {basis}.)"),
    "proposal.disciplined": Code(
        ERROR, "{what}: có {value} thành viên bị kỷ luật từ cảnh cáo trở lên; chưa đủ điều kiện \"{award}\". "
        "(Căn cứ: {basis}.)"),
}


def collective_findings(v: dict, rule: str | None, campaign: Campaign, hit, award) -> list[Finding]:
    """The collective rules on one row's values ``v`` proposed for a title of rule group ``rule``."""
    members, ldtt = v.get("members") or 0, v.get("ldtt_members") or 0
    if ldtt > members or (v.get("cstdcs_members") or 0) > members:
        return [hit("proposal.member_counts", "ldtt_members", members=members)]
    out = []
    if rule in OWN_RATING:
        rank, words = OWN_RATING[rule]
        if RATINGS.get(fold(v.get("rating") or ""), 0) < rank:
            out.append(hit("proposal.rating", "rating", need=words, **award))
    out += _ldtt_share(members, ldtt, rule, campaign, hit, award)
    if rule == "TTLDXS":
        if (v.get("incomplete_members") or 0) > 0:
            out.append(hit("proposal.incomplete_members", "incomplete_members", **award))
        if (v.get("cstdcs_members") or 0) < 1:
            out.append(hit("proposal.no_cstdcs", "cstdcs_members", **award))
    if rule in NO_DISCIPLINE and (v.get("disciplined_members") or 0) > 0:
        out.append(hit("proposal.disciplined", "disciplined_members", **award))
    return out


def _ldtt_share(members: int, ldtt: int, rule: str | None, campaign: Campaign, hit, award) -> list[Finding]:
    """The share of members who are LĐTT against the title's setting: TTLĐTT "từ" (at least) or "trên"
    (more than) ``ttldtt_ldtt_percent`` as ``ttldtt_ldtt_compare`` says; TTLĐXS at least its percent."""
    settings = campaign.yearend
    if rule == "TTLDTT":
        setting, percent, compare = "ttldtt_ldtt_percent", settings.ttldtt_ldtt_percent, settings.ttldtt_ldtt_compare
    elif rule == "TTLDXS":
        setting, percent, compare = "ttldxs_ldtt_percent", settings.ttldxs_ldtt_percent, "từ"
    else:
        return []
    enough, words = COMPARE[compare]
    if not members or enough(100 * ldtt / members, percent):
        return []
    return [hit("proposal.ldtt_share", "ldtt_members", members=members,
                share=f"{100 * ldtt / members:.1f}%".replace(".", ","), need=words.format(need=number_text(percent)),
                setting=setting, **award)]
